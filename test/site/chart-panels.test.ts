/**
 * The chart page's panels in Chromium, on charts this test writes (panel-charts.ts): dependencies
 * linked to the catalog, images from the annotation and from values.yaml, changes in both
 * annotation forms and CHANGELOG.md, licence, kubeVersion, links, related charts, the schema
 * explorer; a hostile Chart.yaml and CHANGELOG; a private registry under `metadata`; no
 * horizontal scrolling at 390 px; axe.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  buildCatalogSite,
  launchChromium,
  screenshotDir,
  watchPage,
  type BuiltSite,
} from './browser.ts';
import type { Dom, DomElement } from './dom.ts';
import { CHANGELOG_MARK, SECRET_CHANGELOG, panelCharts } from './panel-charts.ts';

let site: BuiltSite;
let browser: Browser;
let shots: string;

beforeAll(async () => {
  browser = await launchChromium();
  const charts = await panelCharts();
  site = await buildCatalogSite(
    [
      { name: 'one', charts: charts.one },
      { name: 'vault', charts: charts.vault },
    ],
    {
      beforeBuild: async (root) => {
        const doc = path.join(root, 'catalog', 'registries', 'vault.json');
        const registry = JSON.parse(await readFile(doc, 'utf8')) as Record<string, unknown>;
        await writeFile(doc, JSON.stringify({ ...registry, private: true }, null, 2) + '\n');
      },
    },
  );
  shots = await screenshotDir('chart-panels');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(route: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: width > 500 ? 900 : 844 } });
  await page.goto(site.url + route);
  return page;
}

const texts = (page: Page, selector: string) =>
  page.$$eval(selector, (els: DomElement[]) =>
    els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
  );

const hrefs = (page: Page, selector: string) =>
  page.$$eval(selector, (els: DomElement[]) => els.map((e) => e.getAttribute('href') ?? ''));

/** How far the page scrolls sideways, and the cells or rows that stick out past their scroll region. */
async function overflow(page: Page): Promise<{ page: number; clipped: string[] }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number }; querySelectorAll(s: string): Iterable<Element> };
      innerWidth: number;
    };
    type Element = {
      getBoundingClientRect(): { left: number; right: number };
      closest(s: string): Element | null;
      textContent: string | null;
    };
    const clipped: string[] = [];
    for (const el of g.document.querySelectorAll('.schema-tree li, .panel-list li, .facts dd')) {
      const box = el.getBoundingClientRect();
      if (box.right > g.innerWidth + 1 || box.left < -1) clipped.push((el.textContent ?? '').slice(0, 60));
    }
    return { page: g.document.documentElement.scrollWidth - g.innerWidth, clipped };
  });
}

