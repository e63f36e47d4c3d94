import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { sourceFor as realSourceFor } from '../src/sources/index.ts';
import type { ListResult } from '../src/sources/types.ts';
import { createSync, type SyncDependencies } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let alpha: OwnChart;
let beta: OwnChart;

const readJson = async <T>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;
const chartJson = (registry: string, chart: string) =>
  readJson<CatalogChart>(path.join(repo.root, 'catalog', 'charts', registry, chart, 'chart.json'));
const registryJson = (registry: string) =>
  readJson<CatalogRegistry>(path.join(repo.root, 'catalog', 'registries', `${registry}.json`));
const catalogClean = async () =>
  (await repo.git.raw(['status', '--porcelain', '--', 'catalog'])).trim() === '';
const commits = async () => (await repo.git.log()).total;
const sync = async (options = {}) => {
  const report = await createSync({ root: repo.root }).run({ force: true, ...options });
  expect(reportProblems(report)).toEqual([]);
  return report;
};

beforeEach(async () => {
  repo = await createTempRepo();
  alpha = await writeOwnChart('alpha', { schema: true });
  beta = await writeOwnChart('beta', { readme: false });
  served = await serveCharts([
    { dir: alpha.dir, name: 'alpha', versions: ['1.0.0', '1.1.0', '2.0.0-beta.1'] },
    { dir: beta.dir, name: 'beta', versions: ['0.1.0', '0.2.0'] },
  ]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\ndescription: our test charts\n`);
});

afterEach(async () => {
  // whatever a test did, the catalog it leaves is valid and whole
  expect(await catalogProblems(repo.root)).toEqual([]);
  await served.close();
  await repo.cleanup();
});

describe('sync of an HTTP chart repository', () => {
  it('writes every version with files equal to the sources, and commits once', async () => {
    const before = await commits();
    const report = await sync();
    expect(report.exitCode).toBe(0);
    expect(report.message?.split('\n')[0]).toBe('sync: 5 new versions in 1 registry');
    expect(await commits()).toBe(before + 1);

    const doc = await chartJson('own', 'alpha');
    expect(doc.versions.map((v) => v.version)).toEqual(['2.0.0-beta.1', '1.1.0', '1.0.0']);
    expect(doc.latest).toBe('1.1.0');
    expect(doc.description).toBe('Test chart alpha');
    expect(doc.keywords).toEqual(['test', 'alpha']);
    for (const v of doc.versions) {
      expect(v.files).toEqual(['Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml']);
      expect(v.digest).toBe(
        `sha256:${served.repo.index.entries.alpha!.find((e) => e.version === v.version)!.digest as string}`,
      );
      const dir = path.join(repo.root, 'catalog', 'charts', 'own', 'alpha', v.version);
      for (const file of ['README.md', 'values.yaml', 'values.schema.json']) {
        expect(await readFile(path.join(dir, file), 'utf8')).toBe(alpha.files[file]);
      }
      expect(await readFile(path.join(dir, 'Chart.yaml'), 'utf8')).toContain(`version: ${v.version}`);
    }
    expect((await chartJson('own', 'beta')).versions[0]!.files).toEqual(['Chart.yaml', 'values.yaml']);
    const registry = await registryJson('own');
    expect(registry).toMatchObject({
      name: 'own',
      kind: 'http',
      charts: 2,
      versions: 5,
      private: false,
      failedVersions: [],
      republished: [],
    });
    expect(registry.error).toBeUndefined();
    expect(JSON.parse(await readFile(path.join(repo.root, 'catalog', 'catalog.json'), 'utf8'))).toEqual({
      chartMetadata: 'Chart.yaml',
      formatVersion: 1,
    });
  });

  it('sends one conditional request on a second sync and changes nothing', async () => {
    await sync();
    const head = await repo.git.revparse(['HEAD']);
    const mtime = (await stat(path.join(repo.root, 'catalog', 'charts', 'own', 'alpha', 'chart.json')))
      .mtimeMs;
    served.reset();
    const report = await sync();
    expect(served.count()).toBe(1);
    expect(served.server.requests.at(-1)!.headers['if-none-match']).toBeDefined();
    expect(report.registries[0]!.status).toBe('not-modified');
    expect(report.commit).toBeUndefined();
    expect(await repo.git.revparse(['HEAD'])).toBe(head);
    expect(await catalogClean()).toBe(true);
    expect(
      (await stat(path.join(repo.root, 'catalog', 'charts', 'own', 'alpha', 'chart.json'))).mtimeMs,
    ).toBe(mtime);
  });

  it('an unchanged index served again (no validators) downloads nothing and commits nothing', async () => {
    await sync();
    await writeFile(path.join(repo.root, '.chartroom', 'state.json'), '{}');
    served.reset();
    const report = await sync();
    // no chart digests remembered: every version's .prov is looked up again, no archive fetched
    const archives = served.since().filter((r) => !r.path.endsWith('.prov'));
    expect(archives.map((r) => r.path)).toEqual(['/charts/index.yaml']);
    expect(archives[0]!.headers['if-none-match']).toBeUndefined();
    expect(report.commit).toBeUndefined();
    expect(await catalogClean()).toBe(true);
  });

  it('picks up a newly published version in a new commit, downloading only it', async () => {
    await sync();
    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.3.0'] }]);
    served.reset();
    const report = await sync();
    expect(report.message?.split('\n')[0]).toBe('sync: 1 new version in 1 registry');
    expect(report.message).toContain('own/beta 0.3.0');
    expect(served.count('/charts/index.yaml')).toBe(1);
    expect(served.count('/charts/beta-0.3.0.tgz')).toBe(1);
    // beta's part of the index changed: its versions' provenance files are looked up again (none here)
    const prov = served.since().filter((r) => r.path.endsWith('.prov'));
    expect(prov.map((r) => r.path).sort()).toEqual([
      '/charts/beta-0.1.0.tgz.prov',
      '/charts/beta-0.2.0.tgz.prov',
      '/charts/beta-0.3.0.tgz.prov',
    ]);
    expect(served.count() - prov.length).toBe(2);
    expect((await chartJson('own', 'beta')).latest).toBe('0.3.0');
  });

  it('reads again only the charts whose part of the index changed, and keeps the others whole', async () => {
    const listings: ListResult[] = [];
    const sourceFor: SyncDependencies['sourceFor'] = (definition, http) => {
      const source = realSourceFor(definition, http);
      return {
        ...source,
        list: async (validators, hints) => {
          const listing = await source.list(validators, hints);
          listings.push(listing);
          return listing;
        },
      };
    };
    const run = () => createSync({ root: repo.root, sourceFor }).run({ force: true });
    await run();
    const alphaFile = path.join(repo.root, 'catalog', 'charts', 'own', 'alpha', 'chart.json');
    const alphaBefore = await readFile(alphaFile, 'utf8');

    // beta republishes 0.2.0 under another digest; alpha's part of the index is unchanged
    served.repo.index.entries.beta!.find((e) => e.version === '0.2.0')!.digest = 'a'.repeat(64);
    served.reindex();
    expect((await run()).registries[0]!.republished).toHaveLength(1);
    const second = listings[1]!;
    expect(second.notModified === false && second.unchanged).toEqual(['alpha']);
    expect(second.notModified === false && new Set(second.versions.map((v) => v.chart))).toEqual(
      new Set(['beta']),
    );
    expect(await readFile(alphaFile, 'utf8')).toBe(alphaBefore);
    expect(await registryJson('own')).toMatchObject({ charts: 2, versions: 5 });

    // now alpha changes and beta does not: beta's republished flag is kept, not found anew
    await served.publish([{ dir: alpha.dir, name: 'alpha', versions: ['1.2.0'] }]);
    const report = await run();
    expect(listings[2]!.notModified === false && listings[2]!.unchanged).toEqual(['beta']);
    expect(report.registries[0]!.added).toEqual([{ chart: 'alpha', version: '1.2.0' }]);
    expect(report.registries[0]!.republished).toEqual([]);
    expect((await registryJson('own')).republished).toMatchObject([{ chart: 'beta', version: '0.2.0' }]);
    expect(await registryJson('own')).toMatchObject({ charts: 2, versions: 6 });
  });

  it('commits catalog/ only, leaving what someone else staged staged', async () => {
    await writeFile(path.join(repo.root, 'NOTES.md'), 'work in progress\n');
    await repo.git.add('NOTES.md');
    const report = await sync();
    const files = await repo.git.raw(['show', '--name-only', '--format=', report.commit!]);
    expect(
      files
        .split('\n')
        .filter(Boolean)
        .every((f) => f.startsWith('catalog/')),
    ).toBe(true);
    expect((await repo.git.raw(['diff', '--cached', '--name-only'])).trim()).toBe('NOTES.md');
  });

  it('a wrong digest fails only that version, records it, and retries later', async () => {
    served.repo.index.entries.alpha!.find((e) => e.version === '1.1.0')!.digest = 'f'.repeat(64);
    served.reindex();
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.failed).toEqual([
      expect.objectContaining({
        chart: 'alpha',
        version: '1.1.0',
        code: 'DigestMismatch',
        attempts: 1,
        gaveUp: false,
      }),
    ]);
    expect((await chartJson('own', 'alpha')).versions.map((v) => v.version)).toEqual([
      '2.0.0-beta.1',
      '1.0.0',
    ]);
    expect((await chartJson('own', 'beta')).versions).toHaveLength(2);
    const [failure] = (await registryJson('own')).failedVersions;
    expect(failure).toMatchObject({
      chart: 'alpha',
      version: '1.1.0',
      code: 'DigestMismatch',
      attempts: 1,
      gaveUp: false,
    });
    expect(failure!.message).toContain('digest mismatch');
    expect(Date.parse(failure!.nextRetry)).toBeGreaterThan(Date.parse(failure!.lastFailure));

    // not yet due: the next run does not retry and does not fail
    const quiet = await sync();
    expect(quiet.exitCode).toBe(0);
    expect(quiet.registries[0]!.waiting).toBe(1);

    // fixed upstream and retried on demand: the failure clears
    served.repo.index.entries.alpha!.find((e) => e.version === '1.1.0')!.digest = (
      await import('../src/chart/digest.ts')
    )
      .sha256Digest(served.repo.files.get('alpha-1.1.0.tgz')!)
      .slice(7);
    served.reindex();
    const fixed = await sync({ retryFailed: true });
    expect(fixed.exitCode).toBe(0);
    expect(fixed.registries[0]!.added).toEqual([{ chart: 'alpha', version: '1.1.0' }]);
    expect((await registryJson('own')).failedVersions).toEqual([]);
  });

  it('a 500 fails only that registry and loses nothing', async () => {
    const other = await serveCharts([{ dir: beta.dir, name: 'beta', versions: ['9.0.0'] }]);
    try {
      await repo.writeRegistry('other', `url: ${other.url}\ninsecure: true\n`);
      await sync();
      const before = await chartJson('own', 'alpha');
      served.server.fault = (req, res) => {
        res.writeHead(500).end('boom');
        return true;
      };
      await other.publish([{ dir: beta.dir, name: 'beta', versions: ['9.1.0'] }]);
      const report = await sync();
      expect(report.exitCode).toBe(1);
      const own = report.registries.find((r) => r.name === 'own')!;
      expect(own.status).toBe('failed');
      expect(own.error).toMatchObject({ code: 'HTTPError' });
      expect(own.error!.message).toContain('answered 500');
      expect(report.registries.find((r) => r.name === 'other')!.added).toEqual([
        { chart: 'beta', version: '9.1.0' },
      ]);
      expect(await chartJson('own', 'alpha')).toEqual(before);
      const registry = await registryJson('own');
      expect(registry.versions).toBe(5);
      expect(registry.error?.code).toBe('HTTPError');

      // recovery clears the error
      served.server.fault = undefined;
      await sync();
      expect((await registryJson('own')).error).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('an empty index marks versions removed upstream instead of deleting them', async () => {
    await sync();
    served.repo.index.entries = {};
    served.reindex();
    const report = await sync();
    expect(report.message?.split('\n')[0]).toBe('sync: 5 versions removed upstream');
    const doc = await chartJson('own', 'alpha');
    expect(doc.versions.every((v) => v.removed)).toBe(true);
    expect(doc.versions[0]!.files.length).toBeGreaterThan(0);
  });

  it('flags a republished version with both digests and keeps the first', async () => {
    await sync();
    const original = (await chartJson('own', 'beta')).versions.find((v) => v.version === '0.2.0')!.digest!;
    const entry = served.repo.index.entries.beta!.find((e) => e.version === '0.2.0')!;
    entry.digest = 'a'.repeat(64);
    served.reindex();
    const report = await sync();
    expect(report.registries[0]!.republished).toEqual([
      { chart: 'beta', version: '0.2.0', digest: `sha256:${'a'.repeat(64)}`, previousDigest: original },
    ]);
    expect(report.message).toContain('1 version republished');
    expect((await chartJson('own', 'beta')).versions.find((v) => v.version === '0.2.0')!.digest).toBe(
      original,
    );
    expect((await registryJson('own')).republished).toHaveLength(1);
  });

  it('keep limits which versions keep files; raising it fetches them once', async () => {
    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\nkeep: 1\n`);
    await sync();
    const doc = await chartJson('own', 'alpha');
    expect(doc.versions.map((v) => v.files.length > 0)).toEqual([true, false, false]);
    expect(doc.versions).toHaveLength(3);
    expect(await readdir(path.join(repo.root, 'catalog', 'charts', 'own', 'alpha'))).toEqual([
      '2.0.0-beta.1',
      'chart.json',
    ]);
    expect(served.count('/charts/alpha-1.0.0.tgz')).toBe(0);

    await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\nkeep: all\n`);
    served.reset();
    await sync();
    expect((await chartJson('own', 'alpha')).versions.every((v) => v.files.length === 4)).toBe(true);
    expect(served.count('/charts/alpha-1.0.0.tgz')).toBe(1);
    served.reset();
    await sync();
    expect(served.count()).toBe(1);
  });

  it('applies versions, prereleases and exclude, and drops what a changed filter filters out', async () => {
    await sync();
    await repo.writeRegistry(
      'own',
      `url: ${served.url}\ninsecure: true\nprereleases: false\nversions: ">=1.0.0"\nexclude: ["bet*"]\n`,
    );
    const report = await sync();
    expect(report.registries[0]!.dropped).toHaveLength(3);
    expect((await chartJson('own', 'alpha')).versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    await expect(stat(path.join(repo.root, 'catalog', 'charts', 'own', 'beta'))).rejects.toThrow();
    await expect(
      stat(path.join(repo.root, 'catalog', 'charts', 'own', 'alpha', '2.0.0-beta.1')),
    ).rejects.toThrow();
    expect((await registryJson('own')).charts).toBe(1);
  });

  it('removing the registry file prunes its catalog part', async () => {
    await sync();
    await repo.removeRegistry('own');
    const report = await sync();
    expect(report.pruned).toEqual(['own']);
    expect(report.message).toContain('removed 1 registry (own)');
    await expect(stat(path.join(repo.root, 'catalog', 'charts', 'own'))).rejects.toThrow();
    await expect(stat(path.join(repo.root, 'catalog', 'registries', 'own.json'))).rejects.toThrow();
  });

  it('does not trust state whose catalog commit never reached the repository', async () => {
    await sync();
    // a later sync found something but its commit was lost (reset), while its state was saved
    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.9.0'] }]);
    await sync();
    await repo.git.reset(['--hard', 'HEAD~1']);
    served.reset();
    const report = await sync();
    const [indexRequest] = served.since();
    expect(indexRequest!.path).toBe('/charts/index.yaml');
    expect(indexRequest!.headers['if-none-match']).toBeUndefined();
    expect(report.registries[0]!.added).toEqual([{ chart: 'beta', version: '0.9.0' }]);
  });

  it('cleans what a killed run left behind and completes the work', async () => {
    await sync();
    const chartDir = path.join(repo.root, 'catalog', 'charts', 'own', 'alpha');
    // a version folder written but never listed, and a half-written scratch file
    await mkdir(path.join(chartDir, '3.0.0'));
    await writeFile(path.join(chartDir, '3.0.0', 'README.md'), 'half');
    await mkdir(path.join(repo.root, '.chartroom', 'tmp'), { recursive: true });
    await writeFile(path.join(repo.root, '.chartroom', 'tmp', 'x'), '{');
    await sync();
    expect(await readdir(chartDir)).not.toContain('3.0.0');
    expect(await catalogClean()).toBe(true);
  });

  it('pushes, rebasing on a concurrent push', async () => {
    await sync({ push: true });
    // someone else pushes an unrelated commit
    const { simpleGit } = await import('simple-git');
    const otherDir = `${repo.root}-other`;
    await simpleGit().clone(repo.remote, otherDir);
    const other = simpleGit(otherDir);
    await other.addConfig('user.name', 'x').addConfig('user.email', 'x@example.invalid');
    await writeFile(path.join(otherDir, 'NOTES.md'), 'hello\n');
    await other.add('NOTES.md').commit('notes');
    await other.push('origin', 'main');

    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.4.0'] }]);
    const report = await sync({ push: true });
    expect(report.pushed).toBe(true);
    const remoteLog = await simpleGit().cwd(repo.remote).raw(['log', '--format=%s', 'main']);
    expect(remoteLog.split('\n').slice(0, 2)).toEqual(['sync: 1 new version in 1 registry', 'notes']);
  });

  it('refuses a second sync running at once on one repository', async () => {
    const slow = served.server;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    slow.fault = (_req, res) => {
      void gate.then(() => {
        res.writeHead(503).end();
      });
      return true;
    };
    const first = createSync({ root: repo.root, http: undefined }).run({ force: true });
    await new Promise((r) => setTimeout(r, 200));
    await expect(sync()).rejects.toMatchObject({ code: 'Locked' });
    slow.fault = undefined;
    release();
    await first;
  });
});
