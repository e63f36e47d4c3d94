/**
 * The once-only refetch of versions extracted before a file was added to the kept files
 * (CHANGELOG.md, the fifth). Its durable marker is in the catalog, not in .chartroom/state.json,
 * so a lost cache neither refetches everything nor never finishes: `keptFiles` in a chart.json
 * says every version it lists with files was read for those files; the same field in
 * registries/<name>.json says every chart of the registry has it, so a quiet sync checks one
 * field and costs nothing more. A chart's marker is written with its chart.json, after the
 * versions' files (crash-safe: a run killed mid-way leaves the charts it finished marked, and
 * the next run does the rest). At most REFETCH_BUDGET versions are fetched again per registry
 * and run, whole charts at a time, so a chart is never half done.
 */
import type { CatalogChart, CatalogRegistry } from '../catalog/types.ts';
import { KEPT_FILES } from '../chart/archive.ts';

/** The kept files as the marker lists them, sorted. */
export const CURRENT_KEPT_FILES: readonly string[] = [...KEPT_FILES].sort();

/** Versions fetched again per registry and run (a chart with more goes alone). */
export const REFETCH_BUDGET = 500;

/** Whether a marker (absent: the first four files) covers every file kept now. */
export function coversKeptFiles(marker: readonly string[] | undefined): boolean {
  return marker !== undefined && CURRENT_KEPT_FILES.every((file) => marker.includes(file));
}

/** The files kept now that a marker lacks (absent marker: the ones added after the first four). */
export function missingKeptFiles(marker: readonly string[] | undefined): string[] {
  const had = marker ?? ['Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml'];
  return CURRENT_KEPT_FILES.filter((file) => !had.includes(file));
}

/** Whether the registry still has charts to bring up to the kept files (then no 304, no hints). */
export function registryNeedsRefetch(previous: CatalogRegistry | undefined): boolean {
  return previous !== undefined && !coversKeptFiles(previous.keptFiles);
}

/** Whether every chart of a registry, as this sync leaves them, has the marker. */
export function everyChartCovered(charts: readonly CatalogChart[]): boolean {
  return charts.every((chart) => coversKeptFiles(chart.keptFiles));
}
