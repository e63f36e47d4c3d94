/**
 * CHANGELOG.md, kept since after the first four files: a catalog written before it gets it by
 * the next sync, which fetches each version within `keep` once more (real HTTP chart repository,
 * real OCI registry, real git); the sync after is quiet, a lost state file changes nothing, and a
 * run killed mid-way is completed by the next one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { ageCatalog, chartDoc, registryDocOf } from './helpers/aged-catalog.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const BIN = fileURLToPath(new URL('../bin/chartroom.js', import.meta.url));
const CHANGELOG = '# Changelog\n\n## 1.2.0\n- faster start\n';
const KEPT = ['CHANGELOG.md', 'Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml'];

async function chartWithChangelog(name: string): Promise<OwnChart> {
  const chart = await writeOwnChart(name, { schema: true });
  await writeFile(path.join(chart.dir, 'CHANGELOG.md'), CHANGELOG);
  return chart;
}

const lastCommitMessage = (repo: TempRepo) => repo.git.raw(['log', '-1', '--format=%B']);
const storedChangelog = (repo: TempRepo, registry: string, chart: string, version: string) =>
  readFile(path.join(repo.root, 'catalog', 'charts', registry, chart, version, 'CHANGELOG.md'), 'utf8');

describe('the once-only refetch for CHANGELOG.md, HTTP repository', () => {
  let served: ServedRepository;
  let repo: TempRepo;
  const sync = async () => {
    const report = await createSync({ root: repo.root }).run({ force: true });
    expect(reportProblems(report)).toEqual([]);
    return report;
  };
  const archives = () =>
    served
      .since()
      .filter((r) => r.path.endsWith('.tgz'))
      .map((r) => r.path);

  beforeAll(async () => {
    const web = await chartWithChangelog('web');
    served = await serveCharts([{ dir: web.dir, name: 'web', versions: ['1.0.0', '1.1.0', '1.2.0'] }]);
    repo = await createTempRepo();
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\nkeep: 2\n`);
  }, 60_000);
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await served?.close();
    await repo?.cleanup();
  });

  it('a new catalog keeps CHANGELOG.md and is marked keptFiles from its first sync', async () => {
    await sync();
    const doc = await chartDoc(repo, 'own', 'web');
    expect(doc.keptFiles).toEqual(KEPT);
    expect(doc.versions.map((v) => v.files)).toEqual([KEPT, KEPT, []]);
    expect((await registryDocOf(repo, 'own')).keptFiles).toEqual(KEPT);
    expect(await storedChangelog(repo, 'own', 'web', '1.2.0')).toBe(CHANGELOG);
  });

  it('an older catalog: the next sync fetches the versions within keep once and adds CHANGELOG.md', async () => {
    await ageCatalog(repo);
    expect((await chartDoc(repo, 'own', 'web')).versions[0]!.files).not.toContain('CHANGELOG.md');
    served.reset();
    const report = await sync();
    expect(archives().sort()).toEqual(['/charts/web-1.1.0.tgz', '/charts/web-1.2.0.tgz']);
    expect(report.registries[0]!.refetched).toBe(2);
    expect(report.registries[0]!.added).toEqual([]);
    const doc = await chartDoc(repo, 'own', 'web');
    expect(doc.keptFiles).toEqual(KEPT);
    expect(doc.versions.map((v) => v.files)).toEqual([KEPT, KEPT, []]);
    expect(await storedChangelog(repo, 'own', 'web', '1.1.0')).toBe(CHANGELOG);
    expect((await registryDocOf(repo, 'own')).keptFiles).toEqual(KEPT);
    expect(await lastCommitMessage(repo)).toContain('2 versions fetched again for CHANGELOG.md');
  });

  it('the sync after it fetches no archive and commits nothing', async () => {
    served.reset();
    const report = await sync();
    expect(report.commit).toBeUndefined();
    expect(report.registries[0]!.refetched).toBeUndefined();
    expect(archives()).toEqual([]);
    // the index is read with the validators the refetching run remembered: a 304
    expect(report.registries[0]!.status).toBe('not-modified');
  });

  it('a lost state file refetches nothing: the marker is in the catalog', async () => {
    await rm(path.join(repo.root, '.chartroom', 'state.json'), { force: true });
    served.reset();
    const report = await sync();
    expect(archives()).toEqual([]);
    expect(report.commit).toBeUndefined();
  });
});

describe('the once-only refetch for CHANGELOG.md, OCI registry', () => {
  let registry: TestRegistry;
  let repo: TempRepo;
  const http = recordingHttp();
  const sync = async () => {
    const report = await createSync({ root: repo.root, http }).run({ force: true });
    expect(reportProblems(report)).toEqual([]);
    return report;
  };
  const blobOrManifest = () => http.urls.filter((u) => /\/manifests\/|\/blobs\//.test(u));

  beforeAll(async () => {
    registry = await startRegistry('none');
    const alpha = await chartWithChangelog('alpha');
    for (const version of ['1.0.0', '1.1.0'])
      await pushChart(
        registry,
        'charts/alpha',
        await packChartDir(alpha.dir, { name: 'alpha', version }),
        version,
      );
    repo = await createTempRepo();
    await repo.writeRegistry('oci', `url: oci://${registry.host}/charts\ninsecure: true\ncharts: [alpha]\n`);
  }, 60_000);
  afterAll(async () => {
    expect(await catalogProblems(repo.root)).toEqual([]);
    await http.close();
    await registry?.close();
    await repo?.cleanup();
  });

  it('refetches each version once, then is quiet', async () => {
    await sync();
    await ageCatalog(repo);
    http.reset();
    const report = await sync();
    expect(report.registries[0]!.refetched).toBe(2);
    const doc = await chartDoc(repo, 'oci', 'alpha');
    expect(doc.keptFiles).toEqual(KEPT);
    for (const v of doc.versions) {
      expect(v.files).toEqual(KEPT);
      expect(await storedChangelog(repo, 'oci', 'alpha', v.version)).toBe(CHANGELOG);
    }
    expect((await registryDocOf(repo, 'oci')).keptFiles).toEqual(KEPT);
    http.reset();
    const quiet = await sync();
    expect(quiet.commit).toBeUndefined();
    expect(blobOrManifest()).toEqual([]);
  });
});

describe('the refetch killed mid-way', () => {
  let served: ServedRepository;
  let repo: TempRepo;
  const archives = () => served.since().filter((r) => r.path.endsWith('.tgz')).length;

  beforeEach(async () => {
    const a = await chartWithChangelog('lambda');
    const b = await chartWithChangelog('mu');
    served = await serveCharts([
      { dir: a.dir, name: 'lambda', versions: ['1.0.0', '1.1.0'] },
      { dir: b.dir, name: 'mu', versions: ['0.1.0', '0.2.0'] },
    ]);
    repo = await createTempRepo();
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
    await createSync({ root: repo.root }).run({ force: true });
    await ageCatalog(repo);
    served.reset();
  }, 60_000);
  afterEach(async () => {
    await served.close();
    await repo.cleanup();
  });

  const killedAt = (point: string) =>
    new Promise<NodeJS.Signals | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'sync', '--force', '--root', repo.root], {
        env: { ...process.env, CI: 'true', CHARTROOM_FAILPOINT: point },
        stdio: 'ignore',
      });
      child.once('exit', (_code, signal) => resolve(signal));
    });

  async function expectCompleted(): Promise<void> {
    expect(await catalogProblems(repo.root)).toEqual([]);
    for (const [chart, versions] of [
      ['lambda', ['1.1.0', '1.0.0']],
      ['mu', ['0.2.0', '0.1.0']],
    ] as const) {
      const doc = await chartDoc(repo, 'own', chart);
      expect(doc.keptFiles).toEqual(KEPT);
      expect(doc.versions.map((v) => v.version)).toEqual(versions);
      for (const v of doc.versions)
        expect(await storedChangelog(repo, 'own', chart, v.version)).toBe(CHANGELOG);
    }
    expect((await registryDocOf(repo, 'own')).keptFiles).toEqual(KEPT);
    const status = execFileSync('git', ['status', '--porcelain', '--', 'catalog'], { cwd: repo.root });
    expect(status.toString()).toBe('');
  }

  it('killed while adding the first CHANGELOG.md: the next run fetches the rest and completes it', async () => {
    expect(await killedAt('after-version-files')).toBe('SIGKILL');
    expect(await catalogProblems(repo.root)).toEqual([]);
    served.reset();
    await createSync({ root: repo.root }).run({ force: true });
    // every version at most once more (no chart was marked before the kill)
    expect(archives()).toBeLessThanOrEqual(4);
    await expectCompleted();
  });

  it('killed before the commit: the next run commits what was done, fetching nothing again', async () => {
    expect(await killedAt('before-commit')).toBe('SIGKILL');
    served.reset();
    await createSync({ root: repo.root }).run({ force: true });
    expect(archives()).toBe(0);
    await expectCompleted();
  });
});
