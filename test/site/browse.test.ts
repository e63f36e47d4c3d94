/**
 * The browse pages, built for real and driven in Chromium: `charts/` (every chart) and
 * `charts/<registry>/`, static in name order and paginated without JavaScript; sorted (name,
 * last updated, both ways), filtered (registry, keyword, deprecated, signature) and paginated
 * over the Pagefind index with it; a hidden private registry appears nowhere. 27 public charts:
 * `north` holds mango, apple, kiwi (deprecated) and fill-01..fill-22, `south` banana and cherry;
 * dated one day apart in that order, so by last update cherry is newest and mango oldest; apple
 * is signed and verified, the others checked and unsigned.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogChart } from '../../src/catalog/types.ts';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { axeViolations, buildCatalogSite, launchChromium, screenshotDir, type BuiltSite } from './browser.ts';
import type { Dom, DomElement } from './dom.ts';

const FILLERS = Array.from({ length: 22 }, (_, i) => `fill-${String(i + 1).padStart(2, '0')}`);
const BY_NAME = ['apple', 'banana', 'cherry', ...FILLERS, 'kiwi', 'mango'];
const BY_UPDATE = ['mango', 'apple', 'kiwi', ...FILLERS, 'banana', 'cherry'].reverse();

let site: BuiltSite;
let browser: Browser;

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

async function chart(
  name: string,
  extra: { fruit?: boolean; deprecated?: boolean; description?: string } = {},
) {
  const own = await writeOwnChart(name, { readme: false });
  const keywords = extra.fruit ? `[test, fruit]` : `[test, ${name}]`;
  const yaml = `apiVersion: v2\nname: ${name}\ndescription: ${JSON.stringify(extra.description ?? `The ${name} chart`)}\nversion: 0.0.1\nkeywords: ${keywords}\n${extra.deprecated ? 'deprecated: true\n' : ''}`;
  await writeFile(path.join(own.dir, 'Chart.yaml'), yaml);
  return { dir: own.dir, name, versions: ['0.0.1'] };
}

async function editChart(
  root: string,
  registry: string,
  name: string,
  edit: (doc: CatalogChart) => CatalogChart,
) {
  const file = path.join(root, 'catalog', 'charts', registry, name, 'chart.json');
  const doc = JSON.parse(await readFile(file, 'utf8')) as CatalogChart;
  await writeFile(file, `${JSON.stringify(edit(doc), null, 2)}\n`);
}

beforeAll(async () => {
  const north = [
    await chart('mango'),
    await chart('apple', { fruit: true }),
    await chart('kiwi', { fruit: true, deprecated: true }),
    ...(await Promise.all(FILLERS.map((name) => chart(name)))),
  ];
  const south = [
    await chart('banana', { fruit: true }),
    await chart('cherry', { description: `${HOSTILE} cherries` }),
  ];
  site = await buildCatalogSite(
    [
      { name: 'north', charts: north },
      { name: 'south', charts: south },
      { name: 'vault', charts: [await chart('secret-chart', { fruit: true })] },
    ],
    {
      beforeBuild: async (root) => {
        // apple signed and verified, as the sync records it (the sync checked every other, unsigned)
        const sign = (signatures: CatalogChart['versions'][number]['signatures']) => (doc: CatalogChart) => ({
          ...doc,
          versions: doc.versions.map((v) => ({ ...v, signatures })),
        });
        await editChart(root, 'north', 'apple', sign([{ kind: 'helm', verified: true, signer: 'Fruit Co' }]));
        // each repository dates its charts from the same day: one day apart across both instead
        for (const [i, name] of [...BY_UPDATE].reverse().entries()) {
          const created = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString();
          const registry = name === 'banana' || name === 'cherry' ? 'south' : 'north';
          await editChart(root, registry, name, (doc) => ({
            ...doc,
            updated: created,
            versions: doc.versions.map((v) => ({ ...v, created })),
          }));
        }
        const vault = path.join(root, 'catalog', 'registries', 'vault.json');
        const doc = JSON.parse(await readFile(vault, 'utf8')) as { private: boolean };
        await writeFile(vault, JSON.stringify({ ...doc, private: true }, null, 2) + '\n');
        await writeFile(path.join(root, 'chartroom.yaml'), 'site:\n  privateRegistries: hidden\n');
      },
    },
  );
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(pathAndQuery: string, options: { js?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: options.js ?? true,
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(`${site.url}${pathAndQuery}`);
  return page;
}

/** the chart names shown, once the status line says the list is settled */
async function shown(page: Page): Promise<string[]> {
  await page.waitForFunction(() => {
    const status = (globalThis as unknown as Dom).document.querySelector('.browse-status')?.textContent ?? '';
    // a URL with a query is the browser's list ("… match"), else the static one
    const dom = globalThis as unknown as Dom & { location: { search: string } };
    return (
      status !== '' && !status.includes('Loading') && (dom.location.search === '' || status.includes('match'))
    );
  });
  return page.$$eval('.browse-list .card h3 a', (links: DomElement[]) =>
    links.map((a) => a.textContent ?? ''),
  );
}

