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
 * nanoseconds); undefined when it is not RFC 3339 (Helm reads `created` as Go's time.Time, which
 * takes RFC 3339 only; Date.parse alone would read `0001-01-01 00:00:00 +0000 UTC`, Go's printed
 * zero time, as the year 2001), when it is unset (see isUnsetTime), or outside the years 0000 to
 * 9999, which RFC 3339 cannot write (toISOString gives `+010000-01-01T…`, a catalog file its
 * schema refuses). Undefined means "use the first-seen time", as for a missing `created`.
 */
export function isoTime(value: unknown): string | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? rfc3339Ms(value) : NaN;
  if (Number.isNaN(ms) || isUnsetTime(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/** Go's zero time.Time, which ChartMuseum (and any Go tool with an unset time) writes as a date. */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * Whether a time means "never set": Go's zero time in any of its spellings
 * (`0001-01-01T00:00:00Z`, `…00.000Z`, `…+00:00`), or anything before it, which no chart was made in.
 */
export function isUnsetTime(ms: number): boolean {
  return ms <= GO_ZERO_TIME_MS;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)([Zz]|[+-]\d{2}:\d{2})$/;

function rfc3339Ms(text: string): number {
  const match = RFC3339.exec(text.trim());
  return match ? Date.parse(`${match[1]}T${match[2]}${match[3]!.toUpperCase()}`) : NaN;
}

/** What a chart's Chart.yaml says of the fields chart.json records: the authority once the archive is read. */
export type ChartYamlMeta = Pick<
  ChartVersionMeta,
  'appVersion' | 'description' | 'icon' | 'home' | 'sources' | 'keywords' | 'maintainers' | 'deprecated'
>;

/**
 * The chart.json fields of a parsed Chart.yaml (read with the failsafe schema, every scalar a
 * string, as archive.ts reads it): untrusted, so each field is taken only in the shape it must
 * have. Every field is set (a list empty, `deprecated` false, an optional one left out when
 * absent): Chart.yaml is the whole answer, not a patch over the index entry.
 */
export function chartYamlMeta(data: unknown): ChartYamlMeta {
  const c =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  // YAML's spellings of true (the failsafe schema leaves them strings)
  const deprecated =
    c.deprecated === true || (typeof c.deprecated === 'string' && /^(?:true|True|TRUE)$/.test(c.deprecated));
  return chartFields(c, deprecated);
}

/**
 * Chart.yaml's fields that chart.json records, each only in the shape it must have: the lists
 * always (empty when absent), the optional strings only when present. Shared by a Chart.yaml and
 * an OCI config blob (the same metadata as JSON); each decides `deprecated` its own way.
 */
export function chartFields(c: Record<string, unknown>, deprecated: boolean): ChartYamlMeta {
  const meta: ChartYamlMeta = {
    sources: strList(c.sources),
    keywords: strList(c.keywords),
    maintainers: maintainers(c.maintainers),
    deprecated,
  };
  const optional = {
    appVersion: str(c.appVersion),
    description: str(c.description),
    icon: str(c.icon),
    home: str(c.home),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) (meta as unknown as Record<string, unknown>)[key] = value;
  return meta;
}
