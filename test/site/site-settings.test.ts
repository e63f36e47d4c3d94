/**
 * chartroom.yaml's `site:` honoured by the built site: title, description, logo, links, the
 * canonical and feed URLs (and the warning and the feeds' note without site.url), the base's
 * precedence, and the three privateRegistries modes on a catalog with one private and one public
 * registry.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { siteInputs } from '../../src/site-build/astro.ts';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { buildCatalogSite, launchChromium, type BuiltSite, type Registry } from './browser.ts';

const SECRET = 'SECRET-README-TEXT-51c2e';
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

let registries: Registry[];
let browser: Browser;
const sites: BuiltSite[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const gamma = await writeOwnChart('gamma');
  const vaulted = await writeOwnChart('vaulted', { schema: true });
  await writeFile(path.join(vaulted.dir, 'README.md'), `# vaulted\n\n${SECRET}\n`);
  registries = [
    { name: 'pub', charts: [{ dir: gamma.dir, name: 'gamma', versions: ['1.0.0'] }] },
    { name: 'vault', charts: [{ dir: vaulted.dir, name: 'vaulted', versions: ['1.0.0', '1.1.0'] }] },
  ];
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const site of sites) await site.close();
});

/** Builds the two registries' site, `vault` marked private in its catalog document, with this chartroom.yaml. */
async function build(settings: string | undefined, serveBase?: string): Promise<BuiltSite> {
  const site = await buildCatalogSite(registries, {
    ...(serveBase ? { serveBase } : {}),
    beforeBuild: async (root) => {
      const doc = path.join(root, 'catalog', 'registries', 'vault.json');
      const registry = JSON.parse(await readFile(doc, 'utf8')) as { private: boolean };
      await writeFile(doc, JSON.stringify({ ...registry, private: true }, null, 2) + '\n');
      if (settings !== undefined) {
        await writeFile(path.join(root, 'logo.svg'), LOGO);
        await writeFile(path.join(root, 'chartroom.yaml'), settings);
      }
    },
  });
  sites.push(site);
  return site;
}

/** Every file of the built site as text, Pagefind's gzipped index and fragments unpacked. */
async function allText(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    let bytes = await readFile(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    out.set(path.relative(dir, file), bytes.toString('latin1'));
  }
  return out;
}

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, out: (line) => lines.push(line), err: (line) => lines.push(line) };
}

const filesContaining = (texts: Map<string, string>, needle: string) =>
  [...texts].filter(([, text]) => text.includes(needle)).map(([file]) => file);

