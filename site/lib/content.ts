/**
 * The content cache: the files of chart versions, content-addressed. Versions of a chart mostly
 * share their README, values and schema, so each distinct file is kept once by its hash, rendered
 * at most once (sanitised README, highlighted values, schema table), and written to the site once
 * under content/<hash>…; chart pages inline theirs, version pages and the browser fetch them.
 *
 * Each file is rendered on its own: one that cannot be rendered (a renderer throws, a stack
 * overflows) is shown as plain text with a note, and so is any part a renderer capped or left as
 * text; each such file is reported, once for every version that keeps it, through `onDegraded`,
 * and the rest of the site is built as usual.
 */
import { createHash } from 'node:crypto';
import { ChartroomError } from '../../src/errors.ts';
import type { CatalogVersion, SiteChart, VersionFileReader } from './data.ts';
import { escapeHtml, highlightYaml } from './highlight.ts';
import { noteHtml, reason, renderReadme } from './sanitize.ts';
import { schemaTable, type SchemaTable } from './schema-table.ts';
import { chartYamlFacts, type ChartYamlFacts } from './chart-yaml.ts';
import { imagesFromValues, type ChartImages } from './images.ts';

export type ContentKind = 'readme' | 'values' | 'schema' | 'changelog';
/** A file as the browser fetches it, or as the HTML fragment a version page shows. */
export type ContentForm = 'raw' | 'html';

const EXTENSION: Record<ContentKind, string> = {
  readme: 'md',
  values: 'yaml',
  schema: 'json',
  changelog: 'md',
};
const FILE: Record<ContentKind, string> = {
  readme: 'README.md',
  values: 'values.yaml',
  schema: 'values.schema.json',
  changelog: 'CHANGELOG.md',
};

export interface VersionContent {
  /** content hashes, present when the version keeps that file */
  readme?: string;
  values?: string;
  schema?: string;
  /** CHANGELOG.md at the chart's root, kept since issue 18 */
  changelog?: string;
}

/** A file the site shows as plain text, or only in part: which, and why (the page's note). */
export interface DegradedContent {
  registry: string;
  chart: string;
  version: string;
  file: string;
  reason: string;
  /** a catalog file that could not be read: what it describes is not on the site at all */
  leftOut?: boolean;
}

/** A file that cannot be rendered is shown as text up to this many characters. */
const PLAIN_TEXT_LIMIT = 256 * 1024;

export interface ContentCache {
  /** The hashes of a version's README, values and schema, reading each file once. */
  versionContent(chart: SiteChart, version: CatalogVersion): Promise<VersionContent>;
  kind(hash: string): ContentKind;
  /** The sanitised README or highlighted values.yaml. */
  rendered(hash: string): string;
  schemaTable(hash: string): SchemaTable;
  /** Raw files (for the browser) and rendered fragments (for version pages), by name under content/. */
  name(hash: string, form: ContentForm): string;
  /** The body of one content file. */
  body(hash: string, form: ContentForm): string;
  /**
   * What a version's Chart.yaml says beyond chart.json (dependencies, licence, annotations),
   * parsed once per distinct file. Read for a private chart under `metadata` too: it is the
   * chart's metadata; the page leaves out what comes from its files (images, changes).
   */
  chartFacts(chart: SiteChart, version: CatalogVersion): Promise<ChartYamlFacts>;
  /** The images a values.yaml names (images.ts), found once per distinct file. */
  valuesImages(hash: string): ChartImages;
}

interface ContentFile {
  kind: ContentKind;
  text: string;
  rendered?: string;
  table?: SchemaTable;
  images?: ChartImages;
}

