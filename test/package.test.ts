/**
 * chartroom as an installed package: `npm pack`, the tarball installed into a fresh folder under
 * the system temp folder (which cannot see this checkout's node_modules), and the installed bin run
 * on Node 22 and on Node 24: init a catalog repository, then validate, sync against a real chart
 * repository on loopback, site build (the site opened in Chromium) and status.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { simpleGit, type SimpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../src/site-build/serve.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { launchChromium, search } from './site/browser.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_24 = path.join(ROOT, 'node_modules', 'node', 'bin', 'node');

let scratch: string;
let tarball: string;
let app: string;
let node22: string;
let charts: ServedRepository;
let browser: Browser;

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    maxBuffer: 64 * 2 ** 20,
  });
  return stdout;
}

/** A fresh folder with only the tarball installed (its dependencies from the registry). */
async function installPackage(dir: string): Promise<void> {
  await mkdir(dir);
  await writeFile(path.join(dir, 'package.json'), '{ "name": "catalog-user", "private": true }\n');
  await npm(dir, ['install', tarball]);
}

/**
 * Node 22 is an npm package, installed beside the app, never into it: the oldest release that
 * package.json's engines allow, so a dependency that needs a newer one fails here (undici 8 does
 * not load on 22.12).
 */
async function installNode22(dir: string): Promise<string> {
  await mkdir(dir);
  await writeFile(
    path.join(dir, 'package.json'),
    '{ "name": "node22", "private": true, "allowScripts": { "node": true } }\n',
  );
  await npm(dir, ['install', 'node@22.12.0']);
  return path.join(dir, 'node_modules', 'node', 'bin', 'node');
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'chartroom-package-'));
  const packed = path.join(scratch, 'pack');
  await mkdir(packed);
  const out = await npm(ROOT, ['pack', '--pack-destination', packed, '--silent']);
  tarball = path.join(packed, out.trim().split('\n').at(-1)!);
  app = path.join(scratch, 'app');
  [node22] = await Promise.all([installNode22(path.join(scratch, 'node22')), installPackage(app)]);
  const chart = await writeOwnChart('harbour', { schema: true });
  charts = await serveCharts([{ dir: chart.dir, name: 'harbour', versions: ['1.0.0', '1.2.0'] }]);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await charts?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true, maxRetries: 3 });
});

/**
 * The catalog repository the installed chartroom runs in, made by the installed `chartroom init`,
 * with one registry file added and a bare remote to push to.
 */
async function initCatalogRepository(node: string, registryUrl: string): Promise<CatalogRepository> {
  const base = await mkdtemp(path.join(tmpdir(), 'chartroom-installed-'));
  const root = path.join(base, 'catalog-repo');
  const remote = path.join(base, 'remote.git');
  const init = await chartroom(node, base, ['init', root]);
  expect(init, init.stderr).toMatchObject({ code: 0 });
  expect(init.stdout).toMatch(/SOPS_AGE_KEY/);
  await writeFile(
    path.join(root, 'registries', 'harbour.yaml'),
    `url: ${registryUrl}\ninsecure: true\ndescription: Harbour charts\n`,
  );
  await simpleGit().init(true, [remote]);
  const git = simpleGit(root);
  await git.addConfig('user.name', 'test').addConfig('user.email', 'test@example.invalid');
  await git.add('.').commit('chartroom init');
  await git.addRemote('origin', remote);
  await git.push(['-u', 'origin', 'HEAD']);
  return { root, git, cleanup: () => rm(base, { recursive: true, force: true, maxRetries: 3 }) };
}

interface CatalogRepository {
  root: string;
  git: SimpleGit;
  cleanup(): Promise<void>;
}

/** Runs the installed package's bin with the given Node, in the catalog repository. */
async function chartroom(
  node: string,
  cwd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = path.join(app, 'node_modules', '.bin', 'chartroom');
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  try {
    const { stdout, stderr } = await run(node, [bin, ...args], { cwd, env, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the packed tarball', () => {
  it('holds the compiled program and no tests, bench, testkit, fixtures or .ts Node would load', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/lib/cli/main.js');
    expect(files).toContain('package/lib/index.d.ts');
    expect(files).toContain('package/site/pages/index.astro');
    expect(files).toContain('package/assets/sigstore/trusted_root.json');
    expect(files.filter((f) => /^package\/(test|bench|testkit|catalog|registries|docs)\//.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => /fixtures|\.test\.ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^package\/(lib|bin)\/.*\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(
      await readFile(path.join(app, 'node_modules', 'chartroom', 'package.json'), 'utf8'),
    ) as {
      engines: { node: string };
    };
    expect(manifest.engines.node).toBe('>=22.12');
  });
});

describe.each([
  ['22', () => node22],
  ['24', () => NODE_24],
])('the installed package on Node %s', (major, node) => {
  let repo: CatalogRepository;

  beforeAll(async () => {
    expect((await run(node(), ['--version'])).stdout).toMatch(new RegExp(`^v${major}\\.`));
    repo = await initCatalogRepository(node(), charts.url);
  });

  afterAll(async () => {
    await repo?.cleanup();
  });

  it('validates, syncs, builds the site and reports status from node_modules', async () => {
    const validate = await chartroom(node(), repo.root, ['validate']);
    expect(validate, validate.stderr).toMatchObject({ code: 0 });

    const sync = await chartroom(node(), repo.root, ['sync', '--push']);
    expect(sync, sync.stderr).toMatchObject({ code: 0 });
    const chart = JSON.parse(
      await readFile(path.join(repo.root, 'catalog', 'charts', 'harbour', 'harbour', 'chart.json'), 'utf8'),
    ) as { name: string; versions: Array<{ version: string }> };
    expect(chart.versions.map((v) => v.version).sort()).toEqual(['1.0.0', '1.2.0']);
    expect((await repo.git.log(['@{upstream}'])).latest?.message).toMatch(/2 new versions/);

    const out = path.join(repo.root, 'dist');
    const site = await chartroom(node(), repo.root, ['site', 'build', '--out', out]);
    expect(site, site.stderr).toMatchObject({ code: 0 });
    const server = await serveSite(out);
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}charts/harbour/harbour/`);
      expect(await page.textContent('h1')).toContain('harbour');
      await page.goto(server.url);
      expect(await search(page, 'harbour')).toEqual(['harbour']);
    } finally {
      await page.close();
      await server.close();
    }

    // a cosign policy loads the Sigstore root shipped in the package, from node_modules
    await writeFile(
      path.join(repo.root, 'registries', 'signed.yaml'),
      'url: oci://127.0.0.1:9/charts\ninsecure: true\ncharts: [signed]\nverify:\n  provider: cosign\n  matchOIDCIdentity:\n    - {issuer: ^https://token\\.actions\\.githubusercontent\\.com$, subject: ^https://github\\.com/corp/}\n',
    );
    const keyless = await chartroom(node(), repo.root, ['validate']);
    expect(keyless, keyless.stderr).toMatchObject({ code: 0 });
    expect(keyless.stdout).toMatch(/ok Sigstore trusted root: .*public-good.* \(sha256:[0-9a-f]{64}/);
    await rm(path.join(repo.root, 'registries', 'signed.yaml'));

    const status = await chartroom(node(), repo.root, ['status']);
    expect(status, status.stderr).toMatchObject({ code: 0 });
    expect(status.stdout).toMatch(/harbour/);

    // the version is read from the installed package.json, beside lib/
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await chartroom(node(), repo.root, ['--version'])).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
    });
    expect((await chartroom(node(), repo.root, ['sync', '--help'])).stdout).toMatch(
      /^usage: chartroom sync /,
    );
  }, 180_000);
});
