/**
 * The chart browser, built by `chartroom site build` from a catalog synced from charts this test
 * writes, served on loopback and driven in Debian's Chromium.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { CatalogRegistry } from '../../src/catalog/types.ts';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  buildCatalogSite,
  launchChromium,
  resultNames,
  screenshotDir,
  search,
  watchPage,
  type BuiltSite,
} from './browser.ts';
import {
  HOSTILE_KEYWORD,
  HOSTILE_SCHEMA_DESCRIPTION,
  HOSTILE_VALUES,
  MODERN_ICON,
  ownSiteCharts,
} from './own-site-charts.ts';
import type { Dom, DomElement } from './dom.ts';

let site: BuiltSite;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  const charts = await ownSiteCharts();
  site = await buildCatalogSite(
    [
      { name: 'own', charts: charts.own },
      { name: 'other', charts: charts.other },
    ],
    { beforeBuild: recordFailures },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(route: string): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage();
  const seen = watchPage(page);
  await page.goto(site.url + route);
  return { page, seen };
}

async function validate(page: Page, values: string): Promise<{ state: string; text: string }> {
  await page.fill('#values-input', values);
  await page.click('form.values-form button[type=submit]');
  await page.waitForFunction(
    () => {
      const state = (globalThis as unknown as Dom).document.querySelector('[data-validation]')?.dataset.state;
      return state !== undefined && state !== 'running';
    },
    undefined,
    { timeout: 10_000 },
  );
  return page.$eval('[data-validation]', (el: DomElement) => ({
    state: el.dataset.state ?? '',
    text: el.textContent ?? '',
  }));
}

/** What a failing sync leaves in the catalog (see the catalog format): shown on the registry page. */
async function recordFailures(root: string): Promise<void> {
  const file = path.join(root, 'catalog', 'registries', 'other.json');
  const doc = JSON.parse(await readFile(file, 'utf8')) as CatalogRegistry;
  doc.error = { code: 'Timeout', message: 'connection timed out: GET https://charts.example/index.yaml' };
  doc.failedVersions = [
    {
      chart: 'beta',
      version: '0.3.0',
      code: 'DigestMismatch',
      message: 'digest mismatch for beta-0.3.0.tgz',
      attempts: 3,
      firstFailure: '2026-11-20T10:00:00.000Z',
      lastFailure: '2026-11-22T10:00:00.000Z',
      nextRetry: '2026-11-24T10:00:00.000Z',
      gaveUp: false,
    },
  ];
  await writeFile(file, JSON.stringify(doc, null, 2));
}

