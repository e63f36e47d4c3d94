/**
 * `chartroom status`: the registries' status as a table or JSON; the data is src/sync/status.ts.
 */
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { registryStatuses, type RegistryStatus } from '../../sync/status.ts';
import { parseCommand, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const STATUS_HELP = {
  command: 'status',
  summary:
    "Shows each registry's kind, interval, last check, last change, counts and status (ok, its error, or failed versions), from the registry files and what the last syncs wrote.",
  options: {
    json: { type: 'boolean', does: 'print the statuses as JSON' },
    check: {
      type: 'boolean',
      does: 'exit 1 when a registry is in error or has failed versions (for scripts and CI)',
    },
  },
  notes: [
    'exit codes: 0 the status was shown, whatever it is (as flux get and kubectl get do); with --check,',
    '1 when a registry is in error or has failed versions; 2 bad configuration, or not a catalog repository',
  ],
} as const satisfies CommandHelp;

export async function statusCommand(root: string, args: string[], output: Output): Promise<number> {
  const { values } = parseCommand(STATUS_HELP, args);
  await requireCatalogRepository(root);
  const rows = await registryStatuses(root);
  // like `flux get`, status reports and exits 0; --check turns a registry that is not ok into exit 1.
  // A refused version is not "not ok": the policy did its job (like a republished flag, it is shown)
  const exitCode = values.check && rows.some((r) => r.error || r.failedVersions.length > 0) ? 1 : 0;
  if (values.json) {
    output.out(JSON.stringify({ registries: rows }, null, 2));
    return exitCode;
  }
  printTable(rows, output);
  for (const r of rows) {
    if (r.error) output.out(`\n${r.name} (${r.url}): ${r.error.message}`);
    for (const e of r.chartErrors) output.out(`${r.name}/${e.chart}: ${e.code}: ${e.message}`);
    for (const v of r.refused)
      output.out(`${r.name}/${v.chart} ${v.version}: refused by the verify: policy (${v.code})`);
    for (const c of r.signatureChanges)
      output.out(`${r.name}/${c.chart} ${c.version}: signature ${c.change} upstream (flagged)`);
    for (const f of r.failedVersions) {
      output.out(
        `${r.name}/${f.chart} ${f.version}: ${f.code}, ${f.attempts} attempt(s), ${f.gaveUp ? 'given up (sync --retry-failed)' : `next retry ${f.nextRetry}`}`,
      );
    }
  }
  return exitCode;
}

/** Never "ok" while anything of the registry is failing (the site's status says the same). */
function statusCell(r: RegistryStatus): string {
  if (r.error) return `error: ${r.error.code}`;
  const problems = [
    ...(r.chartErrors.length > 0 ? [`${r.chartErrors.length} failed chart(s)`] : []),
    ...(r.failedVersions.length > 0 ? [`${r.failedVersions.length} failed version(s)`] : []),
  ];
  // refused versions are the policy at work, not a failure: counted beside the status
  const refused = r.refused.length > 0 ? ` (${r.refused.length} refused)` : '';
  return `${problems.length > 0 ? problems.join(', ') : 'ok'}${refused}`;
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
