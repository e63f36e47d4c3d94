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
import {
  checkPolicyKeys,
  checkSigstoreRoot,
  policyWords,
  sigstoreRootWords,
} from '../../config/verify-keys.ts';
import { formatInterval } from '../../config/duration.ts';
import { loadSettings, SETTINGS_FILE } from '../../config/settings.ts';
import { bindingsOf, changedBindings, filesOnDisk, type Binding } from '../../credentials/bindings.ts';
import { checkCredentials } from '../../credentials/check.ts';
import type { Env } from '../../credentials/resolve.ts';
import { UsageError } from '../../errors.ts';
import { comparisonBase, filesAt } from '../../git/tree-at.ts';
import { validateSummaryMarkdown, type BindingListing } from '../github.ts';
import type { RegistryDefinition } from '../../config/types.ts';
import { createRedactor } from '../../credentials/redact.ts';
import { checkConnections } from '../../sync/connect.ts';
import { describeWait } from '../../sync/deadlines.ts';
import { parseCommand, type CommandHelp } from '../help.ts';
import { paint, type Output } from '../output.ts';

export const VALIDATE_HELP = {
  command: 'validate',
  summary:
    'Checks chartroom.yaml and every registry and credential file, printing every problem, then lists the credential-to-host bindings the change adds or alters. This is what the pull-request check runs. With --connect it then reaches each registry with its credential (the sync workflow runs it after merge); it writes nothing.',
  options: {
    base: {
      type: 'string',
      value: 'REF',
      does: 'list the bindings added or changed since this git revision (default: origin/$GITHUB_BASE_REF)',
    },
    connect: {
      type: 'boolean',
      does: 'also reach each registry with its credential (one index.yaml GET, or OCI /v2/ and one tags list)',
    },
    registry: {
      type: 'string',
      multiple: true,
      value: 'NAME',
      does: 'with --connect, reach only these registries',
    },
  },
  notes: [
    'exit codes: 0 all valid (and reachable), 1 a registry could not be reached, 2 a problem was found',
  ],
} as const satisfies CommandHelp;

/**
 * Checks chartroom.yaml and every registry and credential file; exit 2 on any problem. This is
 * what the pull-request check runs. `--connect` then reaches each registry with its credential
 * (after merge, in the sync workflow): exit 1 when one cannot be reached. It writes nothing.
 */
export async function validateCommand(
  root: string,
  args: string[],
  output: Output,
  env: Env = process.env,
): Promise<number> {
  const { values } = parseCommand(VALIDATE_HELP, args);
  await requireCatalogRepository(root);
  if (values.base?.startsWith('-')) throw new UsageError(`--base ${values.base}: not a git revision`);
  if (values.registry && values.connect !== true) throw new UsageError('--registry goes with --connect');
  const lines: string[] = [];
  const say = (line: string) => (lines.push(line), output.out(line));
  const complain = (line: string) => (lines.push(line), output.err(line));
  const settings = await loadSettings(root);
  const loaded = await loadRegistries(root);
  // a verify.key that does not load as a key is a problem of its file, like a missing caFile
  const keys = await checkPolicyKeys(root, loaded.registries);
  const { registries } = keys;
  // the trusted root keyless policies verify with (settings' own problems first: a bad path is not read)
  const sigstore =
    settings.errors.length === 0 ? await checkSigstoreRoot(root, settings, loaded.registries) : {};
  const errors = [...loaded.errors, ...keys.errors, ...(sigstore.error ? [sigstore.error] : [])];
  const credentials = await checkCredentials(root, registries, env);
  const all = [...settings.errors, ...errors, ...credentials.errors];
  for (const error of all) {
    complain(`error: ${error.message}`);
    if (error.hint) complain(`  hint: ${error.hint}`);
  }
  if (settings.found && settings.errors.length === 0) say(`ok ${SETTINGS_FILE}`);
  if (sigstore.trust) say(sigstoreRootWords(sigstore.trust));
  for (const r of registries) {
    say(
      `ok ${r.file}: ${r.kind} ${r.url}, interval ${formatInterval(r.intervalMs)}${r.credential ? `, credential ${r.credential}` : ''}${policyWords(r)}`,
    );
  }
  for (const note of credentials.notes) say(note);
  if (all.length > 0) complain(`${all.length} problem${all.length === 1 ? '' : 's'} found`);
  else say(`${registries.length} registry file${registries.length === 1 ? '' : 's'} valid`);
  const listing = await listBindings(root, values.base, env);
  for (const line of bindingLines(listing)) output.out(line);
  let unreachable = 0;
  if (values.connect === true) {
    if (all.length > 0) complain('not connecting: fix the problems above first');
    else unreachable = await connect(root, registries, values.registry, { say, complain, output, env });
  }
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_STEP_SUMMARY) {
    const ok = all.length === 0 && unreachable === 0;
    await appendFile(env.GITHUB_STEP_SUMMARY, validateSummaryMarkdown(ok, lines, listing));
  }
  // bad configuration is 2; a registry that cannot be reached is a failure of this run, 1 (as in sync)
  return all.length > 0 ? 2 : unreachable > 0 ? 1 : 0;
}

interface Reporter {
  say: (line: string) => void;
  complain: (line: string) => void;
  output: Output;
  env: Env;
}

/** Reaches each registry (or those named); prints a line each; returns how many could not be reached. */
async function connect(
  root: string,
  registries: RegistryDefinition[],
  names: string[] | undefined,
  { say, complain, output, env }: Reporter,
): Promise<number> {
  const unknown = (names ?? []).filter((n) => !registries.some((r) => r.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `--registry ${unknown.join(', ')}: no such registry (registries: ${registries.map((r) => r.name).join(', ') || 'none'})`,
    );
  }
  const chosen = names ? registries.filter((r) => names.includes(r.name)) : registries;
  const redactor = createRedactor();
  const results = await checkConnections(chosen, {
    root,
    env,
    redactor,
    onWait: (wait) => output.err(paint(output.tty, 'dim', redactor.redact(describeWait(wait)))),
  });
  for (const r of results) {
    if (r.ok) say(`✓ ${r.registry}: ${r.summary.replace(/\)$/, `, ${r.ms} ms)`)}`);
    else {
      complain(paint(output.tty, 'red', `✗ ${r.registry}: ${r.message}`));
      if (r.hint) complain(`  hint: ${r.hint}`);
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0)
    complain(
      `${failed} of ${results.length} registr${results.length === 1 ? 'y' : 'ies'} could not be reached`,
    );
  else say(`${results.length} registr${results.length === 1 ? 'y' : 'ies'} reached`);
  return failed;
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
