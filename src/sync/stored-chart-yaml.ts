/**
 * A version's Chart.yaml as catalog/ stores it, read again for its metadata: by the sync when a
 * chart's latest version changes without being fetched, and by the one-time correction of a
 * catalog written before Chart.yaml was the authority (chart-metadata.ts). The file was read as
 * untrusted when the archive was (chart/archive.ts) and redacted when written; it is parsed the
 * same way again, with the same size cap, since it may have been edited by hand since.
 */
import { parseChartYaml } from '../chart/archive.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../chart/limits.ts';
import { chartYamlMeta, type ChartYamlMeta } from '../chart/metadata.ts';
import type { CatalogStore } from '../catalog/store.ts';

/** Its metadata; undefined when it is not stored, too large, or no longer parses. */
export async function storedChartYaml(
  store: CatalogStore,
  registry: string,
  chart: string,
  version: string,
): Promise<ChartYamlMeta | undefined> {
  const body = await store.readVersionFile(
    registry,
    chart,
    version,
    'Chart.yaml',
    DEFAULT_ARCHIVE_LIMITS.maxFileBytes,
  );
  if (!body) return undefined;
  try {
    return chartYamlMeta(parseChartYaml(body));
  } catch {
    return undefined;
  }
}
