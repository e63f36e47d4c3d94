/**
 * What the signature cases (9, 10) share: each variant is a registry file (and the files it
 * names) synced first into a fresh catalog repository, then synced again with nothing changed;
 * the figures compare a signed variant with its unsigned twin.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { n, round, summarise, worker, type Sample } from '../lib.ts';

export type SyncSample = Sample & { requests: number; added: number; failed: number; verified: number };
type Summary = ReturnType<typeof summarise<SyncSample>>;

export interface SyncVariant {
  name: string;
  /** the registry file's body */
  registry: string;
  /** repository-relative path → content: keys, a trusted root, chartroom.yaml */
  files: Record<string, string>;
  /** versions the first sync must add, and verify */
  versions: number;
  verified: number;
}

export interface VariantRow<V extends SyncVariant> {
  variant: V;
  first: Summary;
  quiet: Summary;
}

/**
 * `runs` first and quiet syncs of every variant, each in its own process and repository. Runs are
 * interleaved (run i of every variant, then run i + 1): on a machine shared with other work, a
 * slower minute then weighs on every variant alike.
 */
export async function measureVariants<V extends SyncVariant>(
  runs: number,
  variants: readonly V[],
): Promise<VariantRow<V>[]> {
  const samples = variants.map(() => ({ first: [] as SyncSample[], quiet: [] as SyncSample[] }));
  for (let i = 0; i < runs; i++) {
    for (const [index, variant] of variants.entries()) {
      const repo = await createTempRepo();
      for (const [file, body] of Object.entries(variant.files)) {
        await mkdir(path.dirname(path.join(repo.root, file)), { recursive: true });
        await writeFile(path.join(repo.root, file), body);
      }
      await repo.writeRegistry('bench', variant.registry);
      await repo.git.add('.').commit('registry');
      const sample = await worker<SyncSample>('sync.ts', [repo.root]);
      if (sample.added !== variant.versions || sample.failed !== 0 || sample.verified !== variant.verified) {
        throw new Error(
          `${variant.name}: the first sync added ${sample.added} of ${variant.versions} (${sample.failed} failed), verified ${sample.verified} of ${variant.verified}`,
        );
      }
      samples[index]!.first.push(sample);
      samples[index]!.quiet.push(await worker<SyncSample>('sync.ts', [repo.root]));
      await repo.cleanup();
    }
  }
  return variants.map((variant, i) => ({
    variant,
    first: summarise(samples[i]!.first),
    quiet: summarise(samples[i]!.quiet),
  }));
}

/** What `signed` adds over `unsigned`: first-sync requests (in all and per version) and time, quiet-sync requests. */
export function added(signed: VariantRow<SyncVariant>, unsigned: VariantRow<SyncVariant>, versions: number) {
  const requests = signed.first.last.requests - unsigned.first.last.requests;
  return {
    requests,
    perVersion: round(requests / versions, 2),
    ms: round(signed.first.ms - unsigned.first.ms),
    quietRequests: signed.quiet.last.requests - unsigned.quiet.last.requests,
  };
}

/** The variants as results.json keeps them. */
export const variantsJson = (rows: readonly VariantRow<SyncVariant>[]) =>
  Object.fromEntries(
    rows.map((r) => [
      r.variant.name,
      {
        first: {
          ms: r.first.ms,
          maxRssMiB: r.first.maxRssMiB,
          requests: r.first.last.requests,
          verified: r.first.last.verified,
        },
        quiet: { ms: r.quiet.ms, requests: r.quiet.last.requests },
      },
    ]),
  );

/** The variants as results.md tables them. */
export const variantsTable = (rows: readonly VariantRow<SyncVariant>[]) =>
  [
    '| variant | first sync | requests | verified | peak RSS | quiet sync | quiet requests |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.variant.name} | ${r.first.ms} ms | ${n(r.first.last.requests)} | ${n(r.first.last.verified)} | ${r.first.maxRssMiB} MiB | ${r.quiet.ms} ms | ${n(r.quiet.last.requests)} |`,
    ),
  ].join('\n');
