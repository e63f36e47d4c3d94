/**
 * chart.json for each planned chart once its fetches are in, in the crash-safe order
 * catalog/store.ts states: the fetched versions' files are already written, chart.json is written
 * next, and only then are the files it stops listing deleted. Charts the definition no longer
 * allows, and charts with nothing left to list, are removed whole.
 */
import type { ChartVersionMeta } from '../chart/metadata.ts';
import { compareNewestFirst } from '../chart/version.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { CatalogChart, CatalogVersion } from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { chartRecord, versionRecord } from './catalog-records.ts';
import type { Fetched } from './fetch-versions.ts';
import type { ChartPlan, RegistryPlan } from './plan.ts';

export interface SettledChart {
  /** what chart.json lists, newest first */
  versions: CatalogVersion[];
  /** upstream metadata by version, completed by what the fetches brought (OCI config blobs) */
  metaOf: (version: string) => ChartVersionMeta | undefined;
  /** versions whose files go after chart.json is written */
  deleteFiles: string[];
}

/**
 * A chart's planned records with its fetch outcomes: a fetched version is listed with its files,
 * a failed or republished one as the plan left it. The keep window is recomputed over what is
 * listed now, so a failed download leaves its files to the next older version.
 */
export function settleChart(
  plan: ChartPlan,
  outcomes: readonly Fetched[],
  keep: RegistryDefinition['keep'],
  nowIso: string,
): SettledChart {
  const refilled = new Map<string, CatalogVersion>();
  const added: CatalogVersion[] = [];
  const fetchedMeta = new Map<string, ChartVersionMeta>();
  plan.fetch.forEach(({ meta, refill }, i) => {
    const result = outcomes[i];
    if (!result || 'error' in result || 'republishedAs' in result) return;
    const full: ChartVersionMeta = result.meta ? { ...meta, ...result.meta, partial: false } : meta;
    fetchedMeta.set(meta.version, full);
    const before = plan.records.get(meta.version);
    if (refill && before) refilled.set(meta.version, { ...before, files: result.fileNames });
    else added.push({ ...versionRecord(full, nowIso, result), files: result.fileNames });
  });
  const versions: CatalogVersion[] = [];
  for (const v of plan.records.values()) versions.push(refilled.get(v.version) ?? v);
  for (const v of added) versions.push(v);
  versions.sort((a, b) => compareNewestFirst(a.version, b.version));
  const deleteFiles = [...plan.deleteFiles];
  const inWindow = keep === 'all' ? versions.length : keep;
  for (let i = inWindow; i < versions.length; i++) {
    const v = versions[i]!;
    if (v.files.length === 0) continue;
    deleteFiles.push(v.version);
    versions[i] = { ...v, files: [] };
  }
  return {
    versions,
    metaOf: (version) => fetchedMeta.get(version) ?? plan.upstream.get(version),
    deleteFiles,
  };
}

/** Writes (or removes) every planned chart. Returns the chart documents written, for the counts. */
export async function writeCharts(
  store: CatalogStore,
  registry: RegistryDefinition,
  plan: RegistryPlan,
  fetched: readonly Fetched[][],
  now: Date,
): Promise<CatalogChart[]> {
  for (const chart of plan.removeCharts) await store.removeChart(registry.name, chart);
  const nowIso = now.toISOString();
  const written: CatalogChart[] = [];
  for (const [i, chart] of plan.charts.entries()) {
    const { versions, metaOf, deleteFiles } = settleChart(chart, fetched[i] ?? [], registry.keep, nowIso);
    if (versions.length === 0) {
      if (chart.old) await store.removeChart(registry.name, chart.chart);
      continue;
    }
    const doc = chartRecord(registry.name, chart.chart, versions, metaOf, chart.old);
    await store.writeChart(doc);
    for (const version of deleteFiles) await store.removeVersionFiles(registry.name, chart.chart, version);
    written.push(doc);
  }
  return written;
}
