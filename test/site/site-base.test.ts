/**
 * `chartroom site build --base /catalog/` (GitHub Pages project sites): every link, the search
 * index, the raw files and the feeds live under the sub-path. Also: the CLI's errors.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { buildCatalogSite, launchChromium, search, type BuiltSite } from './browser.ts';
import type { Dom } from './dom.ts';

let site: BuiltSite;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  const chart = await writeOwnChart('gamma', { schema: true });
  site = await buildCatalogSite(
    [{ name: 'sub', charts: [{ dir: chart.dir, name: 'gamma', versions: ['1.0.0', '1.1.0'] }] }],
    {
      base: '/catalog/',
    },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, out: (line) => lines.push(line), err: (line) => lines.push(line) };
}

describe('a site built under a base path', () => {
  it('links, scripts and styles all stay under the base path', async () => {
    expect(site.url).toMatch(/\/catalog\/$/);
    const html = await readFile(path.join(site.outDir, 'charts/sub/gamma/index.html'), 'utf8');
    const urls = [...html.matchAll(/(?:href|src|data-schema|data-defaults)="(\/[^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((u) => !u.startsWith('/catalog/'))).toEqual([]);
    const feed = await readFile(path.join(site.outDir, 'feed.xml'), 'utf8');
    expect(feed).toContain('<link href="/catalog/charts/sub/gamma/1.1.0/"/>');
  });

  it('search, the chart page and the values form work under it', async () => {
    const page = await browser.newPage();
    await page.goto(site.url);
    expect(await search(page, 'gamma')).toEqual(['gamma']);
    await page.click('#search-results .result h3 a');
    await page.waitForURL(/\/catalog\/charts\/sub\/gamma\/$/);
    await page.fill('#values-input', 'replicas: lots\n');
    await page.click('form.values-form button[type=submit]');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as Dom).document.querySelector('[data-validation]')?.dataset.state ===
        'invalid',
    );
    await page.close();
  });
});

describe('chartroom site', () => {
  it('says there is no catalog to build, and how to get one', async () => {
    const repo = await createTempRepo();
    try {
      // a folder that is no catalog repository at all: init it, or another --root
      const bare = capture();
      expect(await main(['--root', repo.root, 'site', 'build'], bare)).toBe(2);
      expect(bare.lines.join('\n')).toContain('run chartroom init there, or pass --root DIR');
      // a catalog repository that has not synced yet
      await repo.writeRegistry('later', 'url: https://charts.example.org\n');
      const output = capture();
      expect(await main(['--root', repo.root, 'site', 'build'], output)).toBe(1);
      expect(output.lines.join('\n')).toMatch(/no catalog in .*catalog\.json does not exist/);
      expect(output.lines.join('\n')).toContain('run `chartroom sync` first');
    } finally {
      await repo.cleanup();
    }
  });

  it('leaves out a chart whose chart.json fails its schema, and a registry whose file has conflict markers, naming each; the rest is built', async () => {
    const repo = await createTempRepo();
    try {
      const catalog = path.join(repo.root, 'catalog');
      const chart = (name: string, registry: string) => ({
        name,
        registry,
        sources: [],
        keywords: [],
        maintainers: [],
        deprecated: false,
        versions: [],
      });
      const writeChart = async (registry: string, name: string, doc: unknown) => {
        await mkdir(path.join(catalog, 'charts', registry, name), { recursive: true });
        await writeFile(path.join(catalog, 'charts', registry, name, 'chart.json'), JSON.stringify(doc));
      };
      await mkdir(path.join(catalog, 'registries'), { recursive: true });
      await writeFile(path.join(catalog, 'catalog.json'), '{"formatVersion": 1}\n');
      await writeChart('own', 'alpha', { ...chart('alpha', 'own'), versions: {} });
      await writeChart('own', 'beta', chart('beta', 'own'));
      await writeFile(
        path.join(catalog, 'registries', 'two.json'),
        '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> theirs\n',
      );
      await writeChart('two', 'gamma', chart('gamma', 'two'));
      const output = capture();
      expect(await main(['--root', repo.root, 'site', 'build'], output)).toBe(0);
      const text = output.lines.join('\n');
      expect(text).toContain(
        'warning: catalog/charts/own/alpha/chart.json left out of the site: catalog/charts/own/alpha/chart.json does not match its schema (schemas/catalog-chart.schema.json): versions must be array',
      );
      expect(text).toMatch(
        /warning: catalog\/registries\/two\.json left out of the site: catalog\/registries\/two\.json does not parse/,
      );
      const dist = path.join(repo.root, 'dist');
      expect(existsSync(path.join(dist, 'charts', 'own', 'beta', 'index.html'))).toBe(true);
      expect(existsSync(path.join(dist, 'charts', 'own', 'alpha'))).toBe(false);
      // whether registry two is private is in the file that cannot be read: none of it is shown
      expect(existsSync(path.join(dist, 'charts', 'two'))).toBe(false);
      expect(await readFile(path.join(dist, 'index.html'), 'utf8')).not.toContain('gamma');
    } finally {
      await repo.cleanup();
    }
  });

  it('refuses unknown subcommands and options with exit code 2', async () => {
    const output = capture();
    expect(await main(['site', 'publish'], output)).toBe(2);
    expect(output.lines[0]).toContain('unknown site subcommand "publish"');
    expect(await main(['site', 'build', '--port', '80'], capture())).toBe(2);
    expect(await main(['site', 'dev', '--port', 'x'], capture())).toBe(2);
  });
});
