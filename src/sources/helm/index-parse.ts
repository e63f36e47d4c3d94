/**
 * Parses a Helm repository index (`index.yaml`, YAML or JSON) into chart version metadata,
 * once, at the boundary. Permissive per entry: one bad entry is dropped and reported, never
 * fatal. Bounded: the caller caps the size; aliases are capped here (indexes written by Helm have
 * none; js-yaml shares aliased nodes instead of expanding them, and this walk reads only one
 * level of each entry, so even a billion-laughs document under the cap costs nothing).
 *
 * js-yaml, not the `yaml` package: on the 1.6 MB argo-helm index it is ~4x faster, on a 30 MB
 * one ~7x (see bench/results.md), and index files need no source positions. YAML is parsed one
 * chart at a time (index-chunks.ts) to bound memory; JSON indexes go to JSON.parse.
 */
import { createHash } from 'node:crypto';
import { load } from 'js-yaml';
import { ChartroomError } from '../../errors.ts';
import {
  CHART_NAME,
  isoTime,
  maintainers,
  str,
  strList,
  type ChartVersionMeta,
} from '../../chart/metadata.ts';
import { parseChartVersion } from '../../chart/version.ts';
import type { IndexProblem } from '../types.ts';
import { splitIndexByChart, type IndexChunks } from './index-chunks.ts';

export interface ParsedIndex {
  versions: ChartVersionMeta[];
  problems: IndexProblem[];
  /**
   * sha256 of each chart's text, for charts read one at a time without problems (a YAML index
   * in Helm's layout); the next parse skips a chart whose text has not changed
   */
  chartDigests?: Record<string, string>;
  /** charts given in `known` whose text is unchanged: not parsed again, so not in `versions` */
  unchanged?: string[];
}