describe('the chart page panels', () => {
  it('shows dependencies, linked to the catalog chart and labelled how they were matched', async () => {
    const page = await open('charts/one/panelapp/');
    expect(await texts(page, '#dependencies')).toEqual(['Dependencies (2)']);
    const items = await texts(page, '.dependencies li');
    expect(items[0]).toContain('basedb');
    expect(items[0]).toContain('by name, in one');
    expect(items[0]).toContain('if basedb.enabled');
    expect(items[1]).toContain('redis');
    expect(items[1]).not.toContain('in one');
    expect(await hrefs(page, '.dependencies a')).toEqual(['/charts/one/basedb/']);
    await page.click('.dependencies a');
    await page.waitForURL(/charts\/one\/basedb\/$/);
    expect(await page.textContent('h1')).toBe('basedb');
    await page.close();
  });

  it('shows the annotation images, and values.yaml images labelled as found there', async () => {
    const page = await open('charts/one/panelapp/');
    expect(await texts(page, '.images .image-ref')).toEqual([
      'ghcr.io/example/panelapp:1.2.3',
      'docker.io/library/busybox:1.36',
    ]);
    expect(await texts(page, '.images li')).toContain(
      'ghcr.io/example/panelapp:1.2.3 panelapp (linux/amd64, linux/arm64)',
    );
    expect(await page.locator('.images-source').count()).toBe(0);
    await page.goto(`${site.url}charts/one/basedb/`);
    expect(await texts(page, '.images .image-ref')).toEqual([
      'docker.io/library/postgres:16.1',
      'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
    ]);
    expect(await page.textContent('.images-source')).toContain('Found in values.yaml');
    await page.close();
  });

  it('shows changes in both annotation forms and the CHANGELOG.md, sanitised', async () => {
    const page = await open('charts/one/panelapp/');
    const seen = watchPage(page);
    expect(await texts(page, '.changes li')).toEqual([
      'added A faster queue PR 12',
      'fixed The crash on start',
      'Kind not in the list',
    ]);
    // only the http(s) link of a change is a link
    expect(await hrefs(page, '.changes a')).toEqual(['https://github.com/example/panelapp/pull/12']);
    await page.click('.changelog summary');
    await page.waitForSelector('.changelog-body[data-loaded=yes]');
    expect(await page.textContent('.changelog-body')).toContain(CHANGELOG_MARK);
    expect(await page.locator('.changelog-body script').count()).toBe(0);
    expect((await hrefs(page, '.changelog-body a')).filter((h) => !/^(https?:|#|mailto:)/.test(h))).toEqual(
      [],
    );
    expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned)).toBeUndefined();
    expect(seen).toEqual({ dialogs: [], errors: [] });
    await page.goto(`${site.url}charts/one/basedb/`);
    expect(await texts(page, '.changes li')).toEqual(['Plain string change one', 'Plain string change two']);
    // a version page shows its own version's changes
    await page.goto(`${site.url}charts/one/panelapp/0.0.1/`);
    expect(await page.textContent('#changes')).toBe('Changes in 0.0.1');
    await page.close();
  });

  it('shows licence, Kubernetes version, links and related charts', async () => {
    const page = await open('charts/one/panelapp/');
    expect(await page.textContent('.fact-license')).toBe('Apache-2.0');
    expect(await page.textContent('.fact-kube')).toBe('>=1.25.0-0');
    expect(await hrefs(page, '.fact-links a')).toEqual(['https://docs.example.com/panelapp']);
    expect(await texts(page, '.related li a')).toEqual(['basedb']);
    expect(await texts(page, '.page-nav a')).toEqual(
      expect.arrayContaining(['Dependencies', 'Images', 'Changes', 'Related']),
    );
    await page.close();
  });

  it('explores the values schema: nested objects open and close, with types, defaults, required', async () => {
    const page = await open('charts/one/panelapp/');
    const top = await texts(page, '.schema-explorer > .schema-tree > li > details > summary');
    expect(top[0]).toMatch(/^server object required 2 properties$/);
    expect(top[1]).toMatch(/^extraContainers array of object 1 property$/);
    // the $ref of server.port is resolved: its type, default and description
    const port = page.locator('.schema-leaf', { hasText: 'The listening port' });
    expect(await port.locator('.schema-type').textContent()).toBe('integer');
    expect(await port.locator('.schema-default code').textContent()).toBe('8080');
    expect(await port.locator('.schema-desc').textContent()).toBe('The listening port');
    expect(await port.locator('.badge').count()).toBe(0);
    // nested levels start closed and open on a click
    const tls = page
      .locator('summary', { has: page.locator('.schema-name', { hasText: /^tls$/ }) })
      .locator('..');
    expect(await tls.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    await tls.locator('summary').first().click();
    expect(await tls.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    expect(await page.locator('.schema-leaf', { hasText: 'Serve over TLS' }).isVisible()).toBe(true);
    await page.close();
  });

  it('lets a README table scroll in its own region rather than squeezing its cells', async () => {
    const page = await open('charts/one/panelapp/');
    const widths = await page.$$eval('.readme .table-scroll td', (tds: DomElement[]) =>
      tds.map(
        (td) =>
          (td as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width,
      ),
    );
    expect(widths.length).toBe(12);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(90);
    expect(await page.getAttribute('.readme .table-scroll', 'tabindex')).toBe('0');
    await page.close();
  });

  it('reads well at 390 px: no page scroll, no clipped panel row', async () => {
    for (const route of ['charts/one/panelapp/', 'charts/one/panelapp/0.0.1/', 'charts/one/basedb/']) {
      const page = await open(route, 390);
      await page.$$eval('.schema-tree details', (ds: DomElement[]) => {
        for (const d of ds) (d as unknown as { open: boolean }).open = true;
      });
      expect(await overflow(page), route).toEqual({ page: 0, clipped: [] });
      await page.close();
    }
  });

  it('survives a hostile Chart.yaml: escaped, capped, noted, nothing runs', async () => {
    const page = await open('charts/one/hostilepanels/');
    const seen = watchPage(page);
    await page.waitForLoadState('load');
    expect(await page.textContent('.fact-license')).toBe("<img src=x onerror=window.__pwned='license'>");
    expect(await page.textContent('.fact-kube')).toBe('<b onmouseover=window.__pwned=1>1.2</b>');
    expect(await page.locator('.dependencies li').count()).toBe(100);
    expect(await page.locator('.fact-links').count()).toBe(0);
    expect(await page.locator('#images').count()).toBe(0);
    const notes = (await texts(page, '.panels > .banner')).join('\n');
    expect(notes).toContain('artifacthub.io/changes could not be read');
    expect(await page.locator('.panels img, .panels script, .facts img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned)).toBeUndefined();
    expect(seen).toEqual({ dialogs: [], errors: [] });
    await page.close();
  });

  it('shows a private chart under metadata without anything from its files', async () => {
    const page = await open('charts/vault/secretapp/');
    expect(await page.textContent('.fact-license')).toBe('MIT');
    expect(await page.textContent('.fact-kube')).toBe('>=1.28.0');
    expect(await texts(page, '.dependencies li a')).toEqual(['basedb']);
    expect(await page.locator('#images, #changes, .changelog').count()).toBe(0);
    await page.close();
    for (const entry of await readdir(site.outDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.pf_fragment') || entry.name.endsWith('.pf_index'))
        continue;
      const text = await readFile(path.join(entry.parentPath, entry.name), 'latin1');
      expect(text.includes(SECRET_CHANGELOG) || text.includes('registry.internal/secret'), entry.name).toBe(
        false,
      );
    }
  });

  it('has no serious accessibility violation, and saves screenshots', async () => {
    for (const [width, size] of [
      [1280, 'desktop'],
      [390, 'phone'],
    ] as const) {
      for (const route of ['charts/one/panelapp/', 'charts/one/basedb/', 'charts/one/hostilepanels/']) {
        const page = await open(route, width);
        await page.$$eval('details', (ds: DomElement[]) => {
          for (const d of ds) (d as unknown as { open: boolean }).open = true;
        });
        await page.waitForFunction(
          () => !(globalThis as unknown as Dom).document.querySelector('[aria-busy]'),
        );
        expect(await axeViolations(page), `${route} ${size}`).toEqual([]);
        if (route === 'charts/one/panelapp/')
          await page.screenshot({ path: path.join(shots, `chart-panels-${size}.png`), fullPage: true });
        await page.close();
      }
    }
  }, 120_000);
});
