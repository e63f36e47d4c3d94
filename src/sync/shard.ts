import { createHash } from 'node:crypto';
import { UsageError } from '../errors.ts';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard takes I/N with 1 <= I <= N, e.g. 2/4 (got "${text}")`);
  return { index, count };
}

/** A registry's shard depends on its name only, so every matrix job agrees without talking. */
export function inShard(name: string, shard: Shard): boolean {
  return createHash('sha256').update(name).digest().readUInt32BE(0) % shard.count === shard.index - 1;
}
