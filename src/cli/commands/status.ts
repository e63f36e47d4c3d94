import { parseArgs } from 'node:util';
import { createCatalogStore } from '../../catalog/store.ts';
import { formatInterval } from '../../config/duration.ts';
import { loadRegistries } from '../../config/load.ts';
import { ConfigErrors } from '../../errors.ts';
import { readState } from '../../sync/state.ts';
import type { Output } from '../output.ts';

export const STATUS_USAGE = 'chartroom status [--json]';

export interface RegistryStatus {
  name: string;
  kind: 'http' | 'oci';
  url: string;
  interval: string;
  lastCheck: string | null;
  lastChange: string | null;
  charts: number;
  versions: number;
  error: { code: string; message: string } | null;
  failedVersions: Array<{
    chart: string;
    version: string;
    code: string;
    attempts: number;
    nextRetry: string;
    gaveUp: boolean;
  }>;
}

/** Per registry: kind, URL, interval, last check (state file), last change, errors and failed versions (catalog). */
export async function statusCommand(root: string, args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const { registries, errors } = await loadRegistries(root);
  if (errors.length > 0) throw new ConfigErrors(errors);
  const store = createCatalogStore(root);
  const state = await readState(root);
  const rows: RegistryStatus[] = [];
  for (const registry of registries) {
    const doc = await store.readRegistry(registry.name);
    rows.push({
      name: registry.name,
      kind: registry.kind,
      url: registry.url,
      interval: formatInterval(registry.intervalMs),
      lastCheck: state.registries[registry.name]?.lastCheck ?? null,
      lastChange: doc?.lastChange ?? null,
      charts: doc?.charts ?? 0,
      versions: doc?.versions ?? 0,
      error: doc?.error ?? null,
      failedVersions: (doc?.failedVersions ?? []).map(
        ({ chart, version, code, attempts, nextRetry, gaveUp }) => ({
          chart,
          version,
          code,
          attempts,
          nextRetry,
          gaveUp,
        }),
      ),
    });
  }
  if (values.json) {
    output.out(JSON.stringify({ registries: rows }, null, 2));
    return 0;
  }
  const table = [
    ['REGISTRY', 'KIND', 'INTERVAL', 'LAST CHECK', 'LAST CHANGE', 'CHARTS', 'VERSIONS', 'STATUS'],
    ...rows.map((r) => [
      r.name,
      r.kind,
      r.interval,
      r.lastCheck ?? 'never',
      r.lastChange ?? '-',
      String(r.charts),
      String(r.versions),
      r.error
        ? `error: ${r.error.code}`
        : r.failedVersions.length > 0
          ? `${r.failedVersions.length} failed version(s)`
          : 'ok',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    output.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  for (const r of rows) {
    if (r.error) output.out(`\n${r.name} (${r.url}): ${r.error.message}`);
    for (const f of r.failedVersions) {
      output.out(
        `${r.name}/${f.chart} ${f.version}: ${f.code}, ${f.attempts} attempt(s), ${f.gaveUp ? 'given up (sync --retry-failed)' : `next retry ${f.nextRetry}`}`,
      );
    }
  }
  return 0;
}
