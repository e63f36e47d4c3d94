/**
 * What the chart page shows from a version's kept Chart.yaml beyond chart.json: dependencies,
 * kubeVersion, licence, extra links and the Artifact Hub annotations (images, changes). Chart.yaml
 * is untrusted: it is parsed once per distinct file, bounded in size and aliases, and every field
 * is checked for its type and cut to a bounded count and length. Anything unreadable leaves that
 * part out with a note; it never throws.
 */
import { parseDocument } from 'yaml';
import { httpUrl } from './safe-url.ts';

export interface Dependency {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
  condition?: string;
}

export interface NamedLink {
  name: string;
  url: string;
}

export interface ChartYamlFacts {
  kubeVersion?: string;
  license?: string;
  dependencies: Dependency[];
  /** `artifacthub.io/links`, http(s) only */
  links: NamedLink[];
  /** the raw `artifacthub.io/images` and `artifacthub.io/changes` annotations (YAML in a string) */
  imagesAnnotation?: string;
  changesAnnotation?: string;
  /** what could not be read, as the page's note says it */
  notes: string[];
}

/** A Chart.yaml larger than this is not read (Helm's own charts stay far below). */
export const MAX_CHART_YAML = 256 * 1024;
export const MAX_ALIASES = 50;
export const MAX_DEPENDENCIES = 100;
export const MAX_LINKS = 30;
/** An annotation's YAML is read up to this many characters. */
export const MAX_ANNOTATION = 64 * 1024;
const SHORT = 200;

type Node = Record<string, unknown>;
export const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string field cut to `max` characters; undefined when it is not a non-empty string (or a number). */
export function text(value: unknown, max = SHORT): string | undefined {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (!s) return undefined;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** YAML text as plain data, bounded: undefined (and a note) when it is too big, invalid or alias-heavy. */
export function parseBoundedYaml(source: string, label: string, max: number, notes: string[]): unknown {
  if (source.length > max) {
    notes.push(`${label} is larger than ${Math.round(max / 1024)} KiB: it is not read.`);
    return undefined;
  }
  try {
    const doc = parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false });
    const invalid = doc.errors[0];
    if (invalid) throw new Error(invalid.message);
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = ((error as Error)?.message ?? String(error)).split('\n')[0]!.slice(0, SHORT);
    notes.push(`${label} could not be read (${message}): it is left out.`);
    return undefined;
  }
}

export function chartYamlFacts(source: string): ChartYamlFacts {
  const notes: string[] = [];
  const doc = parseBoundedYaml(source, 'Chart.yaml', MAX_CHART_YAML, notes);
  if (!isNode(doc)) {
    if (doc !== undefined) notes.push('Chart.yaml is not a mapping: its details are left out.');
    return { dependencies: [], links: [], notes };
  }
  const annotations = isNode(doc.annotations) ? doc.annotations : {};
  const annotation = (key: string) => text(annotations[key], MAX_ANNOTATION);
  const links = annotation('artifacthub.io/links');
  return {
    ...optional('kubeVersion', text(doc.kubeVersion)),
    ...optional('license', text(annotations['artifacthub.io/license'], 100)),
    dependencies: dependenciesOf(doc.dependencies),
    links: links ? namedLinks(parseBoundedYaml(links, 'artifacthub.io/links', MAX_ANNOTATION, notes)) : [],
    ...optional('imagesAnnotation', annotation('artifacthub.io/images')),
    ...optional('changesAnnotation', annotation('artifacthub.io/changes')),
    notes,
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function dependenciesOf(value: unknown): Dependency[] {
  if (!Array.isArray(value)) return [];
  const out: Dependency[] = [];
  for (const item of value.slice(0, MAX_DEPENDENCIES)) {
    if (!isNode(item)) continue;
    const name = text(item.name);
    if (!name) continue;
    out.push({
      name,
      ...optional('version', text(item.version)),
      ...optional('repository', text(item.repository, 500)),
      ...optional('alias', text(item.alias)),
      ...optional('condition', text(item.condition)),
    });
  }
  return out;
}

/** `[{name, url}]` with only http(s) URLs kept. */
export function namedLinks(value: unknown): NamedLink[] {
  if (!Array.isArray(value)) return [];
  const out: NamedLink[] = [];
  for (const item of value.slice(0, MAX_LINKS)) {
    if (!isNode(item)) continue;
    const url = httpUrl(text(item.url, 2000));
    if (url) out.push({ name: text(item.name) ?? url, url });
  }
  return out;
}
