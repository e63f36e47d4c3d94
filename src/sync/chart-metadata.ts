/**
 * The one-time correction of a catalog written before the archive's Chart.yaml was the authority
 * for chart.json's metadata (when keywords, maintainers, icon, home, sources and a whole
 * description came only from the index entry or the OCI config). It reads the Chart.yaml files
 * the catalog already stores, so it downloads nothing; then catalog.json records
 * `"chartMetadata": "Chart.yaml"` and no later sync reads them for this again. Deterministic (a
 * function of the stored files) and crash-safe as every catalog write is: each chart.json is
 * replaced whole (store.ts), and the mark is written last, so a run killed half-way leaves no
 * mark and the next run does it all again, to the same result.
 */
import type { CatalogStore } from '../catalog/store.ts';
import { failpoint } from '../failpoint.ts';
import type { CatalogChart } from '../catalog/types.ts';
import type { ChartYamlMeta } from '../chart/metadata.ts';
import { withChartYaml } from './catalog-records.ts';
import { storedChartYaml } from './stored-chart-yaml.ts';

export interface ChartMetadataCorrection {
  /** chart.json files this correction changed */
  charts: number;
  /** stored Chart.yaml files it read */
  read: number;
  /** whether catalog.json now records it (not when a registry's part could not be read) */
  marked: boolean;
}

/**
 * Corrects every chart.json of the catalog from its stored Chart.yaml files, unless catalog.json
 * says that was done. Registries in `skip` (a part that cannot be read, or that this run leaves
 * out of its commit) are left alone, and then no mark is written: a later run finishes the job.
 */
export async function correctChartMetadataOnce(
  store: CatalogStore,
  skip: ReadonlySet<string>,
): Promise<ChartMetadataCorrection | undefined> {
  if (await store.chartMetadataFromChartYaml()) return undefined;
  const result: ChartMetadataCorrection = { charts: 0, read: 0, marked: false };
  let complete = skip.size === 0;
  for (const registry of await store.registryNames()) {
    if (skip.has(registry)) continue;
    let charts: Map<string, CatalogChart>;
    try {
      charts = await store.readCharts(registry);
    } catch {
      // a part that does not read is the sync's to report; it is corrected once it reads
      complete = false;
      continue;
    }
    for (const doc of charts.values()) {
      const corrected = await correctedChart(store, doc, result);
      if (await store.writeChart(corrected)) result.charts++;
      failpoint('mid-chart-metadata');
    }
  }
  if (complete) {
    await store.markChartMetadataFromChartYaml();
    result.marked = true;
  }
  return result;
}

/**
 * A chart.json with each stored version's appVersion and deprecated, and latest's chart-level
 * fields, from its stored Chart.yaml. Also what a sync writes for a chart whose part was changed
 * by hand, where the document's own fields cannot be trusted to be Chart.yaml's.
 */
export async function correctedChart(
  store: CatalogStore,
  doc: CatalogChart,
  counts: { read: number } = { read: 0 },
): Promise<CatalogChart> {
  // a chart's stored files are read at once (a few, `keep` of them): the correction is I/O bound
  const metas = await Promise.all(
    doc.versions.map((v) =>
      v.files.includes('Chart.yaml')
        ? storedChartYaml(store, doc.registry, doc.name, v.version)
        : Promise.resolve(undefined),
    ),
  );
  counts.read += doc.versions.filter((v) => v.files.includes('Chart.yaml')).length;
  const versions = doc.versions.map((v, i) => {
    const meta = metas[i];
    return meta ? withChartYaml(v, meta) : v;
  });
  const latest: ChartYamlMeta | undefined = metas[doc.versions.findIndex((v) => v.version === doc.latest)];
  return latest ? withChartLevel({ ...doc, versions }, latest) : { ...doc, versions };
}

/** The chart-level fields of chart.json as the latest version's Chart.yaml gives them. */
export function withChartLevel(doc: CatalogChart, meta: ChartYamlMeta): CatalogChart {
  const { description: _d, icon: _i, home: _h, ...rest } = doc;
  return {
    ...rest,
    sources: meta.sources,
    keywords: meta.keywords,
    maintainers: meta.maintainers,
    deprecated: meta.deprecated,
    ...(meta.description ? { description: meta.description } : {}),
    ...(meta.icon ? { icon: meta.icon } : {}),
    ...(meta.home ? { home: meta.home } : {}),
  };
}
