/**
 * `chartroom sync`: arguments, progress lines per registry, the summary or the --json report,
 * and GitHub Actions output.
 */
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { createRedactor } from '../../credentials/redact.ts';
import { UsageError } from '../../errors.ts';
import { describeWait } from '../../sync/deadlines.ts';
import { createSync, type SyncReport } from '../../sync/run.ts';
import { parseShard } from '../../sync/shard.ts';
import type { RegistryReport } from '../../sync/registry-sync.ts';
import { reportToGitHub } from '../github.ts';
import { syncSummary } from '../sync-summary.ts';
import { parseCommand, type CommandHelp } from '../help.ts';
import { paint, type Output } from '../output.ts';

export const SYNC_HELP = {
  command: 'sync',
  summary:
    "Checks the registries that are due (each registry file's interval), writes what changed to catalog/ and commits it.",
  options: {
    registry: {
      type: 'string',
      multiple: true,
      value: 'NAME',
      does: 'sync this registry, whatever its interval',
    },
    force: { type: 'boolean', does: 'sync every registry now, due or not (except interval: 0 ones)' },
    'retry-failed': {
      type: 'boolean',
      does: 'also retry the versions given up (after maxAttempts) or waiting for their next retry',
    },
    'no-commit': { type: 'boolean', does: 'write catalog/ but make no git commit' },
    push: { type: 'boolean', does: 'push the commit (rebasing on a concurrent push)' },
    branch: { type: 'string', value: 'NAME', does: 'the branch --push pushes to (default: the current one)' },
    shard: {
      type: 'string',
      value: 'I/N',
      does: 'sync only shard I of N of the registries, without committing (chartroom merge joins them)',
    },
    json: { type: 'boolean', does: 'print the sync report as JSON on stdout' },
  },
  notes: ['exit codes: 0 all good, 1 a registry or version failed, 2 bad configuration or usage'],
} as const satisfies CommandHelp;

export async function syncCommand(root: string, args: string[], output: Output): Promise<number> {
  const { values } = parseCommand(SYNC_HELP, args);
  await requireCatalogRepository(root);
  if (values.branch !== undefined && values.push !== true) throw new UsageError('--branch goes with --push');
  const redactor = createRedactor();
  const sync = createSync({
    root,
    redactor,
    onProgress: ({ registry, phase, report }) => {
      if (values.json) return;
      if (phase === 'start') {
        if (output.tty) output.err(paint(true, 'dim', `… ${registry}`));
      } else if (report) output.err(describeRegistry(report, output.tty));
    },
    // on stderr also with --json: its stdout stays the report alone
    onWait: (wait) => output.err(paint(output.tty, 'dim', redactor.redact(describeWait(wait)))),
  });
  let report: SyncReport;
  const shard = values.shard ? parseShard(values.shard) : undefined;
  try {
    report = await sync.run({
      ...(values.registry ? { registries: values.registry } : {}),
      force: values.force === true,
      retryFailed: values['retry-failed'] === true,
      commit: values['no-commit'] !== true,
      push: values.push === true,
      ...(values.branch !== undefined ? { branch: values.branch } : {}),
      ...(shard ? { shard } : {}),
    });
  } catch (error) {
    if (error instanceof Error) error.message = redactor.redact(error.message);
    throw error;
  }
  const ending = { commit: values['no-commit'] !== true, shard };
  if (values.json) output.out(JSON.stringify(report, null, 2));
  else output.out(syncSummary(report, ending));
  await reportToGitHub(report, output, process.env, values.json === true, ending);
  return report.exitCode;
}

function describeRegistry(report: RegistryReport, tty: boolean): string {
  const name = report.name;
  switch (report.status) {
    case 'failed':
      return paint(tty, 'red', `✗ ${name}: ${report.error?.message ?? 'failed'}`);
    case 'not-modified':
      return `✓ ${name}: not modified`;
    case 'skipped':
      return paint(tty, 'dim', `- ${name}: not due`);
    default: {
      const parts = [`${report.added.length} new`];
      if (report.removed.length) parts.push(`${report.removed.length} removed upstream`);
      if (report.republished.length) parts.push(`${report.republished.length} republished`);
      if (report.failed.length) parts.push(`${report.failed.length} failed`);
      if (report.chartErrors.length)
        parts.push(
          `${report.chartErrors.length} chart${report.chartErrors.length === 1 ? '' : 's'} not listed`,
        );
      if (report.waiting) parts.push(`${report.waiting} waiting to retry`);
      if (report.problems.length) parts.push(`${report.problems.length} index entries skipped`);
      const lines = [
        `${report.failed.length ? paint(tty, 'yellow', '!') : '✓'} ${name}: ${parts.join(', ')}`,
      ];
      for (const f of report.failed) lines.push(`    ${f.chart} ${f.version}: ${f.message}`);
      for (const p of report.problems.slice(0, 20))
        lines.push(`    skipped ${p.chart ?? ''} ${p.version ?? ''}: ${p.message}`);
      if (report.problems.length > 20)
        lines.push(`    … ${report.problems.length - 20} more skipped entries`);
      return lines.join('\n');
    }
  }
}
