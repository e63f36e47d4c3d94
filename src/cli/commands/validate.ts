/**
 * `chartroom validate`: every problem in chartroom.yaml and the registry and credential files,
 * printed, and exit 2 when there is one; then every credential-to-host binding the change adds
 * or alters against its base (`--base REF`; in a pull request `origin/$GITHUB_BASE_REF`; with no
 * base, every binding), so that a reviewer sees where a secret may now go. In GitHub Actions it
 * writes all of it to the job summary.
 */
import { appendFile } from 'node:fs/promises';
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { loadRegistries } from '../../config/load.ts';
import { formatInterval } from '../../config/duration.ts';
import { loadSettings, SETTINGS_FILE } from '../../config/settings.ts';
import { bindingsOf, changedBindings, filesOnDisk, type Binding } from '../../credentials/bindings.ts';
import { checkCredentials } from '../../credentials/check.ts';
import type { Env } from '../../credentials/resolve.ts';
import { UsageError } from '../../errors.ts';
import { comparisonBase, filesAt } from '../../git/tree-at.ts';
import { validateSummaryMarkdown, type BindingListing } from '../github.ts';
import { parseCommand, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const VALIDATE_HELP = {
  command: 'validate',
  summary:
    'Checks chartroom.yaml and every registry and credential file, printing every problem, then lists the credential-to-host bindings the change adds or alters. This is what the pull-request check runs.',
  options: {
    base: {
      type: 'string',
      value: 'REF',
      does: 'list the bindings added or changed since this git revision (default: origin/$GITHUB_BASE_REF)',
    },
  },
  notes: ['exit codes: 0 all valid, 2 a problem was found'],
} as const satisfies CommandHelp;

/** Checks chartroom.yaml and every registry and credential file; exit 2 on any problem. This is what the pull-request check runs. */
export async function validateCommand(
  root: string,
  args: string[],
  output: Output,
  env: Env = process.env,
): Promise<number> {
  const { values } = parseCommand(VALIDATE_HELP, args);
  await requireCatalogRepository(root);
  if (values.base?.startsWith('-')) throw new UsageError(`--base ${values.base}: not a git revision`);
  const lines: string[] = [];
  const say = (line: string) => (lines.push(line), output.out(line));
  const complain = (line: string) => (lines.push(line), output.err(line));
  const settings = await loadSettings(root);
  const { registries, errors } = await loadRegistries(root);
  const credentials = await checkCredentials(root, registries, env);
  const all = [...settings.errors, ...errors, ...credentials.errors];
  for (const error of all) {
    complain(`error: ${error.message}`);
    if (error.hint) complain(`  hint: ${error.hint}`);
  }
  if (settings.found && settings.errors.length === 0) say(`ok ${SETTINGS_FILE}`);
  for (const r of registries) {
    say(
      `ok ${r.file}: ${r.kind} ${r.url}, interval ${formatInterval(r.intervalMs)}${r.credential ? `, credential ${r.credential}` : ''}`,
    );
  }
  for (const note of credentials.notes) say(note);
  if (all.length > 0) complain(`${all.length} problem${all.length === 1 ? '' : 's'} found`);
  else say(`${registries.length} registry file${registries.length === 1 ? '' : 's'} valid`);
  const listing = await listBindings(root, values.base, env);
  for (const line of bindingLines(listing)) output.out(line);
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_STEP_SUMMARY) {
    await appendFile(env.GITHUB_STEP_SUMMARY, validateSummaryMarkdown(all.length === 0, lines, listing));
  }
  return all.length > 0 ? 2 : 0;
}

/** The bindings to show, and what they were compared with. */
async function listBindings(root: string, base: string | undefined, env: Env): Promise<BindingListing> {
  const head = bindingsOf(await filesOnDisk(root));
  const candidates = base
    ? [base]
    : env.GITHUB_BASE_REF
      ? [`origin/${env.GITHUB_BASE_REF}`, env.GITHUB_BASE_REF]
      : [];
  for (const ref of candidates) {
    const commit = await comparisonBase(root, ref);
    if (commit) {
      const before = bindingsOf(await filesAt(root, commit, 'registries'));
      return { against: `${ref} (${commit.slice(0, 12)})`, bindings: changedBindings(head, before) };
    }
  }
  const why = candidates.length
    ? `${candidates[0]} is not a commit in this checkout`
    : 'no base to compare with (--base REF, or GITHUB_BASE_REF in a pull request)';
  return { against: undefined, why, bindings: head };
}

function bindingLines({ against, why, bindings }: BindingListing): string[] {
  const head = against
    ? `credential bindings added or changed since ${against}: ${bindings.length || 'none'}`
    : `credential bindings: ${why}, so every one is listed: ${bindings.length || 'none'}`;
  return [head, ...bindings.map((b) => `  ${describeBinding(b)}`)];
}

export function describeBinding(b: Binding): string {
  return `${b.file}: ${b.secret} → ${b.host}${b.usedBy.length ? ` (used by ${b.usedBy.join(', ')})` : ' (used by no registry)'}`;
}