export interface ParseOptions {
  /** chart -> digest from the last parse (see ParsedIndex.chartDigests) */
  known?: Record<string, string>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseHelmIndex(body: Buffer, repoUrl: string, options: ParseOptions = {}): ParsedIndex {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ChartroomError('IndexInvalid', `the index at ${repoUrl} is not valid UTF-8`);
  }
  // Helm resolves relative chart URLs against the repository URL with a trailing slash.
  const base = repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`;
  const json = text.trimStart().startsWith('{');
  const chunks = json ? undefined : splitIndexByChart(text);
  const byChart = chunks && parseByChart(chunks, base, options.known ?? {});
  if (byChart) return byChart;

  const data = parseDocument(text, repoUrl, json);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ChartroomError(
      'IndexInvalid',
      `the index at ${repoUrl} is not a mapping; is this a Helm repository?`,
    );
  }
  const entries = (data as Record<string, unknown>).entries;
  if (entries !== undefined && entries !== null && (typeof entries !== 'object' || Array.isArray(entries))) {
    throw new ChartroomError('IndexInvalid', `the index at ${repoUrl} has "entries" that is not a mapping`);
  }
  if (!hasApiVersion(data)) {
    throw new ChartroomError(
      'IndexInvalid',
      `the index at ${repoUrl} has no apiVersion (no API version specified): it is not a Helm repository index`,
      {
        hint: 'check the registry URL points at a Helm chart repository (its index.yaml has "apiVersion: v1")',
      },
    );
  }
  if (entries === undefined || entries === null) return { versions: [], problems: [] };
  const index: ParsedIndex = { versions: [], problems: [] };
  for (const [chart, list] of Object.entries(entries as Record<string, unknown>)) {
    addChart(index, chart, list, base);
  }
  return index;
}

/**
 * The fast path: one chart at a time (see index-chunks.ts). Returns undefined whenever the
 * chunks do not read as exactly what the whole document would, and the caller parses it whole,
 * which also gives the error message for a broken document.
 */
function parseByChart(
  chunks: IndexChunks,
  base: string,
  known: Record<string, string>,
): ParsedIndex | undefined {
  try {
    const header = load(chunks.header, YAML_OPTIONS);
    // no apiVersion: the whole parse gives the error
    if (!hasApiVersion(header) || 'entries' in header) return undefined;
    const chartDigests: Record<string, string> = {};
    const unchanged: string[] = [];
    const index: ParsedIndex = { versions: [], problems: [], chartDigests, unchanged };
    const charts = new Set<string>();
    for (const chunk of chunks.charts) {
      const key = load(chunk.key, YAML_OPTIONS) as Record<string, unknown> | null;
      if (key === null || typeof key !== 'object' || Array.isArray(key)) return undefined;
      const [chart, ...more] = Object.keys(key);
      if (chart === undefined || more.length > 0 || key[chart] !== null || charts.has(chart))
        return undefined;
      if (chunk.versions.length === 0) return undefined; // "chart:" with no list: let the whole parse report it
      charts.add(chart);
      const hash = createHash('sha256').update(chunk.key);
      for (const text of chunk.versions) hash.update(text);
      const digest = hash.digest('hex');
      if (known[chart] === digest) {
        chartDigests[chart] = digest;
        unchanged.push(chart);
        continue;
      }
      const problemsBefore = index.problems.length;
      const list: unknown[] = [];
      for (const text of chunk.versions) {
        const item = load(text, YAML_OPTIONS);
        if (!Array.isArray(item) || item.length !== 1) return undefined;
        list.push(item[0]);
      }
      addChart(index, chart, list, base);
      // a chart with problems is read again next time, so its problems are reported again
      if (index.problems.length === problemsBefore) chartDigests[chart] = digest;
    }
    return index;
  } catch {
    return undefined;
  }
}

function addChart(index: ParsedIndex, chart: string, list: unknown, base: string): void {
  const { versions, problems } = index;
  if (!CHART_NAME.test(chart)) {
    problems.push({ chart, message: `chart name "${chart}" is not a valid chart name; skipped` });
    return;
  }
  if (!Array.isArray(list)) {
    problems.push({ chart, message: 'the entry is not a list of versions; skipped' });
    return;
  }
  const seen = new Set<string>();
  for (const item of list) {
    const result = normaliseEntry(chart, item, base);
    if ('message' in result) {
      problems.push(result);
      continue;
    }
    if (seen.has(result.version)) {
      problems.push({
        chart,
        version: result.version,
        message: 'listed twice in the index; the first entry is kept',
      });
      continue;
    }
    seen.add(result.version);
    versions.push(result);
  }
}

/**
 * Helm's loadIndex refuses a document whose apiVersion is unset ("no API version specified"),
 * whatever else it holds, and so do Flux and Artifact Hub: `{}`, an HTML page that parses as a
 * mapping, or any other YAML is not an empty index. An index with an apiVersion and no entries is one.
 */
function hasApiVersion(doc: unknown): doc is Record<string, unknown> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const { apiVersion } = doc as Record<string, unknown>;
  return typeof apiVersion === 'string' && apiVersion !== '';
}

// Indexes written by Helm have no aliases; the cap stops alias bombs.
const YAML_OPTIONS = { maxAliases: 10_000, maxDepth: 64 };

function parseDocument(text: string, repoUrl: string, json: boolean): unknown {
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // a YAML flow mapping also starts with "{"; let the YAML parser have it
    }
  }
  try {
    return load(text, YAML_OPTIONS);
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    throw new ChartroomError('IndexInvalid', `the index at ${repoUrl} does not parse: ${first}`, {
      hint: 'the repository serves a broken index.yaml; tell its maintainers',
    });
  }
}

function normaliseEntry(chart: string, item: unknown, base: string): ChartVersionMeta | IndexProblem {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { chart, message: 'a version entry is not a mapping; skipped' };
  }
  const e = item as Record<string, unknown>;
  const version = str(e.version);
  if (version === undefined) return { chart, message: 'a version entry has no version; skipped' };
  if (!parseChartVersion(version))
    return { chart, version, message: `"${version}" is not a semantic version; skipped` };
  const name = str(e.name);
  if (name !== undefined && name !== chart) {
    return { chart, version, message: `the entry names chart "${name}" under "${chart}"; skipped` };
  }
  let digest: string | undefined;
  const rawDigest = str(e.digest);
  if (rawDigest !== undefined) {
    const hex = rawDigest.replace(/^sha256:/, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex))
      return { chart, version, message: `digest "${rawDigest}" is not a sha256; skipped` };
    digest = `sha256:${hex}`;
  }
  const urls: string[] = [];
  for (const raw of strList(e.urls)) {
    try {
      urls.push(raw.startsWith('oci://') ? raw : new URL(raw, base).href);
    } catch {
      // an unusable URL is as good as none; reported below if none is left
    }
  }
  if (urls.length === 0) return { chart, version, message: 'the entry has no usable download URL; skipped' };
  const meta: ChartVersionMeta = {
    chart,
    version,
    sources: strList(e.sources),
    keywords: strList(e.keywords),
    maintainers: maintainers(e.maintainers),
    deprecated: e.deprecated === true,
    urls,
  };
  const optional = {
    appVersion: str(e.appVersion),
    description: str(e.description),
    icon: str(e.icon),
    home: str(e.home),
    created: isoTime(e.created),
    digest,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (meta as unknown as Record<string, unknown>)[key] = value;
  }
  return meta;
}
