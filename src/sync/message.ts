import type { ChartMetadataCorrection } from './chart-metadata.ts';
import type { RegistryReport } from './registry-sync.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Names in a subject or a summary line: the first few, then how many more. */
export const names = (list: readonly string[], shown = 5) =>
  list.length <= shown
    ? list.join(', ')
    : `${list.slice(0, shown).join(', ')} and ${list.length - shown} more`;

const recoveredRegistries = (reports: RegistryReport[]) =>
  reports.filter((r) => r.recovered?.registry && r.status !== 'failed').map((r) => r.name);

/**
 * What a run changed, in words (`3 new versions in 2 registries`, `internal recovered`): the
 * commit subject's parts, and what a run that does not commit says it wrote.
 */
export function changeParts(reports: RegistryReport[], pruned: string[]): string[] {
  const added = reports.flatMap((r) => r.added.map((v) => ({ registry: r.name, ...v })));
  const removed = reports.reduce((n, r) => n + r.removed.length, 0);
  const dropped = reports.reduce((n, r) => n + r.dropped.length, 0);
  const republished = reports.reduce((n, r) => n + r.republished.length, 0);
  const failedVersions = reports.reduce((n, r) => n + r.failed.length, 0);
  const failedRegistries = reports.filter((r) => r.status === 'failed').map((r) => r.name);
  const recovered = recoveredRegistries(reports);
  const recoveredVersions = reports.reduce((n, r) => n + (r.recovered?.versions.length ?? 0), 0);
  const relisted = reports.reduce((n, r) => n + (r.recovered?.charts.length ?? 0), 0);

  const parts: string[] = [];
  if (added.length > 0) {
    const registries = new Set(added.map((a) => a.registry)).size;
    parts.push(
      `${plural(added.length, 'new version', 'new versions')} in ${plural(registries, 'registry', 'registries')}`,
    );
  }
  if (removed > 0) parts.push(`${plural(removed, 'version', 'versions')} removed upstream`);
  if (dropped > 0) parts.push(`${plural(dropped, 'version', 'versions')} no longer tracked`);
  if (republished > 0) parts.push(`${plural(republished, 'version', 'versions')} republished`);
  if (failedVersions > 0) parts.push(`${plural(failedVersions, 'version', 'versions')} failing`);
  if (failedRegistries.length > 0) parts.push(`${names(failedRegistries)} failing`);
  if (recovered.length > 0) parts.push(`${names(recovered)} recovered`);
  if (recoveredVersions > 0)
    parts.push(`${plural(recoveredVersions, 'failed version', 'failed versions')} recovered`);
  if (relisted > 0) parts.push(`${plural(relisted, 'chart', 'charts')} listed again`);
  const refetched = reports.reduce((n, r) => n + (r.refetched ?? 0), 0);
  if (refetched > 0) parts.push(`${plural(refetched, 'version', 'versions')} fetched again for CHANGELOG.md`);
  if (pruned.length > 0)
    parts.push(`removed ${plural(pruned.length, 'registry', 'registries')} (${pruned.join(', ')})`);
  return parts;
}

