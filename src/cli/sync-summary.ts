/**
 * The closing lines of `chartroom sync`: what was pruned, what was committed (or why nothing
 * was, never `nothing changed` when something failed), the push, and the registries skipped as
 * not due with when each is next due.
 */
import { formatInterval } from '../config/duration.ts';
import { changeParts, names, unchangedWords } from '../sync/message.ts';
import type { RegistryReport } from '../sync/registry-sync.ts';
import type { SyncReport } from '../sync/run.ts';
import type { Shard } from '../sync/shard.ts';

/** How the run was asked to end: commit (the default), --no-commit, or a shard that `merge` commits. */
export interface SyncEnding {
  commit: boolean;
  shard?: Shard | undefined;
}

/** Beyond this many, the skipped registries are counted, not named. */
const SHOWN = 10;

export function syncSummary(report: SyncReport, ending: SyncEnding, now = new Date()): string {
  const lines: string[] = [];
  if (report.pruned.length)
    lines.push(`removed from the catalog: ${report.pruned.join(', ')} (no registry file)`);
  lines.push(outcomeLine(report, ending));
  const signed = signatureLine(report.registries);
  if (signed) lines.push(signed);
  if (report.pushed) lines.push('pushed');
  if (report.pushError) lines.push(`push failed: ${report.pushError.message}`);
  lines.push(...skippedLines(report.registries, now));
  return lines.join('\n');
}

/** What the run did to the catalog's history: the commit, or what it wrote and why it did not commit. */
export function outcomeLine(report: SyncReport, ending: SyncEnding): string {
  if (report.commit) return `committed ${report.commit.slice(0, 12)}: ${report.message?.split('\n')[0]}`;
  if (ending.commit && !ending.shard) return `${unchangedWords(report.registries)}; no commit`;
  // catalog/ as this run leaves it: unchanged since its last commit (known in a repository), or written
  const wrote =
    report.uncommitted === false
      ? unchangedWords(report.registries)
      : changeParts(report.registries, report.pruned).join(', ') || 'catalog/ differs from its last commit';
  if (ending.shard)
    return `shard ${ending.shard.index}/${ending.shard.count}: ${wrote}; chartroom merge commits the shards`;
  return report.uncommitted === false ? `${wrote} (--no-commit)` : `not committed (--no-commit): ${wrote}`;
}

/**
 * `signatures: 12 checked, 9 verified; refused: own/alpha 1.0.0; changed: own/beta 0.1.0` when
 * a registry looked signatures up or refuses versions; undefined otherwise.
 */
export function signatureLine(registries: readonly RegistryReport[]): string | undefined {
  const withSignatures = registries.filter((r) => r.signatures);
  if (withSignatures.length === 0) return undefined;
  const refs = (
    pick: (s: NonNullable<RegistryReport['signatures']>) => Array<{ chart: string; version: string }>,
  ) => withSignatures.flatMap((r) => pick(r.signatures!).map((v) => `${r.name}/${v.chart} ${v.version}`));
  const checked = withSignatures.reduce((n, r) => n + r.signatures!.checked, 0);
  const verified = withSignatures.reduce((n, r) => n + r.signatures!.verified, 0);
  const refused = refs((s) => s.refused);
  const changed = refs((s) => s.changed);
  let line = `signatures: ${checked} checked, ${verified} verified`;
  if (refused.length > 0) line += `; refused: ${names(refused, SHOWN)}`;
  if (changed.length > 0) line += `; changed: ${names(changed, SHOWN)}`;
  return line;
}

/**
 * `skipped (not due): web next at 12:05:30Z (in 4m10s), oci in 9m, …`, soonest first, ten named
 * at most; then the registries with interval 0.
 */
function skippedLines(registries: readonly RegistryReport[], now: Date): string[] {
  const lines: string[] = [];
  const waiting = registries
    .filter((r): r is RegistryReport & { nextDue: string } => r.skipReason === 'not-due' && !!r.nextDue)
    .sort((a, b) => a.nextDue.localeCompare(b.nextDue));
  if (waiting.length > 0) {
    const [first, ...others] = waiting.slice(0, SHOWN);
    const shown = [
      `${first!.name} next at ${stamp(first!.nextDue, now)} (${inTime(first!.nextDue, now)})`,
      ...others.map((r) => `${r.name} ${inTime(r.nextDue, now)}`),
    ];
    const last = waiting.at(-1)!.nextDue;
    if (waiting.length > SHOWN)
      shown.push(
        `and ${waiting.length - SHOWN} more (the last at ${stamp(last, now)}, ${inTime(last, now)})`,
      );
    lines.push(`skipped (not due): ${shown.join(', ')}`);
  }
  const manual = registries.filter((r) => r.skipReason === 'interval-0').map((r) => r.name);
  if (manual.length > 0) {
    lines.push(
      `not synced automatically (interval 0): ${names(manual, SHOWN)}; sync one with --registry NAME`,
    );
  }
  return lines;
}

/** `12:05:30Z`, with the date when it is not today (UTC). */
function stamp(iso: string, now: Date): string {
  const [day, time] = new Date(iso).toISOString().slice(0, 19).split('T') as [string, string];
  return day === now.toISOString().slice(0, 10) ? `${time}Z` : `${day} ${time}Z`;
}

/** `in 4m10s`, rounded up to the second. */
function inTime(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  return ms <= 0 ? 'now' : `in ${formatInterval(Math.ceil(ms / 1000) * 1000)}`;
}
