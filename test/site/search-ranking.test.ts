/**
 * The search's ranking and results in Chromium, on charts written here and named like the cases
 * of issue 18: a chart's own name before charts that only mention it (in a README, or as a
 * dependency), a small typo still finds the chart, filters narrow both sources, an empty search
 * is the browse page, and the name index is fetched on the search box's first use only.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartSource } from '../../src/demo/repository.ts';
import {
  axeViolations,
  buildCatalogSite,
  launchChromium,
  resultNames,
  screenshotDir,
  watchPage,
  type BuiltSite,
} from './browser.ts';
import type { Dom, DomElement } from './dom.ts';
import { searchFully } from './search-page.ts';

const HOSTILE_DESCRIPTION = "<img src=x onerror=window.__pwned='description'> a hostile chart";

async function chart(
  name: string,
  meta: Record<string, unknown>,
  readme = `# ${name}\n`,
): Promise<ChartSource> {
  const dir = await mkdtemp(path.join(tmpdir(), `search-chart-${name}-`));
  const yaml = Object.entries({ apiVersion: 'v2', name, version: '1.0.0', ...meta })
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n');
  await mkdir(path.join(dir, 'templates'));
  await writeFile(path.join(dir, 'templates', 'deployment.yaml'), 'kind: Deployment\n');
  await writeFile(path.join(dir, 'Chart.yaml'), `${yaml}\n`);
  await writeFile(path.join(dir, 'README.md'), readme);
  return { dir, name, versions: ['1.0.0'] };
}

const postgresDependency = [
  { name: 'postgresql', version: '16.x.x', repository: 'https://charts.example/data' },
];

let site: BuiltSite;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  site = await buildCatalogSite([
    {
      name: 'web',
      charts: [
        await chart('nginx', { description: 'NGINX Open Source, a web server', keywords: ['http', 'web'] }),
        await chart('nginx-exporter', { description: 'Metrics of a web server', keywords: ['metrics'] }),
        await chart('ingress-nginx', { description: 'An ingress controller', keywords: ['ingress'] }),
        await chart(
          'webgate',
          { description: 'An API gateway', keywords: ['gateway'] },
          '# webgate\n\nRuns nginx in front of your services: nginx, nginx and more nginx.\n',
        ),
        await chart('grafana', { description: 'Dashboards', keywords: ['dashboard'] }),
        await chart('hostile', {
          description: HOSTILE_DESCRIPTION,
          keywords: ["<script>window.__pwned='k'</script>"],
        }),
      ],
    },
    {
      name: 'data',
      charts: [
        await chart('postgresql', { description: 'The PostgreSQL database', keywords: ['database', 'sql'] }),
        await chart(
          'keycloak',
          {
            description: 'Identity and access management',
            keywords: ['sso'],
            dependencies: postgresDependency,
          },
          '# keycloak\n\nKeycloak stores its data in postgresql, installed as a dependency.\n',
        ),
        await chart(
          'harbor',
          { description: 'A container registry', keywords: ['registry'], dependencies: postgresDependency },
          '# harbor\n\nHarbor needs a postgresql database.\n',
        ),
        await chart('prometheus-postgres-exporter', {
          description: 'A Prometheus exporter for PostgreSQL server metrics',
          keywords: ['postgres', 'exporter'],
        }),
        await chart('old-db', {
          description: 'A retired database chart',
          keywords: ['database'],
          deprecated: true,
        }),
      ],
    },
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function home(
  width = 1280,
): Promise<{ page: Page; requests: string[]; seen: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const seen = watchPage(page);
  await page.goto(site.url);
  return { page, requests, seen };
}

describe('search ranking on charts named like the issue', () => {
  it('fetches the name index on the first focus, never on the first load', async () => {
    const { page, requests } = await home();
    await page.waitForLoadState('networkidle');
    expect(requests.filter((r) => r.includes('names.json') || r.includes('pagefind'))).toEqual([]);
    const fetched = page.waitForResponse((r) => r.url().endsWith('/search/names.json'));
    await page.focus('input[name=q]');
    expect((await fetched).status()).toBe(200);
    expect(requests.filter((r) => r.endsWith('/search/names.json'))).toHaveLength(1);
    await page.close();
  });

  it('nginx: the nginx chart first, a chart that only mentions nginx in its README last', async () => {
    const { page, seen } = await home();
    const results = await searchFully(page, 'nginx');
    expect(results.slice(0, 3)).toEqual(['nginx', 'nginx-exporter', 'ingress-nginx']);
    expect(results.at(-1)).toBe('webgate');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('postgresql: the chart first, the exporter named after it before the charts that depend on it', async () => {
    const { page } = await home();
    const results = await searchFully(page, 'postgresql');
    expect(results[0]).toBe('postgresql');
    for (const dependent of ['keycloak', 'harbor']) {
      expect(results).toContain(dependent);
      expect(results.indexOf('prometheus-postgres-exporter')).toBeLessThan(results.indexOf(dependent));
    }
    // a full-text hit's excerpt: the README around the match, not the name and description again
    const excerpt = await page.$$eval(
      '#search-results .result',
      (items: DomElement[]) =>
        items
          .find((li) => li.querySelector('h3 a')?.textContent === 'harbor')
          ?.querySelector('.result-excerpt')?.textContent,
    );
    expect(excerpt).toBe('Harbor needs a postgresql database.');
    await page.close();
  });

  it('a small typo still finds the chart (grafanna, ngnix, postgersql)', async () => {
    const { page } = await home();
    expect((await searchFully(page, 'grafanna'))[0]).toBe('grafana');
    expect((await searchFully(page, 'ngnix'))[0]).toBe('nginx');
    expect((await searchFully(page, 'postgersql'))[0]).toBe('postgresql');
    // three letters are too few to guess from: no typo match
    expect(await searchFully(page, 'ngx')).toEqual([]);
    expect(await page.textContent('#search-status')).toBe('No charts match.');
    await page.close();
  });

  it('keywords rank after names, descriptions after keywords', async () => {
    const { page } = await home();
    // "database": postgresql has it as a keyword (and old-db); nothing is named so
    const results = await searchFully(page, 'database');
    expect(results.slice(0, 2).sort()).toEqual(['old-db', 'postgresql']);
    // "server": only in descriptions (nginx, nginx-exporter, the exporter)
    expect((await searchFully(page, 'server')).sort()).toEqual(
      ['nginx', 'nginx-exporter', 'prometheus-postgres-exporter'].sort(),
    );
    await page.close();
  });

  it('a result shows its name, registry, latest version and description; chart text stays text', async () => {
    const { page, seen } = await home();
    await searchFully(page, 'nginx');
    const first = await page.$eval('#search-results .result', (li: DomElement) => ({
      registry: li.querySelector('.result-registry')?.textContent,
      version: li.querySelector('.result-version')?.textContent,
      description: li.querySelector('.result-description')?.textContent,
      href: li.querySelector('h3 a')?.getAttribute('href'),
    }));
    expect(first).toEqual({
      registry: 'web',
      version: '1.0.0',
      description: 'NGINX Open Source, a web server',
      href: `${new URL(site.url).pathname}charts/web/nginx/`,
    });
    expect(await searchFully(page, 'hostile')).toEqual(['hostile']);
    expect(await page.textContent('#search-results .result-description')).toBe(HOSTILE_DESCRIPTION);
    expect(await page.locator('#search-results img').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    expect(seen.dialogs).toEqual([]);
    await page.close();
  });

  it('filters narrow the names and the full text alike; deprecated charts are labelled', async () => {
    const { page } = await home();
    expect(await searchFully(page, 'database')).toContain('old-db');
    expect(await page.textContent('#search-results')).toContain('deprecated');
    await page.selectOption('select[name=deprecated]', 'no');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as Dom).document.getElementById('search-results')?.dataset.phase === 'done',
    );
    await page.waitForFunction(
      () =>
        !(globalThis as unknown as Dom).document
          .getElementById('search-results')
          ?.textContent?.includes('old-db'),
    );
    // postgresql by its keyword, harbor by its README ("a postgresql database"): not old-db
    expect(await resultNames(page)).toEqual(['postgresql', 'harbor']);
    await page.selectOption('select[name=deprecated]', '');
    await page.selectOption('select[name=registry]', 'web');
    expect(await searchFully(page, 'nginx')).toEqual(['nginx', 'nginx-exporter', 'ingress-nginx', 'webgate']);
    await page.selectOption('select[name=registry]', 'data');
    await page.waitForFunction(() => {
      const list = (globalThis as unknown as Dom).document.getElementById('search-results');
      return list?.dataset.phase === 'done' && list.textContent === '';
    });
    expect(new URL(page.url()).searchParams.get('registry')).toBe('data');
    await page.close();
  });

  it('an empty search goes to the browse page, carrying the filters', async () => {
    const { page } = await home();
    await page.click('form.search-form button[type=submit]');
    await page.waitForURL((u) => u.pathname.endsWith('/charts/'));
    expect(new URL(page.url()).search).toBe('');
    await page.goto(site.url);
    await page.selectOption('select[name=registry]', 'data');
    await page.waitForURL((u) => u.pathname.endsWith('/charts/'));
    expect(new URL(page.url()).searchParams.get('registry')).toBe('data');
    // a link with filters only (a keyword link) lands on the browse page too
    await page.goto(`${site.url}?keyword=database&deprecated=no`);
    await page.waitForURL((u) => u.pathname.endsWith('/charts/'));
    const params = new URL(page.url()).searchParams;
    expect([params.get('keyword'), params.get('deprecated')]).toEqual(['database', 'no']);
    await page.close();
  });

  it('results have no serious accessibility violation and fit a phone', async () => {
    const shots = await screenshotDir();
    for (const [kind, width] of [
      ['desktop', 1280],
      ['phone', 390],
    ] as const) {
      const { page } = await home(width);
      await searchFully(page, 'postgresql');
      expect(await axeViolations(page)).toEqual([]);
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as Dom).document.documentElement as unknown as {
          scrollWidth: number;
          clientWidth: number;
        };
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(shots, `search-${kind}.png`), fullPage: true });
      await page.close();
    }
  });

  // last: it takes the name index out of the built site
  it('without the name index (a failed fetch), the full text still answers', async () => {
    await rm(path.join(site.outDir, 'search', 'names.json'));
    const { page, seen } = await home();
    const results = await searchFully(page, 'nginx');
    expect(results).toEqual(expect.arrayContaining(['nginx', 'webgate']));
    expect(await page.textContent('#search-status')).toMatch(/found/);
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