const status = (page: Page) => page.textContent('.browse-status');

describe('the browse pages without JavaScript', () => {
  it('lists every chart in name order, 24 a page, with links to the static pages', async () => {
    const page = await open('charts/', { js: false });
    expect(await shown(page)).toEqual(BY_NAME.slice(0, 24));
    expect(await status(page)).toContain('27 charts');
    expect(await page.isVisible('form.browse-form')).toBe(false);
    const next = await page.getAttribute('.pager a[rel=next]', 'href');
    expect(next).toMatch(/\/charts\/_page\/2\/$/);
    await page.click('.pager a[rel=next]');
    expect(await shown(page)).toEqual(BY_NAME.slice(24));
    expect(await page.textContent('.pager [aria-current=page]')).toBe('2');
    await page.context().close();
  });

  it("lists a registry's charts on its own page, linked from the registry's page", async () => {
    const page = await open('registries/north/', { js: false });
    const link = await page.getAttribute('a[href$="/charts/north/"]', 'href');
    expect(link).toBeTruthy();
    await page.goto(new URL(link!, page.url()).href);
    const north = BY_NAME.filter((n) => n !== 'banana' && n !== 'cherry');
    expect(await shown(page)).toEqual(north.slice(0, 24));
    expect(await page.$('.browse-list .card .badge:text-is("north")')).toBeNull();
    await page.click('.pager a[rel=next]');
    expect(page.url()).toMatch(/\/charts\/north\/_page\/2\/$/);
    expect(await shown(page)).toEqual(north.slice(24));
    await page.context().close();
  });
});

