/**
 * Turns a catalog into one a chartroom wrote before CHANGELOG.md was kept: no `keptFiles` in any
 * chart.json or registry document, no CHANGELOG.md in any version's files or folder. Committed,
 * as such a catalog would be.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stableStringify } from '../../src/catalog/json.ts';
import type { CatalogChart, CatalogRegistry } from '../../src/catalog/types.ts';
import type { TempRepo } from '../../testkit/temp-repo.ts';

export async function ageCatalog(repo: TempRepo): Promise<void> {
  const catalog = path.join(repo.root, 'catalog');
  for (const file of await readdir(path.join(catalog, 'registries'))) {
    const target = path.join(catalog, 'registries', file);
    const { keptFiles: _k, ...doc } = JSON.parse(await readFile(target, 'utf8')) as CatalogRegistry;
    await writeFile(target, stableStringify(doc));
  }
  for (const registry of await readdir(path.join(catalog, 'charts'))) {
    for (const chart of await readdir(path.join(catalog, 'charts', registry))) {
      const dir = path.join(catalog, 'charts', registry, chart);
      const { keptFiles: _k, ...doc } = JSON.parse(
        await readFile(path.join(dir, 'chart.json'), 'utf8'),
      ) as CatalogChart;
      for (const v of doc.versions) {
        v.files = v.files.filter((f) => f !== 'CHANGELOG.md');
        await rm(path.join(dir, v.version, 'CHANGELOG.md'), { force: true });
      }
      await writeFile(path.join(dir, 'chart.json'), stableStringify(doc));
    }
  }
  await repo.git.add(['-A', 'catalog']);
  await repo.git.commit('a catalog written before CHANGELOG.md was kept');
}

/** The chart.json of a chart. */
export async function chartDoc(repo: TempRepo, registry: string, chart: string): Promise<CatalogChart> {
  const file = path.join(repo.root, 'catalog', 'charts', registry, chart, 'chart.json');
  return JSON.parse(await readFile(file, 'utf8')) as CatalogChart;
}

/** The registry document of a registry. */
export async function registryDocOf(repo: TempRepo, registry: string): Promise<CatalogRegistry> {
  const file = path.join(repo.root, 'catalog', 'registries', `${registry}.json`);
  return JSON.parse(await readFile(file, 'utf8')) as CatalogRegistry;
}
