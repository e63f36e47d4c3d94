/**
 * GitHub Actions output for a sync: `::error`/`::warning` annotations (one line each, on stdout,
 * as the runner reads them) and a Markdown job summary appended to $GITHUB_STEP_SUMMARY.
 */
import { appendFile } from 'node:fs/promises';
import type { Binding } from '../credentials/bindings.ts';
import type { SyncReport } from '../sync/run.ts';
import type { Output } from './output.ts';
import { outcomeLine, type SyncEnding } from './sync-summary.ts';

// Workflow commands end at a newline, and % starts an escape: encode both (actions/toolkit's rules).
const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string) => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

export function annotate(report: SyncReport, write: (line: string) => void): void {
  for (const r of report.registries) {
    const file = `registries/${r.name}.yaml`;
    if (r.error)
      write(
        `::error file=${escapeProperty(file)},title=${escapeProperty(`${r.name} failed`)}::${escapeData(r.error.message)}`,
      );
    for (const f of r.failed) {
      write(
        `::error file=${escapeProperty(file)},title=${escapeProperty(`${r.name}/${f.chart} ${f.version}`)}::${escapeData(f.message)}`,
      );
    }
    for (const e of r.chartErrors)
      write(
        `::warning file=${escapeProperty(file)},title=${escapeProperty(`${r.name}/${e.chart}`)}::${escapeData(e.message)}`,
      );
    for (const p of r.republished) {
      write(
        `::warning title=${escapeProperty(`${r.name}/${p.chart} ${p.version} republished`)}::${escapeData(`digest changed from ${p.previousDigest} to ${p.digest}; the catalog keeps the first`)}`,
      );
    }
  }
  if (report.pushError) write(`::error title=push failed::${escapeData(report.pushError.message)}`);
}

/** One Markdown table cell: a `|` or any line break (CR too) in a server's text cannot end the cell or the row. */
export function tableCell(s: string): string {
  return s.replaceAll('|', '\\|').replace(/[\r\n\u2028\u2029]+/g, ' ');
}

export function summaryMarkdown(report: SyncReport, ending: SyncEnding = { commit: true }): string {
  const outcome = outcomeLine(report, ending);
  const lines = [
    '## chartroom sync',
    '',
    report.commit
      ? `Committed \`${report.commit.slice(0, 12)}\`: ${tableCell(report.message?.split('\n')[0] ?? '')}`
      : `${tableCell(outcome.charAt(0).toUpperCase() + outcome.slice(1))}.`,
    '',
  ];
  lines.push('| registry | status | new | failed |', '|---|---|---|---|');
  for (const r of report.registries) {
    lines.push(
      `| ${r.name} | ${r.status}${r.error ? `: ${tableCell(r.error.message)}` : ''} | ${r.added.length} | ${r.failed.length} |`,
    );
  }
  const added = report.registries.flatMap((r) => r.added.map((a) => `${r.name}/${a.chart} ${a.version}`));
  if (added.length > 0) lines.push('', '### New versions', '', ...added.slice(0, 200).map((a) => `- ${a}`));
  const failed = report.registries.flatMap((r) =>
    r.failed.map((f) => `${r.name}/${f.chart} ${f.version}: ${tableCell(f.message)}`),
  );
  if (failed.length > 0) lines.push('', '### Failed versions', '', ...failed.map((f) => `- ${f}`));
  return `${lines.join('\n')}\n`;
}

/** With --json, stdout holds the report, so the annotations go to stderr (the runner reads both). */
export async function reportToGitHub(
  report: SyncReport,
  output: Output,
  env: NodeJS.ProcessEnv,
  json: boolean,
  ending: SyncEnding = { commit: true },
): Promise<void> {
  if (env.GITHUB_ACTIONS !== 'true') return;
  annotate(report, (line) => (json ? output.err(line) : output.out(line)));
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, summaryMarkdown(report, ending));
}

/** What `validate` lists of credential-to-host bindings, and against which base. */
export interface BindingListing {
  /** the base compared with, e.g. `origin/main (1a2b3c4d5e6f)`; undefined: every binding listed */
  against: string | undefined;
  /** why there is no base */
  why?: string;
  bindings: Binding[];
}

/** The job summary of `validate`: the verdict, its output, and the bindings a reviewer must see. */
export function validateSummaryMarkdown(ok: boolean, lines: string[], listing: BindingListing): string {
  const out = [
    '## chartroom validate',
    '',
    ok ? 'All registry and credential files are valid.' : 'Problems found:',
    '',
    '```',
    ...lines.map((l) => l.replaceAll('```', "'''")),
    '```',
    '',
    listing.against
      ? `### Credential bindings this change adds or alters (against \`${listing.against}\`)`
      : `### Credential bindings (${listing.why}: every one is listed)`,
    '',
  ];
  if (listing.bindings.length === 0) out.push('None.');
  else {
    out.push('| credential file | secret | may go to host | used by |', '|---|---|---|---|');
    for (const b of listing.bindings)
      out.push(
        `| ${tableCell(b.file)} | ${tableCell(b.secret)} | ${tableCell(b.host)} | ${tableCell(b.usedBy.join(', ') || '—')} |`,
      );
  }
  return `${out.join('\n')}\n`;
}