describe('sorting and filters', () => {
  it.each([
    ['name-desc', [...BY_NAME].reverse()],
    ['updated', BY_UPDATE],
    ['updated-asc', [...BY_UPDATE].reverse()],
    ['name', BY_NAME],
  ])('sorts by %s, read from the URL', async (sort, order) => {
    const page = await open(`charts/?sort=${sort}`);
    expect(await shown(page)).toEqual(order.slice(0, 24));
    expect(await page.inputValue('select[name=sort]')).toBe(sort);
    await page.context().close();
  });

  it('sorts when the form changes, and the URL says how', async () => {
    const page = await open('charts/');
    await page.selectOption('select[name=sort]', 'updated');
    expect(await shownAfterChange(page)).toEqual(BY_UPDATE.slice(0, 24));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('updated');
    await page.context().close();
  });

  it.each([
    ['registry=south', ['banana', 'cherry']],
    ['keyword=fruit', ['apple', 'banana', 'kiwi']],
    ['deprecated=yes', ['kiwi']],
    ['signature=verified', ['apple']],
    // the sync records every other version as checked and unsigned
    ['signature=unsigned', BY_NAME.filter((n) => n !== 'apple').slice(0, 24)],
    ['keyword=fruit&deprecated=no', ['apple', 'banana']],
  ])('filters by %s, read from the URL as the search form writes it', async (query, names) => {
    const page = await open(`charts/?${query}`);
    expect(await shown(page)).toEqual(names);
    for (const [name, value] of new URLSearchParams(query))
      expect(await page.inputValue(`select[name=${name}]`)).toBe(value);
    await page.context().close();
  });

  it('hides deprecated charts when asked in the form', async () => {
    const page = await open('charts/');
    await page.selectOption('select[name=deprecated]', 'no');
    const names = await shownAfterChange(page);
    expect(names).not.toContain('kiwi');
    expect(await status(page)).toContain('26 charts match');
    await page.context().close();
  });

  it('pages through a sorted list, loading only the shown page', async () => {
    const page = await open('charts/?sort=updated');
    expect(await shown(page)).toEqual(BY_UPDATE.slice(0, 24));
    const fragments: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/pagefind/fragment/')) fragments.push(r.url());
    });
    await page.click('.pager a[rel=next]');
    expect(page.url()).toContain('page=2');
    expect(await shown(page)).toEqual(BY_UPDATE.slice(24));
    expect(fragments.length).toBe(3);
    await page.context().close();
  });

  it("sorts a registry's list within that registry", async () => {
    const page = await open('charts/south/?sort=name-desc');
    expect(await shown(page)).toEqual(['cherry', 'banana']);
    expect(await page.$('select[name=registry]')).toBeNull();
    await page.context().close();
  });
});

describe('hostile text', () => {
  it.each([
    ['a description, rendered in the browser', 'charts/?registry=south', ['banana', 'cherry']],
    ['a filter value in the URL', `charts/?keyword=${encodeURIComponent(HOSTILE)}`, []],
  ])('%s stays text', async (_, route, names) => {
    const page = await open(route);
    expect(await shown(page)).toEqual(names);
    expect(await page.$$('.browse-list img, .browse-form img')).toEqual([]);
    if (names.includes('cherry')) expect(await page.textContent('.browse-list')).toContain(HOSTILE);
    else expect(await page.inputValue('select[name=keyword]')).toBe(HOSTILE);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned)).toBeUndefined();
    await page.context().close();
  });
});

describe('a hidden private registry', () => {
  it('has no browse page, no filter option and no entry in any list', async () => {
    const response = await fetch(`${site.url}charts/vault/`);
    expect(response.status).toBe(404);
    const page = await open('charts/?keyword=fruit');
    expect(await shown(page)).not.toContain('secret-chart');
    const options = await page.$$eval('select[name=registry] option', (o: DomElement[]) =>
      o.map((x) => x.textContent),
    );
    expect(options).toEqual(['All registries', 'north', 'south']);
    await page.context().close();
  });
});

describe('accessibility and phones', () => {
  it.each(['charts/', 'charts/?sort=updated&keyword=fruit', 'charts/north/', 'charts/_page/2/'])(
    '%s: no serious axe violation, no horizontal scroll at 390 px',
    async (route) => {
      const dir = await screenshotDir('browse');
      for (const width of [1280, 390]) {
        const page = await open(route, { width });
        await shown(page);
        expect(await axeViolations(page)).toEqual([]);
        const overflow = await page.evaluate(() => {
          const dom = globalThis as unknown as Dom;
          return dom.document.documentElement.scrollWidth - dom.window.innerWidth;
        });
        expect(overflow).toBeLessThanOrEqual(0);
        const name = route.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
        await page.screenshot({
          path: path.join(dir, `${name}-${width === 390 ? 'phone' : 'desktop'}.png`),
          fullPage: true,
        });
        await page.context().close();
      }
    },
  );
});

/** after a form change: waits for the client-side list to replace the static one */
async function shownAfterChange(page: Page): Promise<string[]> {
  await page.waitForFunction(() => {
    const text = (globalThis as unknown as Dom).document.querySelector('.browse-status')?.textContent ?? '';
    return text.includes('match');
  });
  return shown(page);
}