describe('the built site', () => {
  it('has a page for every registry, chart and kept version, feeds and a Pagefind index', async () => {
    const out = site.outDir;
    for (const file of [
      'index.html',
      '404.html',
      'registries/own/index.html',
      'registries/other/index.html',
      'charts/own/alpha/index.html',
      'charts/own/alpha/1.0.0/index.html',
      'charts/own/alpha/2.0.0/index.html',
      'charts/own/alpha/compare/index.html',
      'charts/other/beta/index.html',
      'feed.xml',
      'registries/own/feed.xml',
      'pagefind/pagefind.js',
    ]) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
    // each distinct values.yaml, schema and README is written once, however many versions share it
    const content = await readdir(path.join(out, 'content'));
    expect(content.filter((f) => f.endsWith('.yaml'))).toHaveLength(7);
    expect(content.filter((f) => f.endsWith('.json'))).toHaveLength(5);
    expect(content.filter((f) => f.endsWith('.readme.html.txt'))).toHaveLength(6);
    // version pages are not indexed for search: only chart pages carry data-pagefind-body
    expect(await readFile(path.join(out, 'charts/own/alpha/index.html'), 'utf8')).toContain(
      'data-pagefind-body',
    );
    expect(await readFile(path.join(out, 'charts/own/alpha/1.0.0/index.html'), 'utf8')).not.toContain(
      'data-pagefind-body',
    );

    const feed = await readFile(path.join(out, 'feed.xml'), 'utf8');
    expect(feed).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/,
    );
    expect(feed).toContain('<title>own/alpha 2.0.0</title>');
    expect(feed).toContain('<title>other/beta 0.2.0</title>');
    const ownFeed = await readFile(path.join(out, 'registries/own/feed.xml'), 'utf8');
    expect(ownFeed).toContain('<title>own/alpha 2.0.0</title>');
    expect(ownFeed).not.toContain('beta');
    // chart text in the feed is escaped
    expect(feed).not.toContain('<img src=x');
  });

  it('search finds a chart by a word from its README, and the filters narrow the results', async () => {
    const { page, seen } = await open('');
    expect((await search(page, 'lighthouse')).sort()).toEqual(['alpha', 'beta']);
    const first = await page.$eval('#search-results .result', (li: DomElement) => ({
      registry: li.querySelector('.result-registry')?.textContent,
      version: li.querySelector('.result-version')?.textContent,
      description: li.querySelector('.result-description')?.textContent,
    }));
    expect(first.registry).toMatch(/^(own|other)$/);
    expect(first.version).toMatch(/^(2\.0\.0|0\.2\.0)$/);
    expect(first.description).toMatch(/^The (alpha|beta) test chart$/);

    await page.selectOption('select[name=registry]', 'other');
    await page.waitForFunction(
      () => (globalThis as unknown as Dom).document.querySelectorAll('#search-results .result').length === 1,
    );
    expect(await resultNames(page)).toEqual(['beta']);
    expect(new URL(page.url()).searchParams.get('registry')).toBe('other');

    await page.selectOption('select[name=registry]', '');
    await page.selectOption('select[name=deprecated]', 'no');
    await page.waitForFunction(
      () => (globalThis as unknown as Dom).document.querySelectorAll('#search-results .result').length === 1,
    );
    expect(await resultNames(page)).toEqual(['alpha']);

    // a keyword filter alone, from a link on a chart page: no text, so the browse page, filtered
    await page.goto(`${site.url}?keyword=modern`);
    await page.waitForURL((u) => u.pathname.endsWith('/charts/'));
    expect(new URL(page.url()).searchParams.get('keyword')).toBe('modern');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('the chart page shows the README, values, schema table, versions and install snippets', async () => {
    const { page, seen } = await open('charts/own/alpha/');
    expect(await page.textContent('h1')).toBe('alpha');
    expect(await page.textContent('.readme')).toContain('The alpha chart guides ships like a lighthouse.');
    expect(
      await page.$$eval('.readme table td', (cells: DomElement[]) => cells.map((c) => c.textContent)),
    ).toEqual(['replicas', 'pods']);
    // values.yaml of the latest version, highlighted
    expect(await page.textContent('.values')).toContain('extra: true');
    expect(await page.locator('.values pre.yaml .y-k').count()).toBe(4);
    expect(await page.locator('.values pre.yaml .y-c').count()).toBe(1);
    // the schema as a table
    const rows = await page.$$eval('.schema-table tbody tr', (trs: DomElement[]) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(rows).toEqual([
      ['replicasrequired', 'integer', '1', 'How many pods run'],
      ['image', 'object', '', ''],
      ['image.tag', 'string', '', 'The image tag'],
    ]);
    expect(await page.textContent('#schema + p')).toContain('JSON Schema draft-07');
    // every version, with appVersion, created, digest
    const versions = await page.$$eval('.versions-table tbody tr', (trs: DomElement[]) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(versions.map((v) => v[0])).toEqual(['2.0.0latest', '1.1.0', '1.0.0']);
    for (const v of versions) {
      expect(v[1]).toBe('1.0');
      expect(v[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      expect(v[3]).toMatch(/^sha256:[0-9a-f]{12}…$/);
    }
    // install snippets for the latest version
    const snippets = await page.$$eval('[data-snippet]', (codes: DomElement[]) =>
      codes.map((c) => c.textContent ?? ''),
    );
    expect(snippets).toHaveLength(3);
    expect(snippets[0]).toContain(`helm repo add own ${site.repo.root ? '' : ''}`);
    expect(snippets[0]).toMatch(/helm install alpha own\/alpha --version 2\.0\.0$/);
    expect(snippets[1]).toContain('kind: HelmRepository');
    expect(snippets[1]).toContain('kind: HelmRelease');
    expect(snippets[1]).toContain('version: "2.0.0"');
    expect(snippets[2]).toContain('kind: Application');
    expect(snippets[2]).toContain('targetRevision: "2.0.0"');
    expect(await page.locator('button[data-copy]').count()).toBe(3);
    expect(seen.errors).toEqual([]);
    const shots = await screenshotDir('site');
    await page.screenshot({ path: path.join(shots, 'chart.png'), fullPage: true });
    await page.close();
  });

  it('install snippets are tabs a keyboard can move through, with copy buttons that copy', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`${site.url}charts/own/alpha/`);
    const visible = () =>
      page.$$eval('.snippets [role=tabpanel]', (panels: DomElement[]) =>
        panels.filter((p) => !p.hidden).map((p) => p.id),
      );
    expect(await visible()).toEqual(['panel-helm-repo']);
    await page.click('#tab-flux');
    expect(await visible()).toEqual(['panel-flux']);
    await page.keyboard.press('ArrowRight');
    expect(await visible()).toEqual(['panel-argocd']);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.id)).toBe(
      'tab-argocd',
    );
    await page.click('#panel-argocd button[data-copy]');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as Dom).document.querySelector('#panel-argocd button[data-copy]')
          ?.textContent === 'Copied',
    );
    expect(await page.evaluate(() => (globalThis as unknown as Dom).navigator.clipboard.readText())).toBe(
      await page.textContent('#code-argocd'),
    );
    await context.close();
  });

  it('version pages show that version and say which is latest; compare shows the values changes', async () => {
    const { page } = await open('charts/own/alpha/1.0.0/');
    expect(await page.textContent('.banner.warn')).toContain('You are looking at version 1.0.0');
    // the README and values of a version page are the shared fragments, fetched
    await page.waitForSelector('.values[data-loaded=yes] pre.yaml');
    expect(await page.textContent('.values')).toContain('tag: "1.0"');
    await page.waitForSelector('.readme[data-loaded=yes]');
    expect(await page.textContent('.readme')).toContain('The alpha chart guides ships like a lighthouse.');
    expect(await page.textContent('[data-snippet=helm-repo]')).toContain('--version 1.0.0');

    await page.goto(`${site.url}charts/own/alpha/compare/`);
    await page.waitForFunction(() =>
      /lines added/.test(
        (globalThis as unknown as Dom).document.getElementById('compare-status')?.textContent ?? '',
      ),
    );
    expect(
      await page.$$eval('#compare-output .add', (s: DomElement[]) => s.map((x) => x.textContent)),
    ).toEqual(['+ replicas: 2', '+   tag: "2.0"', '+ extra: true']);
    expect(
      await page.$$eval('#compare-output .del', (s: DomElement[]) => s.map((x) => x.textContent)),
    ).toEqual(['- replicas: 1', '-   tag: "1.0"']);
    await page.close();
  });

  it('the values form rejects values that break the schema and accepts valid ones (draft-07 via schema#)', async () => {
    const { page, seen } = await open('charts/own/alpha/');
    const bad = await validate(page, 'replicas: many\n');
    expect(bad.state).toBe('invalid');
    expect(bad.text).toContain('/replicas: must be integer');
    expect((await validate(page, 'replicas: 0\n')).text).toContain('/replicas: must be >= 1');
    expect((await validate(page, 'replicas: 3\nimage:\n  tag: "3.1"\n')).state).toBe('valid');
    // merged over the defaults, as Helm does: the default replicas satisfies `required`
    expect((await validate(page, 'image:\n  tag: "3.1"\n')).state).toBe('valid');
    expect((await validate(page, 'replicas: [1\n')).state).toBe('yaml-error');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('reads 2020-12 schemas as 2020-12 and tolerates unknown keywords', async () => {
    const { page } = await open('charts/own/modern/');
    expect(await page.textContent('#schema + p')).toContain('JSON Schema 2020-12');
    expect((await validate(page, 'port: 70000\n')).text).toContain('/port: must be <= 65535');
    expect((await validate(page, 'port: 443\nhosts: [a.example]\n')).state).toBe('valid');
    expect((await validate(page, 'hosts: [42]\n')).text).toContain('/hosts/0: must be string');
    await page.close();
  });

  it('a schema that cannot compile says so, and the rest of the page works', async () => {
    const { page, seen } = await open('charts/own/broken/');
    const result = await validate(page, 'a: 2\n');
    expect(result.state).toBe('schema-error');
    expect(result.text).toContain('cannot be compiled');
    expect(await page.textContent('.readme')).toContain('Its schema cannot compile.');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('a catastrophic pattern does not hang the page: validation runs in a worker with a time limit', async () => {
    const { page } = await open('charts/own/regex/');
    const started = Date.now();
    const result = await validate(page, `name: "${'a'.repeat(40)}!"\n`);
    // V8 backtracks here for far longer than the limit; the worker is stopped after 3 s
    expect(result.state).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    // and the form works again afterwards, with a fresh worker
    expect((await validate(page, 'name: aaa\n')).state).toBe('valid');
    await page.close();
  });

  it.each([
    ['chart page', 'charts/own/hostile/'],
    ['version page (README fetched as a fragment)', 'charts/own/hostile/0.1.0/'],
  ])('a hostile README, icon, links and metadata run no script: %s', async (_name, route) => {
    const { page, seen } = await open(route);
    await page.waitForLoadState('load');
    await page.waitForSelector('.readme:not([data-loaded=pending]) h1');
    const readme = page.locator('.readme');
    expect(await readme.textContent()).toContain('A chart whose README tries everything.');
    // clicking what is left of the links and the paragraph does nothing
    for (const text of ['javascript link', 'html javascript link', 'data link', 'click me']) {
      const target = readme.getByText(text, { exact: true });
      if ((await target.count()) > 0)
        await target
          .first()
          .click({ timeout: 2_000 })
          .catch(() => undefined);
    }
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned)).toBeUndefined();
    expect(seen.dialogs).toEqual([]);
    expect(page.url()).toBe(site.url + route);
    // and the DOM holds none of it
    const dom = await page.evaluate(() => {
      const all = [...(globalThis as unknown as Dom).document.querySelectorAll('main *')];
      return {
        // the site's own scripts are bundled files; nothing inline, nothing from the chart
        scripts: [
          ...(globalThis as unknown as Dom).document.querySelectorAll('script:not([src])'),
          ...(globalThis as unknown as Dom).document.querySelectorAll(
            '.readme script, .readme iframe, .readme svg, .readme form, .readme object',
          ),
        ].map((el) => el.outerHTML.slice(0, 120)),
        handlers: all.flatMap((el) =>
          [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name),
        ),
        urls: all
          .flatMap((el) => [el.getAttribute('href'), el.getAttribute('src')])
          .filter((u): u is string => u !== null && !/^(https?:|\/|#|mailto:)/.test(u)),
        styles: (globalThis as unknown as Dom).document.querySelectorAll('.readme [style]').length,
      };
    });
    expect(dom).toEqual({ scripts: [], handlers: [], urls: [], styles: 0 });
    expect(await page.locator('.readme a[href="https://example.com/ok"]').count()).toBe(1);
    // the icon (an SVG data: URL with onload) and home (javascript:) became neither an image nor a link
    expect(await page.locator('img.chart-icon').count()).toBe(0);
    expect(await page.locator('.chart-head svg').count()).toBe(0);
    expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
    // the description, keyword, maintainer, values.yaml and schema with markup are shown as text
    expect(await page.textContent('.description')).toBe("<img src=x onerror=window.__pwned='description'>");
    expect(await page.locator('.keywords a', { hasText: HOSTILE_KEYWORD }).count()).toBe(1);
    expect(await page.textContent('.facts')).toContain('<img src=x onerror=window.__pwned=1>');
    await page.waitForSelector('.values pre.yaml');
    expect(await page.textContent('.values pre.yaml')).toBe(HOSTILE_VALUES.replace(/\n$/, ''));
    expect(
      await page.$$eval('.schema-table tbody td', (tds: DomElement[]) =>
        tds.map((td) => td.textContent?.trim()),
      ),
    ).toContain(HOSTILE_SCHEMA_DESCRIPTION);
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as Dom).document.querySelectorAll(
            '.values script, .values img, .schema-table img',
          ).length,
      ),
    ).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned)).toBeUndefined();
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('a chart icon is an <img>, never inline SVG, even when it is an SVG over https', async () => {
    const { page } = await open('charts/own/modern/');
    expect(await page.locator(`.chart-head img.chart-icon[src="${MODERN_ICON}"]`).count()).toBe(1);
    expect(await page.locator('.chart-head svg, .chart-head object, .chart-head embed').count()).toBe(0);
    await page.close();
  });

  it('searching for the hostile chart shows its text as text and runs none of it', async () => {
    const { page, seen } = await open('');
    expect(await search(page, 'tries everything')).toEqual(['hostile']);
    expect(await page.textContent('#search-results .result-description')).toBe(
      "<img src=x onerror=window.__pwned='description'>",
    );
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as Dom).document.querySelectorAll(
            '#search-results img, #search-results script',
          ).length,
      ),
    ).toBe(0);
    // the keyword filter offers the hostile keyword as an option's text
    expect(await page.locator('select[name=keyword] option', { hasText: HOSTILE_KEYWORD }).count()).toBe(1);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned)).toBeUndefined();
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('a registry page lists its charts and status', async () => {
    const { page } = await open('registries/own/');
    expect(await page.textContent('h1')).toBe('own');
    expect(await page.textContent('.facts')).toContain('HTTP chart repository');
    expect(await page.textContent('.facts')).toContain('in sync');
    expect((await page.$$eval('.card h3', (h: DomElement[]) => h.map((x) => x.textContent))).sort()).toEqual([
      'alpha',
      'broken',
      'hostile',
      'modern',
      'regex',
    ]);
    await page.close();
  });

  it('a registry page shows a failing sync, its error and the failed versions with attempts and next retry', async () => {
    const { page } = await open('registries/other/');
    expect(await page.textContent('.facts')).toContain('failing');
    expect(await page.textContent('.banner.bad')).toContain(
      'The last sync failed (Timeout). connection timed out: GET https://charts.example/index.yaml',
    );
    const rows = await page.$$eval('#failed-title + div tbody tr', (trs: DomElement[]) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(rows).toEqual([
      [
        'beta',
        '0.3.0',
        'DigestMismatch digest mismatch for beta-0.3.0.tgz',
        '3',
        '2026-11-22 10:00 UTC',
        '2026-11-24 10:00 UTC',
      ],
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('has no serious or critical accessibility violations on home, registry and chart pages', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const route of ['', 'registries/own/', 'charts/own/alpha/', 'charts/other/beta/']) {
        const page = await browser.newPage({ colorScheme });
        await page.goto(site.url + route);
        expect(await axeViolations(page), `${route || 'home'} (${colorScheme})`).toEqual([]);
        await page.close();
      }
    }
  });

  it('reads well on a phone: no horizontal scrolling on the chart page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${site.url}charts/own/alpha/`);
    const overflow = await page.evaluate(
      () =>
        (globalThis as unknown as Dom).document.documentElement.scrollWidth -
        (globalThis as unknown as Dom).window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});