describe('chartroom.yaml on the built site', () => {
  it('the base: --base over CHARTROOM_BASE over site.base over /', async () => {
    const repo = await createTempRepo();
    try {
      await writeFile(path.join(repo.root, 'chartroom.yaml'), 'site:\n  base: from-file\n');
      const saved = process.env.CHARTROOM_BASE;
      try {
        process.env.CHARTROOM_BASE = '/from-env/';
        expect((await siteInputs(repo.root, '/flag/')).base).toBe('/flag/');
        expect((await siteInputs(repo.root, undefined)).base).toBe('/from-env/');
        delete process.env.CHARTROOM_BASE;
        expect((await siteInputs(repo.root, undefined)).base).toBe('/from-file/');
        await writeFile(path.join(repo.root, 'chartroom.yaml'), 'site:\n  title: x\n');
        expect((await siteInputs(repo.root, undefined)).base).toBe('/');
        await writeFile(path.join(repo.root, 'chartroom.yaml'), 'site:\n  tilte: x\n');
        await expect(siteInputs(repo.root, undefined)).rejects.toThrow(
          'chartroom.yaml:2:3: unknown field "tilte": did you mean "title"?',
        );
      } finally {
        if (saved === undefined) delete process.env.CHARTROOM_BASE;
        else process.env.CHARTROOM_BASE = saved;
      }
    } finally {
      await repo.cleanup();
    }
  });

  it('full: every field shown, private content included', async () => {
    const site = await build(
      [
        'site:',
        '  title: Acme charts',
        '  description: Every chart Acme runs',
        '  url: https://acme.example/cat/',
        '  base: /cat/',
        '  logo: logo.svg',
        '  links:',
        '    - title: Acme docs',
        '      url: https://docs.acme.example/',
        '  privateRegistries: full',
        '',
      ].join('\n'),
      '/cat/',
    );
    expect(site.warnings).toEqual([]);
    const home = await readFile(path.join(site.outDir, 'index.html'), 'utf8');
    expect(home).toContain('<title>Helm charts · Acme charts</title>');
    expect(home).toContain('<meta name="description" content="Every chart Acme runs"');
    expect(home).toContain('<link rel="canonical" href="https://acme.example/cat/"');
    expect(home).toContain('href="/cat/charts/vault/vaulted/"');
    const chart = await readFile(path.join(site.outDir, 'charts/pub/gamma/index.html'), 'utf8');
    expect(chart).toContain('<link rel="canonical" href="https://acme.example/cat/charts/pub/gamma/"');
    expect(await readFile(path.join(site.outDir, 'logo.svg'), 'utf8')).toBe(LOGO);
    const feed = await readFile(path.join(site.outDir, 'feed.xml'), 'utf8');
    expect(feed).toContain('<title>Acme charts: New chart versions</title>');
    expect(feed).toContain('<link href="https://acme.example/cat/charts/vault/vaulted/1.1.0/"/>');
    expect(feed).toContain('<link rel="self" href="https://acme.example/cat/feed.xml"/>');
    expect(feed).not.toContain('<subtitle>');
    const registryFeed = await readFile(path.join(site.outDir, 'registries/pub/feed.xml'), 'utf8');
    expect(registryFeed).toContain('<link href="https://acme.example/cat/charts/pub/gamma/1.0.0/"/>');
    const found = filesContaining(await allText(site.outDir), SECRET);
    expect(found).toContain('charts/vault/vaulted/index.html');
    // the search index is read unpacked: what is absent below is absent from search too
    expect(found.filter((file) => file.startsWith('pagefind/')).length).toBeGreaterThan(0);

    const page = await browser.newPage();
    await page.goto(site.url);
    expect(await page.textContent('header .brand')).toContain('Acme charts');
    expect(await page.textContent('h1')).toBe('Acme charts');
    expect(
      await page.$eval(
        'header .brand img.logo',
        (img) => (img as unknown as { naturalWidth: number }).naturalWidth,
      ),
    ).toBe(10);
    expect(await page.getAttribute('header a.site-link', 'href')).toBe('https://docs.acme.example/');
    expect(await page.textContent('header a.site-link')).toBe('Acme docs');
    await page.close();
  }, 180_000);

  it('metadata (the default, no chartroom.yaml): names and versions, no private README, values or schema', async () => {
    const site = await build(undefined);
    expect(site.warnings).toEqual([expect.stringContaining('site.url is not set in chartroom.yaml')]);
    const feed = await readFile(path.join(site.outDir, 'feed.xml'), 'utf8');
    expect(feed).toContain('<subtitle>Links are relative to the site: site.url is not set');
    expect(feed).toContain('<link href="/charts/vault/vaulted/1.1.0/"/>');
    const home = await readFile(path.join(site.outDir, 'index.html'), 'utf8');
    expect(home).toContain('<title>Helm charts · chartroom</title>');
    expect(home).not.toContain('rel="canonical"');
    const texts = await allText(site.outDir);
    expect(filesContaining(texts, SECRET)).toEqual([]);
    expect(filesContaining(texts, 'values of vaulted')).toEqual([]);
    expect(filesContaining(texts, 'A chart for tests.')).toContain('charts/pub/gamma/index.html');
    const chart = texts.get('charts/vault/vaulted/index.html')!;
    expect(chart).toContain('vaulted');
    expect(chart).toContain('1.1.0');
    expect(chart).toContain('hidden by');
    expect(chart).not.toContain('id="values"');
    expect(texts.has('charts/vault/vaulted/1.0.0/index.html')).toBe(true);
    expect(texts.has('charts/vault/vaulted/compare/index.html')).toBe(false);

    // through the CLI: the warning is printed; a bad chartroom.yaml stops the build with exit 2
    const output = capture();
    const out = path.join(site.repo.root, 'cli-dist');
    expect(await main(['--root', site.repo.root, 'site', 'build', '--out', out], output)).toBe(0);
    expect(output.lines).toContainEqual(
      expect.stringMatching(/^warning: site\.url is not set in chartroom\.yaml/),
    );
    await writeFile(path.join(site.repo.root, 'chartroom.yaml'), 'site:\n  privateRegistries: some\n');
    const bad = capture();
    expect(await main(['--root', site.repo.root, 'site', 'build'], bad)).toBe(2);
    expect(bad.lines.join('\n')).toContain(
      'chartroom.yaml:2:22: site.privateRegistries must be full, metadata or hidden',
    );
  }, 180_000);

  it('hidden: the private registry and its charts appear nowhere', async () => {
    const site = await build('site:\n  url: https://acme.example/\n  privateRegistries: hidden\n');
    const texts = await allText(site.outDir);
    expect(filesContaining(texts, 'vaulted')).toEqual([]);
    expect(filesContaining(texts, SECRET)).toEqual([]);
    expect([...texts.keys()].filter((f) => f.includes('vault'))).toEqual([]);
    expect(texts.get('index.html')).toContain('1 charts from 1 registries');
    expect(filesContaining(texts, 'gamma')).toContain('charts/pub/gamma/index.html');
  }, 180_000);
});
