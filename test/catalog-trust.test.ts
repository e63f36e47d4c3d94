/**
 * What the sync trusts in catalog/ and in its state: a catalog file that cannot be read fails its
 * registry only (item 10 of issue 14), and a catalog changed by hand is never taken for the
 * truth: what was deleted comes back, nothing lost is committed, and a 304 does not hide it
 * (item 14). Real git repository, real HTTP chart repository with ETags.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let alpha: OwnChart;
let beta: OwnChart;

const catalogFile = (...parts: string[]) => path.join(repo.root, 'catalog', ...parts);
const chartFile = (registry: string, chart: string) => catalogFile('charts', registry, chart, 'chart.json');
const head = async () => (await repo.git.revparse(['HEAD'])).trim();
const catalogStatus = async () => (await repo.git.raw(['status', '--porcelain', '--', 'catalog'])).trim();
const committedFiles = async (sha: string) =>
  (await repo.git.raw(['show', '--name-only', '--format=', sha])).split('\n').filter(Boolean);
const sync = async (options = {}) => {
  const report = await createSync({ root: repo.root }).run(options);
  expect(reportProblems(report)).toEqual([]);
  return report;
};
const run = async (...args: string[]) => {
  const lines: string[] = [];
  const output = { tty: false, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  return { code: await main(['--root', repo.root, ...args], output), lines };
};
const cli = (...args: string[]) => run('sync', ...args);

/** Every file under a folder with its bytes, relative to it. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = await readFile(file, 'utf8');
  }
  return files;
}
const registryPart = async (name: string) => ({
  charts: await snapshot(catalogFile('charts', name)),
  registry: await readFile(catalogFile('registries', `${name}.json`), 'utf8'),
});

beforeEach(async () => {
  repo = await createTempRepo();
  alpha = await writeOwnChart('alpha');
  beta = await writeOwnChart('beta', { readme: false });
  served = await serveCharts([
    { dir: alpha.dir, name: 'alpha', versions: ['1.0.0', '1.1.0'] },
    { dir: beta.dir, name: 'beta', versions: ['0.1.0'] },
  ]);
  // two registries of the same repository: one is broken or edited, the other is the witness
  await repo.writeRegistry('one', `url: ${served.url}\ninsecure: true\n`);
  await repo.writeRegistry('two', `url: ${served.url}\ninsecure: true\n`);
  expect((await sync()).exitCode).toBe(0);
});

afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

const conflict = (text: string) => `<<<<<<< HEAD\n${text}=======\n${text}>>>>>>> theirs\n`;

describe('a catalog file that cannot be read', () => {
  it.each([
    {
      name: 'a chart.json with merge conflict markers',
      file: 'catalog/charts/one/alpha/chart.json',
      spoil: conflict,
      says: 'catalog/charts/one/alpha/chart.json does not parse: ',
    },
    {
      name: 'a chart.json that fails its schema',
      file: 'catalog/charts/one/alpha/chart.json',
      spoil: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), versions: 'none' }),
      says: 'catalog/charts/one/alpha/chart.json does not match its schema (schemas/catalog-chart.schema.json): versions must be array',
    },
    {
      name: 'a registry file with merge conflict markers',
      file: 'catalog/registries/one.json',
      spoil: conflict,
      says: 'catalog/registries/one.json does not parse: ',
    },
    {
      name: 'a registry file that fails its schema',
      file: 'catalog/registries/one.json',
      spoil: (text: string) => {
        const { failedVersions: _, ...rest } = JSON.parse(text) as Record<string, unknown>;
        return JSON.stringify(rest);
      },
      says: 'catalog/registries/one.json does not match its schema (schemas/catalog-registry.schema.json): the required field "failedVersions" is missing',
    },
  ])(
    '$name fails only its registry, naming the file and the way back; the others sync and commit',
    async ({ file, spoil, says }) => {
      const target = path.join(repo.root, file);
      await writeFile(target, spoil(await readFile(target, 'utf8')));
      const before = await registryPart('one');
      await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.2.0'] }]);

      const { code, lines } = await cli('--force');
      expect(code).toBe(1);
      const line = lines.find((l) => l.startsWith('✗ one: '));
      expect(line).toContain(says);
      expect(line).toMatch(
        new RegExp(`; restore it from git \\(git checkout HEAD -- ${file}\\) and sync again$`),
      );
      expect(lines.some((l) => l.startsWith('error:'))).toBe(false);
      // the other registry synced and committed; nothing of the broken one was touched or committed
      const files = await committedFiles(await head());
      expect(files).toContain('catalog/charts/two/beta/chart.json');
      expect(
        files.filter((f) => f.startsWith('catalog/charts/one/') || f === 'catalog/registries/one.json'),
      ).toEqual([]);
      expect(await registryPart('one')).toEqual(before);
      expect(await catalogStatus()).toBe(`M ${file}`);

      // restored the way the message says, it syncs
      await repo.git.raw(['checkout', 'HEAD', '--', file]);
      const report = await sync({ force: true });
      expect(report.exitCode).toBe(0);
      expect(report.registries.find((r) => r.name === 'one')!.added).toEqual([
        { chart: 'beta', version: '0.2.0' },
      ]);
      expect(await catalogStatus()).toBe('');
      expect(await catalogProblems(repo.root)).toEqual([]);
    },
  );

  it('a broken chart.json that was committed (a merge that kept the markers) fails its registry and is not rewritten', async () => {
    const file = chartFile('one', 'alpha');
    await writeFile(file, conflict(await readFile(file, 'utf8')));
    await repo.git.add('catalog').commit('merge with conflict markers');
    const before = await registryPart('one');
    const report = await sync();
    expect(report.exitCode).toBe(1);
    expect(report.registries.map((r) => [r.name, r.status, r.error?.code])).toEqual([
      ['one', 'failed', 'CatalogInvalid'],
      // the state belongs to the commit before the merge: not trusted, a full fetch
      ['two', 'synced', undefined],
    ]);
    expect(await registryPart('one')).toEqual(before);
    expect(await catalogStatus()).toBe('');
  });

  it('status shows a registry whose catalog file cannot be read as its error, and the others', async () => {
    await writeFile(catalogFile('registries', 'one.json'), conflict('{}\n'));
    const { code, lines } = await run('status', '--json');
    expect(code).toBe(0);
    const { registries } = JSON.parse(lines.join('\n')) as {
      registries: Array<{ name: string; error: { code: string; message: string } | null; versions: number }>;
    };
    expect(registries.map((r) => [r.name, r.error?.code ?? null])).toEqual([
      ['one', 'CatalogInvalid'],
      ['two', null],
    ]);
    expect(registries[0]!.error!.message).toMatch(
      /^catalog\/registries\/one\.json does not parse: .*; restore it from git/,
    );
    expect(registries[1]!.versions).toBe(3);
  });

  it('a catalog.json that does not parse, or is of a newer format, stops the run before anything is written', async () => {
    const file = catalogFile('catalog.json');
    for (const [text, code] of [
      [conflict('{"formatVersion": 1}\n'), 'CatalogInvalid'],
      ['{"formatVersion": 2}\n', 'CatalogFormatUnsupported'],
    ] as const) {
      await writeFile(file, text);
      await rm(chartFile('two', 'beta'));
      await expect(sync({ force: true })).rejects.toThrow(expect.objectContaining({ code }));
      expect(await readFile(file, 'utf8')).toBe(text);
      await repo.git.raw(['checkout', 'HEAD', '--', 'catalog']);
    }
  });
});

describe('a catalog changed by hand', () => {
  it('a quiet sync of a clean catalog sends one conditional request per registry and commits nothing', async () => {
    const sha = await head();
    served.reset();
    const report = await sync({ force: true });
    expect(report.registries.map((r) => r.status)).toEqual(['not-modified', 'not-modified']);
    expect(served.since().map((r) => [r.path, r.headers['if-none-match'] !== undefined])).toEqual([
      ['/charts/index.yaml', true],
      ['/charts/index.yaml', true],
    ]);
    expect(await head()).toBe(sha);
  });

  it('a chart.json deleted by hand, on an unchanged index, is restored and no loss is committed', async () => {
    const before = await registryPart('one');
    const sha = await head();
    await rm(chartFile('one', 'alpha'));
    served.reset();
    const report = await sync({ force: true });
    expect(report.exitCode).toBe(0);
    // that registry is fetched in full (the state is not trusted for it), the other one is a 304
    const requests = served.since().filter((r) => r.path === '/charts/index.yaml');
    expect(requests.map((r) => r.headers['if-none-match'] !== undefined).sort()).toEqual([false, true]);
    // no archive is fetched again; with no chart digests remembered, provenance files are looked up again
    const others = served.since().filter((r) => r.path !== '/charts/index.yaml' && !r.path.endsWith('.prov'));
    expect(others).toEqual([]);
    expect(await registryPart('one')).toEqual(before);
    expect(await head()).toBe(sha);
    expect(await catalogStatus()).toBe('');
    // and the run after it is quiet again
    served.reset();
    await sync({ force: true });
    expect(served.since().every((r) => r.headers['if-none-match'] !== undefined)).toBe(true);
  });

  it('a chart.json deleted by hand is restored when the repository root is a folder inside a larger work tree', async () => {
    // the catalog repository's root is repo.root/platform (a monorepo); git names paths from repo.root
    const root = path.join(repo.root, 'platform');
    await mkdir(path.join(root, 'registries'), { recursive: true });
    await writeFile(path.join(root, 'registries', 'one.yaml'), `url: ${served.url}\ninsecure: true\n`);
    const inner = (options = {}) => createSync({ root }).run({ force: true, ...options });
    expect((await inner()).commit).toBeDefined();
    const file = path.join(root, 'catalog', 'charts', 'one', 'alpha', 'chart.json');
    const before = await readFile(file, 'utf8');
    const sha = await head();
    await rm(file);
    served.reset();
    expect((await inner()).exitCode).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await head()).toBe(sha);
    // only the edited registry was fetched in full; the next run is quiet again
    served.reset();
    await inner();
    expect(served.since().every((r) => r.headers['if-none-match'] !== undefined)).toBe(true);
  });

  it('a version folder or file deleted or edited by hand is put back as committed', async () => {
    const before = await registryPart('one');
    const sha = await head();
    await rm(catalogFile('charts', 'one', 'alpha', '1.0.0'), { recursive: true });
    await rm(catalogFile('charts', 'one', 'beta', '0.1.0', 'values.yaml'));
    await writeFile(catalogFile('charts', 'one', 'alpha', '1.1.0', 'README.md'), '# edited by hand\n');
    await rm(catalogFile('registries', 'one.json'));
    const report = await sync({ force: true });
    expect(report.exitCode).toBe(0);
    expect(await registryPart('one')).toEqual(before);
    expect(await head()).toBe(sha);
    expect(await catalogStatus()).toBe('');
  });

  it('a version whose files were deleted before they were ever committed is fetched again', async () => {
    await served.publish([{ dir: alpha.dir, name: 'alpha', versions: ['1.2.0'] }]);
    await sync({ force: true, commit: false });
    const versionDir = catalogFile('charts', 'one', 'alpha', '1.2.0');
    const files = await snapshot(versionDir);
    await rm(versionDir, { recursive: true });
    served.reset();
    const report = await sync({ force: true });
    expect(report.exitCode).toBe(0);
    expect(served.count('/charts/alpha-1.2.0.tgz')).toBe(1);
    expect(await snapshot(versionDir)).toEqual(files);
    expect(await committedFiles(report.commit!)).toContain('catalog/charts/one/alpha/1.2.0/values.yaml');
    expect(await catalogProblems(repo.root)).toEqual([]);
    expect(await catalogStatus()).toBe('');
  });

  it('a chart.json edited by hand (a version taken out, its description changed) is put right from upstream', async () => {
    const before = await registryPart('one');
    const sha = await head();
    const file = chartFile('one', 'alpha');
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      description: string;
      versions: Array<{ version: string }>;
    };
    doc.description = 'edited by hand';
    doc.versions = doc.versions.filter((v) => v.version !== '1.0.0');
    await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`);
    const report = await sync({ force: true });
    expect(report.exitCode).toBe(0);
    expect(await registryPart('one')).toEqual(before);
    expect(await head()).toBe(sha);
    expect(await catalogStatus()).toBe('');
  });

  it('a registry part removed whole by hand comes back; a hand-made folder or version file is not committed', async () => {
    const before = await registryPart('one');
    const sha = await head();
    await rm(catalogFile('charts', 'one'), { recursive: true });
    await mkdir(catalogFile('charts', 'two', 'stray'), { recursive: true });
    await writeFile(catalogFile('charts', 'two', 'stray', 'notes.txt'), 'not a chart\n');
    await writeFile(catalogFile('charts', 'two', 'beta', '0.1.0', 'evil.html'), '<script>\n');
    const report = await sync({ force: true });
    expect(report.exitCode).toBe(0);
    expect(await registryPart('one')).toEqual(before);
    expect(await head()).toBe(sha);
    expect(await catalogStatus()).toBe('');
  });

  it('a chart.json edited by hand in a registry this run does not sync is left out of its commit', async () => {
    const file = chartFile('one', 'alpha');
    const edited = (await readFile(file, 'utf8')).replace(
      /"description": "[^"]*"/,
      '"description": "by hand"',
    );
    await writeFile(file, edited);
    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.2.0'] }]);
    const report = await sync({ registries: ['two'] });
    expect(report.exitCode).toBe(0);
    const files = await committedFiles(report.commit!);
    expect(files).toContain('catalog/charts/two/beta/chart.json');
    expect(files.some((f) => f.startsWith('catalog/charts/one/'))).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(edited);
  });
});
