/**
 * The content cache: the files of chart versions, content-addressed. Versions of a chart mostly
 * share their README, values and schema, so each distinct file is kept once by its hash, rendered
 * at most once (sanitised README, highlighted values, schema table), and written to the site once
 * under content/<hash>…; chart pages inline theirs, version pages and the browser fetch them.
 */
import { createHash } from 'node:crypto';
import { ChartroomError } from '../../src/errors.ts';
import type { CatalogVersion, SiteChart, VersionFileReader } from './data.ts';
import { highlightYaml } from './highlight.ts';
import { renderMarkdown } from './sanitize.ts';
import { schemaTable, type SchemaTable } from './schema-table.ts';

export type ContentKind = 'readme' | 'values' | 'schema';
/** A file as the browser fetches it, or as the HTML fragment a version page shows. */
export type ContentForm = 'raw' | 'html';

const EXTENSION: Record<ContentKind, string> = { readme: 'md', values: 'yaml', schema: 'json' };
const FILE: Record<ContentKind, string> = {
  readme: 'README.md',
  values: 'values.yaml',
  schema: 'values.schema.json',
};

export interface VersionContent {
  /** content hashes, present when the version keeps that file */
  readme?: string;
  values?: string;
  schema?: string;
}

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
}

interface ContentFile {
  kind: ContentKind;
  text: string;
  rendered?: string;
  table?: SchemaTable;
}

export function createContentCache(readVersionFile: VersionFileReader): ContentCache {
  const byHash = new Map<string, ContentFile>();
  const byPath = new Map<string, Promise<string | undefined>>();

  function hashOf(kind: ContentKind, chart: SiteChart, version: CatalogVersion): Promise<string | undefined> {
    const key = `${chart.registry}/${chart.name}/${version.version}/${kind}`;
    let hit = byPath.get(key);
    if (!hit) {
      hit = readVersionFile(chart, version, FILE[kind]).then((text) => {
        if (text === undefined) return undefined;
        const hash = createHash('sha256').update(text).digest('hex').slice(0, 20);
        if (!byHash.has(hash)) byHash.set(hash, { kind, text });
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

  function rendered(hash: string): string {
    const item = contentFile(hash);
    item.rendered ??= item.kind === 'readme' ? renderMarkdown(item.text) : highlightYaml(item.text);
    return item.rendered;
  }

  return {
    async versionContent(chart, version) {
      const [readme, values, schema] = await Promise.all(
        (['readme', 'values', 'schema'] as const).map((kind) => hashOf(kind, chart, version)),
      );
      return { ...(readme ? { readme } : {}), ...(values ? { values } : {}), ...(schema ? { schema } : {}) };
    },
    kind: (hash) => contentFile(hash).kind,
    rendered,
    schemaTable(hash) {
      const item = contentFile(hash);
      item.table ??= schemaTable(item.text);
      return item.table;
    },
    name(hash, form) {
      const kind = contentFile(hash).kind;
      return form === 'raw' ? `${hash}.${EXTENSION[kind]}` : `${hash}.${kind}.html.txt`;
    },
    body: (hash, form) => (form === 'raw' ? contentFile(hash).text : rendered(hash)),
  };
}
