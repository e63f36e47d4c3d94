/**
 * The catalog documents a registry's sync writes, built from what it knows: the registry file,
 * the upstream metadata of each version, and what the catalog held before.
 */
import type { ChartVersionMeta, ChartYamlMeta } from '../chart/metadata.ts';
import { isRefused } from '../catalog/refused.ts';
import { latestOf } from '../chart/version.ts';
import type { CatalogChart, CatalogRegistry, CatalogVersion } from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { FetchedVersion } from '../sources/types.ts';

export function registryDoc(registry: RegistryDefinition, fields: Partial<CatalogRegistry>): CatalogRegistry {
  const doc: CatalogRegistry = {
    name: registry.name,
    url: registry.url,
    kind: registry.kind,
    private: registry.credential !== undefined,
    charts: fields.charts ?? 0,
    versions: fields.versions ?? 0,
    failedVersions: fields.failedVersions ?? [],
    republished: fields.republished ?? [],
    chartErrors: fields.chartErrors ?? [],
  };
  if (registry.description) doc.description = registry.description;
  // written only when set, so the documents of every other registry stay as they were
  if (registry.insecure) doc.insecure = true;
  if (fields.lastChange) doc.lastChange = fields.lastChange;
  if (fields.error) doc.error = fields.error;
  // written only when there is one, like insecure
  if (fields.verify) doc.verify = fields.verify;
  if (fields.signatureChanges && fields.signatureChanges.length > 0)
    doc.signatureChanges = fields.signatureChanges;
  if (fields.keptFiles) doc.keptFiles = fields.keptFiles;
  return doc;
}

export function versionRecord(
  meta: ChartVersionMeta,
  nowIso: string,
  fetched: Partial<Pick<FetchedVersion, 'digest' | 'manifestDigest'>> | undefined,
): CatalogVersion {
  const record: CatalogVersion = {
    version: meta.version,
    created: meta.created ?? nowIso,
    deprecated: meta.deprecated,
    removed: false,
    files: [],
  };
  // no date from the source: when chartroom first saw it, said so (kept out of "recently updated" and feeds)
  if (!meta.created) record.firstSeen = true;
  if (meta.appVersion) record.appVersion = meta.appVersion;
  const digest = fetched?.digest ?? meta.digest;
  if (digest) record.digest = digest;
  if (fetched?.manifestDigest) record.manifestDigest = fetched.manifestDigest;
  return record;
}

/** A version's record with what its Chart.yaml says of it (appVersion, deprecated): their authority. */
export function withChartYaml(record: CatalogVersion, chartYaml: ChartYamlMeta): CatalogVersion {
  const { appVersion: _old, ...rest } = record;
  return {
    ...rest,
    ...(chartYaml.appVersion ? { appVersion: chartYaml.appVersion } : {}),
    deprecated: chartYaml.deprecated,
  };
}

/**
 * The version chart.json names `latest`: the newest not removed upstream, else the newest; never
 * one refused by a `required: true` policy (`required`), so none when every version is refused.
 */
export function latestListed(versions: readonly CatalogVersion[], required = false): string | undefined {
  const offered = versions.filter((v) => !isRefused(v, required));
  const current = offered.filter((v) => !v.removed);
  return latestOf((current.length > 0 ? current : offered).map((v) => v.version));
}

export function chartRecord(
  registry: string,
  chart: string,
  versions: CatalogVersion[],
  metaOf: (version: string) => ChartVersionMeta | undefined,
  old: CatalogChart | undefined,
  /** the registry's policy is `required: true`: a version that failed it is never latest */
  required = false,
): CatalogChart {
  const latest = latestListed(versions, required);
  // OCI listings know only tags: chart-level fields then stay as the last full fetch left them
  const found = latest === undefined ? undefined : metaOf(latest);
  const meta = found?.partial ? undefined : found;
  const doc: CatalogChart = {
    name: chart,
    registry,
    sources: meta?.sources ?? old?.sources ?? [],
    keywords: meta?.keywords ?? old?.keywords ?? [],
    maintainers: meta?.maintainers ?? old?.maintainers ?? [],
    deprecated: meta?.deprecated ?? old?.deprecated ?? false,
    versions,
  };
  const description = meta ? meta.description : old?.description;
  const icon = meta ? meta.icon : old?.icon;
  const home = meta ? meta.home : old?.home;
  if (description) doc.description = description;
  if (icon) doc.icon = icon;
  if (home) doc.home = home;
  if (latest) {
    doc.latest = latest;
    // a first-seen date says nothing of when the chart changed: no `updated` then
    const entry = versions.find((v) => v.version === latest);
    if (entry && !entry.firstSeen) doc.updated = entry.created;
  }
  return doc;
}
