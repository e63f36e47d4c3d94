/**
 * Builds a Helm repository (packed archives and an index.yaml with real digests) from chart
 * source folders, as `helm package` + `helm repo index` would. Used by the demo, the tests and
 * the benchmark; the sync itself only reads repositories.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'js-yaml';
import { stringify } from 'yaml';
import { sha256Digest } from '../chart/digest.ts';
import { packChartDir } from '../chart/pack.ts';

export interface ChartSource {
  /** folder with Chart.yaml */
  dir: string;
  /** the chart's name (the archive's top folder) */
  name: string;
  versions: string[];
}

export interface BuiltRepository {
  /** path under the repository root -> bytes; includes index.yaml */
  files: Map<string, Buffer>;
  index: IndexDocument;
}

export interface IndexDocument {
  apiVersion: 'v1';
  entries: Record<string, Array<Record<string, unknown>>>;
  generated: string;
}

export interface BuildOptions {
  /** absolute base for chart URLs; relative URLs when omitted (as `helm repo index` without --url) */
  baseUrl?: string;
  /** the `created` of each version; deterministic by default */
  created?: (name: string, version: string, i: number) => string;
}

export async function buildRepository(
  charts: ChartSource[],
  options: BuildOptions = {},
): Promise<BuiltRepository> {
  const files = new Map<string, Buffer>();
  const index: IndexDocument = { apiVersion: 'v1', entries: {}, generated: '2025-01-01T00:00:00Z' };
  let i = 0;
  for (const chart of charts) {
    const meta = load(await readFile(path.join(chart.dir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    for (const version of chart.versions) {
      const archive = await packChartDir(chart.dir, { name: chart.name, version });
      const file = `${chart.name}-${version}.tgz`;
      files.set(file, archive);
      const created =
        options.created?.(chart.name, version, i) ??
        new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString();
      i++;
      (index.entries[chart.name] ??= []).push({
        ...meta,
        name: chart.name,
        version,
        created,
        digest: sha256Digest(archive).slice('sha256:'.length),
        urls: [options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/${file}` : file],
      });
    }
  }
  files.set('index.yaml', Buffer.from(renderIndex(index)));
  return { files, index };
}

export function renderIndex(index: IndexDocument): string {
  // no anchors: Helm never writes them, and shared metadata objects would otherwise become aliases
  return stringify(index, { lineWidth: 0, aliasDuplicateObjects: false });
}
