/** Dates as people read them, from the catalog's ISO times; no locale, so builds are reproducible. */
export function day(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

export function dateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function shortDigest(digest: string | undefined): string {
  return digest ? `${digest.slice(0, 'sha256:'.length + 12)}…` : '—';
}
