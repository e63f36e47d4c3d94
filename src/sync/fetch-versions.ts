/**
 * The downloads of a registry's plan: every chart's fetch tasks under one concurrency limit, each
 * version's files written as soon as it is fetched (chart.json lists them only later, see
 * write-charts.ts). A version that fails is an outcome like any other; it never stops the rest.
 */
import type { LimitFunction } from 'p-limit';
import type { CatalogStore } from '../catalog/store.ts';
import type { ChartPlan, FetchTask } from './plan.ts';
import type { FetchedVersion, RegistrySource, VersionDescription } from '../sources/types.ts';

/** What fetching one version came to; its files are already written. */
export type Fetched =
  | (Omit<FetchedVersion, 'files'> & { fileNames: string[] })
  | { republishedAs: string; previousDigest: string }
  /** a `describe` task's answer: no files */
  | { described: VersionDescription }
  | { error: { code: string; message: string } };

export interface FetchDeps {
  registry: string;
  source: RegistrySource;
  store: CatalogStore;
  limit: LimitFunction;
  /** turns an error into the code and (redacted) message recorded for the version */
  describe: (error: unknown) => { code: string; message: string };
  /** the registry's deadline: once it fires, no version is started and one cut short is no outcome */
  signal?: AbortSignal;
}

const WRITES_WAITING = 8;

/**
 * Fetches every planned version. Returns, per chart of `charts`, the outcome of each of its fetch
 * tasks, in the same order.
 *
 * Each version's files are written beside the downloads: a download slot is free again once its
 * files are handed over, and at most WRITES_WAITING versions wait for the disk, so memory stays
 * bounded and a slow disk slows the downloads rather than filling memory.
 */
export async function fetchVersions(charts: readonly ChartPlan[], deps: FetchDeps): Promise<Fetched[][]> {
  const outcomes: Fetched[][] = [];
  const writing = new Set<Promise<void>>();

  async function fetchOne(
    chart: ChartPlan,
    { meta, refill, describe, refetch }: FetchTask,
    done: (outcome: Fetched) => void,
  ) {
    // a version the deadline cut short was not attempted: no failure, no backoff, fetched next run
    if (deps.signal?.aborted) return;
    try {
      if (describe) {
        done({ described: deps.source.describeVersion ? await deps.source.describeVersion(meta) : {} });
        return;
      }
      const result = await deps.source.fetchVersion(meta);
      const before = chart.records.get(meta.version);
      // a listed version whose archive changed since it was recorded: flagged, its files not taken
      if (refill && before?.digest && before.digest !== result.digest) {
        done({ republishedAs: result.digest, previousDigest: before.digest });
        return;
      }
      while (writing.size >= WRITES_WAITING) await Promise.race(writing);
      const { files, ...rest } = result;
      const write: Promise<void> = (
        refetch
          ? deps.store.addVersionFiles(
              deps.registry,
              meta.chart,
              meta.version,
              newFiles(files, before?.files),
            )
          : deps.store.writeVersionFiles(deps.registry, meta.chart, meta.version, files)
      )
        .then(
          () => done({ ...rest, fileNames: [...files.keys()].sort() }),
          (error: unknown) => done({ error: deps.describe(error) }),
        )
        .finally(() => writing.delete(write));
      writing.add(write);
    } catch (error) {
      if (!deps.signal?.aborted) done({ error: deps.describe(error) });
    }
  }

  const jobs = charts.flatMap((chart) => {
    const chartOutcomes = new Array<Fetched>(chart.fetch.length);
    outcomes.push(chartOutcomes);
    return chart.fetch.map((task, j) =>
      deps.limit(() => fetchOne(chart, task, (outcome) => void (chartOutcomes[j] = outcome))),
    );
  });
  await Promise.all(jobs);
  await Promise.all(writing);
  return outcomes;
}

/**
 * A refetched version's files that chart.json does not list yet: the listed ones came from the
 * same archive (its digest was checked), so they are left as they are, never half rewritten.
 */
function newFiles(files: ReadonlyMap<string, Buffer>, listed: readonly string[] = []): Map<string, Buffer> {
  return new Map([...files].filter(([name]) => !listed.includes(name)));
}
