/** What chartroom knows of one chart version before (and besides) its files: the index entry or OCI config, normalised. */
export interface Maintainer {
  name?: string;
  email?: string;
  url?: string;
}

export interface ChartVersionMeta {
  chart: string;
  /** the published version string: the version's key everywhere */
  version: string;
  appVersion?: string;
  description?: string;
  icon?: string;
  home?: string;
  sources: string[];
  keywords: string[];
  maintainers: Maintainer[];
  deprecated: boolean;
  /** ISO 8601 */
  created?: string;
  /** "sha256:<hex>" of the chart archive, when the source states it */
  digest?: string;
  /** absolute download URLs (https://, http:// or oci://) */
  urls: string[];
  /** only what a listing shows (OCI tags): the rest comes with the version's manifest and config */
  partial?: boolean;
}

export const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function strList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(str).filter((v): v is string => v !== undefined);
}

export function maintainers(value: unknown): Maintainer[] {
  if (!Array.isArray(value)) return [];
  const out: Maintainer[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object') continue;
    const m = item as Record<string, unknown>;
    const entry: Maintainer = {};
    const name = str(m.name);
    const email = str(m.email);
    const url = str(m.url);
    if (name) entry.name = name;
    if (email) entry.email = email;
    if (url) entry.url = url;
    if (Object.keys(entry).length > 0) out.push(entry);
  }
  return out;
}

/**
 * Normalises a timestamp to RFC 3339, as the catalog's schemas require (Helm writes it with
 * nanoseconds); undefined when unparsable, or outside the years 0000 to 9999, which RFC 3339
 * cannot write (toISOString gives `+010000-01-01T…`, a catalog file its schema refuses).
 */
export function isoTime(value: unknown): string | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  const iso = Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  return iso !== undefined && /^\d{4}-/.test(iso) ? iso : undefined;
}
