/** `chartroom merge DIR...`: arguments and the closing line; the work is src/sync/merge.ts. */
import { UsageError } from '../../errors.ts';
import { mergeShards } from '../../sync/merge.ts';
import { unchangedWords } from '../../sync/message.ts';
import { parseCommand, usageLine, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const MERGE_HELP = {
  command: 'merge',
  args: 'DIR...',
  summary:
    'Joins the catalogs of `chartroom sync --shard I/N` runs (each DIR a repository root one of them synced) into this repository, and commits once.',
  options: {},
  notes: ['exit codes: 0 all good, 1 a shard reported a failure, 2 bad usage'],
} as const satisfies CommandHelp;

export async function mergeCommand(root: string, args: string[], output: Output): Promise<number> {
  const { positionals } = parseCommand(MERGE_HELP, args);
  if (positionals.length === 0)
    throw new UsageError(`merge needs the shard folders: ${usageLine(MERGE_HELP)}`);
  const result = await mergeShards(root, positionals);
  output.out(
    result.commit
      ? `committed ${result.commit.slice(0, 12)}: ${result.message?.split('\n')[0]}`
      : `${unchangedWords(result.registries)}; no commit`,
  );
  return result.exitCode;
}