/** What failed in a run, in words (`1 registry failed (internal)`), or undefined when nothing did. */
export function failureWords(reports: RegistryReport[]): string | undefined {
  const failedRegistries = reports.filter((r) => r.status === 'failed').map((r) => r.name);
  const failedVersions = reports.filter((r) => r.failed.length > 0);
  const unlisted = reports.filter((r) => r.chartErrors.length > 0);
  const count = (list: RegistryReport[], of: (r: RegistryReport) => number) =>
    list.reduce((n, r) => n + of(r), 0);
  const parts: string[] = [];
  if (failedRegistries.length > 0)
    parts.push(
      `${plural(failedRegistries.length, 'registry', 'registries')} failed (${names(failedRegistries)})`,
    );
  if (failedVersions.length > 0)
    parts.push(
      `${plural(
        count(failedVersions, (r) => r.failed.length),
        'version',
        'versions',
      )} failed (${names(failedVersions.map((r) => r.name))})`,
    );
  if (unlisted.length > 0)
    parts.push(
      `${plural(
        count(unlisted, (r) => r.chartErrors.length),
        'chart',
        'charts',
      )} not listed (${names(unlisted.map((r) => r.name))})`,
    );
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** What a run that changed nothing says: `nothing changed`, or what failed and that nothing else changed. */
export function unchangedWords(reports: RegistryReport[]): string {
  const failed = failureWords(reports);
  return failed ? `${failed}; nothing else changed` : 'nothing changed';
}

/** The commit message: a subject that says what changed (`sync: 3 new versions in 2 registries`) and a body that lists it. */
export function commitMessage(
  reports: RegistryReport[],
  pruned: string[],
  correction?: ChartMetadataCorrection,
): string {
  const parts = changeParts(reports, pruned);
  if (correction && correction.charts > 0)
    parts.push(`chart metadata of ${plural(correction.charts, 'chart', 'charts')} read from its Chart.yaml`);
  const quiet = correction?.marked ? 'chart metadata now from Chart.yaml' : undefined;
  // only signatures changed (a re-check, a policy added): the subject says so
  const signed = signatureWords(reports);
  const subject =
    parts.length > 0 || quiet || !signed ? `sync: ${parts.join(', ') || quiet || 'update catalog'}` : signed;
  const inRegistry = <T>(pick: (r: RegistryReport) => T[]) =>
    reports.flatMap((r) => pick(r).map((v) => ({ registry: r.name, ...v })));

  const lines: string[] = [];
  if (correction) lines.push('', ...correctionLines(correction));
  const list = <T>(title: string, items: T[], show: (item: T) => string) => {
    if (items.length === 0) return;
    lines.push('', `${title}:`);
    for (const item of items.slice(0, 100)) lines.push(`- ${show(item)}`);
    if (items.length > 100) lines.push(`- … and ${items.length - 100} more`);
  };
  const ref = (a: { registry: string; chart: string; version: string }) =>
    `${a.registry}/${a.chart} ${a.version}`;
  list(
    'New',
    inRegistry((r) => r.added),
    ref,
  );
  list(
    'Removed upstream',
    inRegistry((r) => r.removed),
    ref,
  );
  list(
    'Republished (kept the first digest)',
    inRegistry((r) => r.republished),
    (a) => `${a.registry}/${a.chart} ${a.version}: ${a.previousDigest} -> ${a.digest}`,
  );
  list(
    'Recovered',
    [
      ...recoveredRegistries(reports).map((name) => `${name} (listed again)`),
      ...inRegistry((r) => (r.recovered?.charts ?? []).map((chart) => ({ chart }))).map(
        (c) => `${c.registry}/${c.chart} (listed again)`,
      ),
      ...inRegistry((r) => r.recovered?.versions ?? []).map(ref),
    ],
    (line) => line,
  );
  list(
    'Refused by the verify: policy (never latest)',
    inRegistry((r) => r.signatures?.refused ?? []),
    ref,
  );
  list(
    'Signatures changed upstream (flagged)',
    inRegistry((r) => r.signatures?.changed ?? []),
    ref,
  );
  // the subject names five; the body names each, with its code only (a message may quote a server)
  list(
    'Failing',
    reports.filter((r) => r.status === 'failed'),
    (r) => `${r.name}: ${r.error?.code ?? 'failed'}`,
  );
  return [subject, ...lines].join('\n');
}

/**
 * The signatures of a run in words, for a commit that changed nothing else:
 * `signatures: 2 refused, 1 changed` (or `signatures: 4 versions checked`); undefined when none were looked up.
 */
export function signatureWords(reports: RegistryReport[]): string | undefined {
  const sum = (of: (s: NonNullable<RegistryReport['signatures']>) => number) =>
    reports.reduce((n, r) => n + (r.signatures ? of(r.signatures) : 0), 0);
  const refused = sum((s) => s.refused.length);
  const changed = sum((s) => s.changed.length);
  const checked = sum((s) => s.checked);
  const parts: string[] = [];
  if (refused > 0) parts.push(`${refused} refused`);
  if (changed > 0) parts.push(`${changed} changed`);
  if (parts.length === 0 && checked > 0) parts.push(`${plural(checked, 'version', 'versions')} checked`);
  return parts.length > 0 ? `signatures: ${parts.join(', ')}` : undefined;
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
