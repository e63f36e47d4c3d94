/**
 * Go's zero time: a catalog synced before the sync read it as unset may hold it as a version's
 * `created` (ChartMuseum writes it); shown as unknown, not as the year 1.
 */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');
const isZeroTime = (iso: string) => Date.parse(iso) <= GO_ZERO_TIME_MS;

/** Dates as people read them, from the catalog's ISO times; no locale, so builds are reproducible. */
export function day(iso: string | undefined): string {
  if (!iso || isZeroTime(iso)) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

export function dateTime(iso: string | undefined): string {
  if (!iso || isZeroTime(iso)) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function shortDigest(digest: string | undefined): string {
  return digest ? `${digest.slice(0, 'sha256:'.length + 12)}…` : '—';
}

/** Upstream text on one line: control and format characters (newlines, bidi overrides) as spaces. */
export const oneLine = (value: string): string => value.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();

/** A string for YAML snippets: JSON's quoting, which YAML reads as it is. */
export const q = (value: string) => JSON.stringify(value);
