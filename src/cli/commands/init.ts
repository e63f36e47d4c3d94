/**
 * `chartroom init [DIR]`: arguments, what was written (or why nothing was), the generated age
 * key printed once, and the next steps; the work is src/init/.
 */
import path from 'node:path';
import { UsageError } from '../../errors.ts';
import { initCatalog } from '../../init/scaffold.ts';
import { parseCommand, usageLine, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const INIT_HELP = {
  command: 'init',
  args: '[DIR]',
  summary:
    'Makes DIR (default: the current folder) a catalog repository: chartroom.yaml, registries/, .sops.yaml, the GitHub workflows and a package.json pinning this chartroom. It never overwrites a file.',
  options: {
    'age-recipient': {
      type: 'string',
      multiple: true,
      value: 'age1…',
      does: 'encrypt credentials to this age recipient (default: a new key pair, its private key printed once)',
    },
  },
  notes: ['exit codes: 0 written, 2 a file exists already (nothing was written) or bad usage'],
} as const satisfies CommandHelp;

/** Scaffolds a catalog repository; exit 2, having written nothing, when any of its files exists. */
export async function initCommand(cwd: string, args: string[], output: Output): Promise<number> {
  const { values, positionals } = parseCommand(INIT_HELP, args);
  if (positionals.length > 1) throw new UsageError(`init takes one DIR at most: ${usageLine(INIT_HELP)}`);
  const dir = path.resolve(cwd, positionals[0] ?? '.');
  const result = await initCatalog(dir, { recipients: values['age-recipient'] ?? [] });
  if (!result.written) {
    for (const file of result.existing)
      output.err(
        `exists: ${file}${file === 'package.json' && result.packageJson ? ` (${result.packageJson})` : ''}`,
      );
    output.err(`nothing was written: init never overwrites (move these away, or init another folder)`);
    return 2;
  }
  if (result.gitInitialized) output.out(`initialized a git repository in ${dir}`);
  for (const file of result.files) output.out(`wrote ${file}`);
  for (const file of result.kept) output.out(`kept ${file}: it pins chartroom ${result.version} already`);
  output.out(`chartroom ${result.version} pinned in package.json and the workflows`);
  if (result.identity) printIdentity(result.identity, result.recipients[0]!, output);
  else output.out(`.sops.yaml encrypts credentials to ${result.recipients.length} age recipient(s)`);
  output.out(
    `next: npm install; then see README.md (the SOPS_AGE_KEY secret, Pages, the workflow token's push rights)`,
  );
  return 0;
}

function printIdentity(identity: string, recipient: string, output: Output): void {
  output.out(`generated an age key pair for .sops.yaml (recipient ${recipient}). Its private key,`);
  output.out('printed this once and written nowhere:');
  output.out('');
  output.out(identity);
  output.out('');
  output.out('Store it as the SOPS_AGE_KEY repository secret (Settings → Secrets and variables → Actions)');
  output.out('and in your password manager; set SOPS_AGE_KEY to it to decrypt credentials locally.');
}
