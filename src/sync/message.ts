import type { ChartMetadataCorrection } from './chart-metadata.ts';
import type { RegistryReport } from './registry-sync.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The commit message: a subject that says what changed (`sync: 3 new versions in 2 registries`) and a body that lists it. */
export function commitMessage(
  reports: RegistryReport[],
  pruned: string[],
  correction?: ChartMetadataCorrection,
): string {
  const added = reports.flatMap((r) => r.added.map((v) => ({ registry: r.name, ...v })));
  const removed = reports.flatMap((r) => r.removed.map((v) => ({ registry: r.name, ...v })));
  const dropped = reports.reduce((n, r) => n + r.dropped.length, 0);
  const republished = reports.flatMap((r) => r.republished.map((v) => ({ registry: r.name, ...v })));
  const failedVersions = reports.reduce((n, r) => n + r.failed.length, 0);
  const failedRegistries = reports.filter((r) => r.status === 'failed').map((r) => r.name);

  const parts: string[] = [];
  if (added.length > 0) {
    const registries = new Set(added.map((a) => a.registry)).size;
    parts.push(
      `${plural(added.length, 'new version', 'new versions')} in ${plural(registries, 'registry', 'registries')}`,
    );
  }
  if (removed.length > 0) parts.push(`${plural(removed.length, 'version', 'versions')} removed upstream`);
  if (dropped > 0) parts.push(`${plural(dropped, 'version', 'versions')} no longer tracked`);
  if (republished.length > 0) parts.push(`${plural(republished.length, 'version', 'versions')} republished`);
  if (failedVersions > 0) parts.push(`${plural(failedVersions, 'version', 'versions')} failing`);
  if (failedRegistries.length > 0) parts.push(`${failedRegistries.join(', ')} failing`);
  if (pruned.length > 0)
    parts.push(`removed ${plural(pruned.length, 'registry', 'registries')} (${pruned.join(', ')})`);
  if (correction && correction.charts > 0)
    parts.push(`chart metadata of ${plural(correction.charts, 'chart', 'charts')} read from its Chart.yaml`);
  const subject = `sync: ${parts.join(', ') || (correction?.marked ? 'chart metadata now from Chart.yaml' : 'update catalog')}`;

  const lines: string[] = [];
  if (correction) lines.push('', ...correctionLines(correction));
  const list = <T>(title: string, items: T[], show: (item: T) => string) => {
    if (items.length === 0) return;
    lines.push('', `${title}:`);
    for (const item of items.slice(0, 100)) lines.push(`- ${show(item)}`);
    if (items.length > 100) lines.push(`- … and ${items.length - 100} more`);
  };
  list('New', added, (a) => `${a.registry}/${a.chart} ${a.version}`);
  list('Removed upstream', removed, (a) => `${a.registry}/${a.chart} ${a.version}`);
  list(
    'Republished (kept the first digest)',
    republished,
    (a) => `${a.registry}/${a.chart} ${a.version}: ${a.previousDigest} -> ${a.digest}`,
  );
  return [subject, ...lines].join('\n');
}

/** What the one-time correction did (chart-metadata.ts), for the commit's body. */
function correctionLines({ charts, read, marked }: ChartMetadataCorrection): string[] {
  return [
    `Chart metadata: ${plural(charts, 'chart.json', 'chart.json files')} corrected from the ${plural(read, 'Chart.yaml', 'Chart.yaml files')} catalog/ stores (no download):`,
    'keywords, maintainers, description, icon, home, sources and deprecated from the latest',
    "version's Chart.yaml, appVersion and deprecated from each stored version's.",
    ...(marked
      ? ['catalog.json now records "chartMetadata": "Chart.yaml": no later sync does this again.']
      : ['Some registry could not be read: the next sync finishes the correction.']),
  ];
}
