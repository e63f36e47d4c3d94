/**
 * Reads and writes catalog/. Crash safety comes from the order of writes, not from locks:
 * a version's files are written before the chart.json that lists them is replaced (by rename
 * from a scratch file), and files are deleted only after
 * the chart.json that stops listing them. So at any instant every chart.json parses and every
 * version it lists with files has whole files; what a killed run leaves (scratch files, folders
 * no chart.json lists) is removed by `cleanup()` at the start of the next run.
 * Writes compare bytes first: a run that changes nothing changes no byte. Every read goes
 * through read.ts, so a file that does not match its schema is CatalogInvalid: `cleanup()`
 * leaves such a registry's part as it is and says which, so that only that registry fails.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { writeFile as writeFileCallback } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { failpoint } from '../failpoint.ts';
import { stableStringify } from './json.ts';
import { listDirectories, readCatalogFile } from './read.ts';
import { CHART_METADATA, FORMAT_VERSION, type CatalogChart, type CatalogRegistry } from './types.ts';

export const CATALOG_DIR = 'catalog';

// fs.writeFile, not fs/promises: no FileHandle object per file, which on a first sync's
// thousands of small files is measurably faster (see bench/results.md, case 2)
const writeFileFast = promisify(writeFileCallback);

export interface CatalogStore {
  readonly dir: string;
  /** writes catalog.json when there is none; throws when the one there is not this chartroom's format */
  init(): Promise<void>;
  /**
   * Removes what a killed run left. Returns the registries whose part could not be read (a
   * chart.json that does not parse or match), with the error: nothing of theirs is touched.
   */
  cleanup(): Promise<Map<string, unknown>>;
  registryNames(): Promise<string[]>;
  readRegistry(registry: string): Promise<CatalogRegistry | undefined>;
  writeRegistry(doc: CatalogRegistry): Promise<boolean>;
  readCharts(registry: string): Promise<Map<string, CatalogChart>>;
  /** the charts of a registry that have a folder (after cleanup(): those with a chart.json) */
  chartNames(registry: string): Promise<string[]>;
  writeChart(doc: CatalogChart): Promise<boolean>;
  /**
   * Removes what a version's folder holds that chart.json does not list (added by hand), and
   * returns the versions listed with files of which some are not there (deleted by hand).
   */
  checkVersionFiles(doc: CatalogChart): Promise<string[]>;
  writeVersionFiles(registry: string, chart: string, version: string, files: Map<string, Buffer>): Promise<void>;
  /**
   * Adds files to a version chart.json already lists with files (the refetch of sync/kept-files.ts):
   * each written atomically, since the folder is live.
   */
  addVersionFiles(registry: string, chart: string, version: string, files: Map<string, Buffer>): Promise<void>;
  /** one stored file of a version; undefined when it is not there or larger than maxBytes */
  readVersionFile(
    registry: string,
    chart: string,
    version: string,
    file: string,
    maxBytes: number,
  ): Promise<Buffer | undefined>;
  /** whether catalog.json says chart.json's metadata comes from the stored Chart.yaml files */
  chartMetadataFromChartYaml(): Promise<boolean>;
  /** records that in catalog.json (once every chart.json was corrected to it) */
  markChartMetadataFromChartYaml(): Promise<boolean>;
  removeVersionFiles(registry: string, chart: string, version: string): Promise<void>;
  removeChart(registry: string, chart: string): Promise<void>;
  removeRegistry(registry: string): Promise<void>;
}

/**
 * @param root the repository root; catalog/ lives under it and scratch files under
 *   root/.chartroom/tmp (same filesystem, so renames are atomic).
 */
// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createCatalogStore(root: string): CatalogStore {
  const dir = path.join(root, CATALOG_DIR);
  const scratch = path.join(root, '.chartroom', 'tmp');
  const chartDir = (registry: string, chart: string) => path.join(dir, 'charts', registry, chart);

  /** Atomically replaces a file when its content differs. Returns whether it wrote. */
  async function writeIfChanged(file: string, content: string | Buffer): Promise<boolean> {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    try {
      if ((await readFile(file)).equals(bytes)) return false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(scratch, { recursive: true });
    const tmp = path.join(scratch, randomUUID());
    await writeFile(tmp, bytes);
    await mkdir(path.dirname(file), { recursive: true });
    await rename(tmp, file);
    return true;
  }

  // chart.json goes first, so no instant has a chart.json listing files already deleted
  async function removeChart(registry: string, chart: string): Promise<void> {
    await rm(path.join(chartDir(registry, chart), 'chart.json'), { force: true });
    await rm(chartDir(registry, chart), { recursive: true, force: true });
  }

  // Every chart.json of the registry is read before anything is removed: one that cannot be
  // read stops the clean-up of that registry with nothing of it changed.
  async function cleanupRegistry(registry: string): Promise<void> {
    const charts = await listDirectories(path.join(dir, 'charts', registry));
    const docs: Array<CatalogChart | undefined> = [];
    for (const chart of charts)
      docs.push(await readCatalogFile(root, path.join(chartDir(registry, chart), 'chart.json'), 'chart'));
    for (const [i, chart] of charts.entries()) {
      const doc = docs[i];
      if (!doc) {
        await rm(chartDir(registry, chart), { recursive: true, force: true });
        continue;
      }
      const withFiles = new Set(doc.versions.filter((v) => v.files.length > 0).map((v) => v.version));
      for (const version of await listDirectories(chartDir(registry, chart))) {
        if (!withFiles.has(version))
          await rm(path.join(chartDir(registry, chart), version), { recursive: true, force: true });
      }
      if (!doc.keptFiles) await removeUnlistedFiles(doc);
    }
  }

  /**
   * A chart not yet marked `keptFiles` may be mid-refetch (sync/kept-files.ts): a killed run can
   * have added a file to a version before chart.json listed it. Only such charts are looked at,
   * so a catalog done with the refetch costs nothing here.
   */
  async function removeUnlistedFiles(doc: CatalogChart): Promise<void> {
    for (const v of doc.versions) {
      if (v.files.length === 0) continue;
      const target = path.join(chartDir(doc.registry, doc.name), v.version);
      for (const name of await readdir(target).catch(() => []))
        if (!v.files.includes(name)) await rm(path.join(target, name), { recursive: true, force: true });
    }
  }

  return {
    dir,
    async init() {
      const file = path.join(dir, 'catalog.json');
      // a catalog.json that does not parse, or names another format, is not overwritten
      if (await readCatalogFile(root, file, 'catalog')) return;
      // a new catalog has nothing written the old way to correct
      await writeIfChanged(
        file,
        stableStringify({ formatVersion: FORMAT_VERSION, chartMetadata: CHART_METADATA }),
      );
    },

    async chartMetadataFromChartYaml() {
      const doc = await readCatalogFile(root, path.join(dir, 'catalog.json'), 'catalog');
      return doc?.chartMetadata === CHART_METADATA;
    },

    async markChartMetadataFromChartYaml() {
      const file = path.join(dir, 'catalog.json');
      const doc = await readCatalogFile(root, file, 'catalog');
      return writeIfChanged(file, stableStringify({ ...doc, formatVersion: FORMAT_VERSION, chartMetadata: CHART_METADATA }));
    },

    async readVersionFile(registry, chart, version, file, maxBytes) {
      const target = path.join(chartDir(registry, chart), version, file);
      try {
        // a stored file is the catalog's own, but may have been edited by hand: capped all the same
        if ((await stat(target)).size > maxBytes) return undefined;
        return await readFile(target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },

    async cleanup() {
      await rm(scratch, { recursive: true, force: true });
      const unreadable = new Map<string, unknown>();
      for (const registry of await listDirectories(path.join(dir, 'charts'))) {
        try {
          await cleanupRegistry(registry);
        } catch (error) {
          unreadable.set(registry, error);
        }
      }
      return unreadable;
    },

    async registryNames() {
      const names = new Set(await listDirectories(path.join(dir, 'charts')));
      try {
        for (const file of await readdir(path.join(dir, 'registries'))) {
          if (file.endsWith('.json')) names.add(file.slice(0, -'.json'.length));
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      return [...names].sort();
    },

    readRegistry(registry) {
      return readCatalogFile(root, path.join(dir, 'registries', `${registry}.json`), 'registry');
    },

    writeRegistry(doc) {
      return writeIfChanged(path.join(dir, 'registries', `${doc.name}.json`), stableStringify(doc));
    },

    async readCharts(registry) {
      const charts = new Map<string, CatalogChart>();
      for (const chart of await listDirectories(path.join(dir, 'charts', registry))) {
        const doc = await readCatalogFile(root, path.join(chartDir(registry, chart), 'chart.json'), 'chart');
        if (doc) charts.set(chart, doc);
      }
      return charts;
    },

    chartNames(registry) {
      return listDirectories(path.join(dir, 'charts', registry));
    },

    writeChart(doc) {
      failpoint('before-chart-json');
      return writeIfChanged(path.join(chartDir(doc.registry, doc.name), 'chart.json'), stableStringify(doc));
    },

    async checkVersionFiles(doc) {
      const present = new Set(await listDirectories(chartDir(doc.registry, doc.name)));
      const missing: string[] = [];
      for (const v of doc.versions) {
        if (v.files.length === 0) continue;
        const target = path.join(chartDir(doc.registry, doc.name), v.version);
        const names = present.has(v.version) ? await readdir(target) : [];
        const listed = new Set(v.files);
        for (const name of names) if (!listed.has(name)) await rm(path.join(target, name), { recursive: true, force: true });
        if (v.files.some((file) => !names.includes(file))) missing.push(v.version);
      }
      return missing;
    },

    async writeVersionFiles(registry, chart, version, files) {
      // Written in place, with no scratch copy and rename: only versions that no chart.json lists
      // with files are written, and cleanup() removes what a killed run left half-written. File
      // creation is what costs on a first sync (thousands of files), so each costs one.
      const target = path.join(chartDir(registry, chart), version);
      await mkdir(target, { recursive: true });
      await Promise.all([...files].map(([name, body]) => writeFileFast(path.join(target, name), body)));
      failpoint('after-version-files');
    },

    async addVersionFiles(registry, chart, version, files) {
      const target = path.join(chartDir(registry, chart), version);
      for (const [name, body] of files) await writeIfChanged(path.join(target, name), body);
      failpoint('after-version-files');
    },

    async removeVersionFiles(registry, chart, version) {
      await rm(path.join(chartDir(registry, chart), version), { recursive: true, force: true });
    },

    removeChart,

    async removeRegistry(registry) {
      for (const chart of await listDirectories(path.join(dir, 'charts', registry))) await removeChart(registry, chart);
      await rm(path.join(dir, 'charts', registry), { recursive: true, force: true });
      await rm(path.join(dir, 'registries', `${registry}.json`), { force: true });
    },
  };
}
