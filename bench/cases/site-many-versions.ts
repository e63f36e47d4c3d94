/**
 * Case 7's chart with very many versions: a small generated catalog where one chart lists
 * `count` versions (the newest keep their files as the sync's default keep of 20 would; the rest
 * are entries of chart.json only), built for real: its build time, its pages' sizes and
 * chart.json's, to show that no page grows with the number of versions.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSite, type CatalogChart } from '../../src/index.ts';
import { mib } from '../lib.ts';
import { largestFiles, type LargestFiles } from './site-output.ts';

export interface ManyVersionsResult {
  versions: number;
  buildMs: number;
  chartJsonMiB: number;
  chartPageKiB: number;
  versionsListPages: number;
  largest: LargestFiles;
}

export async function manyVersions(
  generate: (root: string, charts: number) => Promise<unknown>,
  count: number,
): Promise<ManyVersionsResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'chartroom-bench-many-versions-'));
  try {
    await generate(root, 10);
    const [registry, name] = ['bench-0', await firstChart(root)];
    const file = path.join(root, 'catalog', 'charts', registry, name, 'chart.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as CatalogChart;
    const kept = doc.versions;
    const older = Array.from({ length: count - kept.length }, (_, i) => ({
      ...kept.at(-1)!,
      version: `0.${Math.floor(i / 1000)}.${999 - (i % 1000)}`,
      digest: `sha256:${i.toString(16).padStart(64, 'b')}`,
      created: new Date(Date.UTC(2023, 0, 1) - i * 60_000).toISOString(),
      files: [],
    }));
    await writeFile(file, `${JSON.stringify({ ...doc, versions: [...kept, ...older] }, null, 2)}\n`);
    const built = await buildSite({ root });
    const chartDir = path.join(built.outDir, 'charts', registry, name);
    // versions/index.html is page 1, and versions/_2/ … the others
    const listPages = (await readdir(path.join(chartDir, 'versions')).catch(() => [])).length;
    return {
      versions: count,
      buildMs: built.ms,
      chartJsonMiB: mib((await stat(file)).size),
      chartPageKiB: Math.round((await stat(path.join(chartDir, 'index.html'))).size / 1024),
      versionsListPages: listPages,
      largest: await largestFiles(built.outDir),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function firstChart(root: string): Promise<string> {
  return (await readdir(path.join(root, 'catalog', 'charts', 'bench-0'))).sort()[0]!;
}
