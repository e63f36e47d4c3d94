/**
 * `chartroom status`: the registries' status as a table or JSON; the data is src/sync/status.ts.
 */
import { parseArgs } from 'node:util';
import { registryStatuses, type RegistryStatus } from '../../sync/status.ts';
import type { Output } from '../output.ts';

export const STATUS_USAGE = 'chartroom status [--json]';

export async function statusCommand(root: string, args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const rows = await registryStatuses(root);
  if (values.json) {
    output.out(JSON.stringify({ registries: rows }, null, 2));
    return 0;
  }
  printTable(rows, output);
  for (const r of rows) {
    if (r.error) output.out(`\n${r.name} (${r.url}): ${r.error.message}`);
    for (const e of r.chartErrors) output.out(`${r.name}/${e.chart}: ${e.code}: ${e.message}`);
    for (const f of r.failedVersions) {
      output.out(
        `${r.name}/${f.chart} ${f.version}: ${f.code}, ${f.attempts} attempt(s), ${f.gaveUp ? 'given up (sync --retry-failed)' : `next retry ${f.nextRetry}`}`,
      );
    }
  }
  return 0;
}

/** Never "ok" while anything of the registry is failing (the site's status says the same). */
function statusCell(r: RegistryStatus): string {
  if (r.error) return `error: ${r.error.code}`;
  const problems = [
    ...(r.chartErrors.length > 0 ? [`${r.chartErrors.length} failed chart(s)`] : []),
    ...(r.failedVersions.length > 0 ? [`${r.failedVersions.length} failed version(s)`] : []),
  ];
  return problems.length > 0 ? problems.join(', ') : 'ok';
}

function printTable(rows: RegistryStatus[], output: Output): void {
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
      statusCell(r),
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
}
