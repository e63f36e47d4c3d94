/** `chartroom merge DIR...`: arguments and the closing line; the work is src/sync/merge.ts. */
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.ts';
import { mergeShards } from '../../sync/merge.ts';
import { unchangedWords } from '../../sync/message.ts';
import type { Output } from '../output.ts';

export const MERGE_USAGE = 'chartroom merge DIR...   (the repository roots of sync --shard runs)';

export async function mergeCommand(root: string, args: string[], output: Output): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length === 0) throw new UsageError(`merge needs the shard folders: ${MERGE_USAGE}`);
  const result = await mergeShards(root, positionals);
  output.out(
    result.commit
      ? `committed ${result.commit.slice(0, 12)}: ${result.message?.split('\n')[0]}`
      : `${unchangedWords(result.registries)}; no commit`,
  );
  return result.exitCode;
}