export function createContentCache(
  readVersionFile: VersionFileReader,
  onDegraded: (item: DegradedContent) => void = () => {},
): ContentCache {
  const byHash = new Map<string, ContentFile>();
  const byPath = new Map<string, Promise<string | undefined>>();
  /** the versions that keep each file, as [registry, chart, version] */
  const keptBy = new Map<string, Array<[string, string, string]>>();
  const factsByPath = new Map<string, Promise<ChartYamlFacts>>();
  const factsByText = new Map<string, ChartYamlFacts>();

  function hashOf(kind: ContentKind, chart: SiteChart, version: CatalogVersion): Promise<string | undefined> {
    const key = `${chart.registry}/${chart.name}/${version.version}/${kind}`;
    let hit = byPath.get(key);
    if (!hit) {
      hit = readVersionFile(chart, version, FILE[kind]).then((text) => {
        if (text === undefined) return undefined;
        const hash = createHash('sha256').update(text).digest('hex').slice(0, 20);
        if (!byHash.has(hash)) byHash.set(hash, { kind, text });
        const versions = keptBy.get(hash) ?? [];
        versions.push([chart.registry, chart.name, version.version]);
        keptBy.set(hash, versions);
        return hash;
      });
      byPath.set(key, hit);
    }
    return hit;
  }

  function contentFile(hash: string): ContentFile {
    const hit = byHash.get(hash);
    if (!hit) throw new ChartroomError('Internal', `no content ${hash} among the site's contents`);
    return hit;
  }

  function degraded(hash: string, notes: string[]): void {
    const file = FILE[contentFile(hash).kind];
    for (const [registry, chart, version] of keptBy.get(hash) ?? []) {
      for (const note of notes) onDegraded({ registry, chart, version, file, reason: note });
    }
  }

  function rendered(hash: string): string {
    const item = contentFile(hash);
    if (item.rendered === undefined) {
      const result = renderInIsolation(item);
      item.rendered = result.html;
      if (result.notes.length > 0) degraded(hash, result.notes);
    }
    return item.rendered;
  }

  function table(hash: string): SchemaTable {
    const item = contentFile(hash);
    if (!item.table) {
      try {
        item.table = schemaTable(item.text);
        if (!item.table.ok && item.table.text !== undefined) degraded(hash, [item.table.error]);
      } catch (error) {
        const note = `${FILE.schema} could not be made into a table (${reason(error)}): it is shown as plain text.`;
        item.table = { ok: false, error: note, text: plainText(item.text).text };
        degraded(hash, [note]);
      }
    }
    return item.table;
  }

  return {
    async versionContent(chart, version) {
      const [readme, values, schema, changelog] = await Promise.all(
        (['readme', 'values', 'schema', 'changelog'] as const).map((kind) => hashOf(kind, chart, version)),
      );
      return {
        ...(readme ? { readme } : {}),
        ...(values ? { values } : {}),
        ...(schema ? { schema } : {}),
        ...(changelog ? { changelog } : {}),
      };
    },
    kind: (hash) => contentFile(hash).kind,
    rendered,
    schemaTable: table,
    name(hash, form) {
      const kind = contentFile(hash).kind;
      return form === 'raw' ? `${hash}.${EXTENSION[kind]}` : `${hash}.${kind}.html.txt`;
    },
    body: (hash, form) => (form === 'raw' ? contentFile(hash).text : rendered(hash)),
    chartFacts(chart, version) {
      const key = `${chart.registry}/${chart.name}/${version.version}`;
      let hit = factsByPath.get(key);
      if (!hit) {
        hit = readVersionFile({ ...chart, contentHidden: false }, version, 'Chart.yaml')
          .catch(() => undefined)
          .then((text) => {
            if (text === undefined) return { dependencies: [], links: [], notes: [] };
            const hash = createHash('sha256').update(text).digest('hex');
            let facts = factsByText.get(hash);
            if (!facts) {
              facts = chartYamlFacts(text);
              factsByText.set(hash, facts);
            }
            for (const note of facts.notes)
              onDegraded({
                registry: chart.registry,
                chart: chart.name,
                version: version.version,
                file: 'Chart.yaml',
                reason: note,
              });
            return facts;
          });
        factsByPath.set(key, hit);
      }
      return hit;
    },
    valuesImages(hash) {
      const item = contentFile(hash);
      if (!item.images) {
        // a values.yaml too big or odd to scan for images is still shown whole: no images panel, no note
        try {
          item.images = imagesFromValues(item.text);
        } catch {
          item.images = { images: [], source: 'values', notes: [] };
        }
      }
      return item.images;
    },
  };
}

/** A README or values.yaml rendered, or, when its renderer throws, as plain text with a note. */
function renderInIsolation(item: ContentFile): { html: string; notes: string[] } {
  try {
    if (item.kind === 'readme' || item.kind === 'changelog') return renderReadme(item.text, FILE[item.kind]);
    return { html: highlightYaml(item.text), notes: [] };
  } catch (error) {
    const plain = plainText(item.text);
    const note = `${FILE[item.kind]} could not be rendered (${reason(error)}): it is shown as plain text${plain.cut ? `, its first ${PLAIN_TEXT_LIMIT / 1024} KiB` : ''}.`;
    return { html: `${noteHtml([note])}<pre class="plain">${escapeHtml(plain.text)}</pre>`, notes: [note] };
  }
}

function plainText(text: string): { text: string; cut: boolean } {
  return text.length > PLAIN_TEXT_LIMIT
    ? { text: text.slice(0, PLAIN_TEXT_LIMIT), cut: true }
    : { text, cut: false };
}
