/**
 * The chart browser over the real fixture charts (argo, grafana, prometheus-community), each
 * organisation served as its own registry, synced, built by `chartroom site build` and driven in
 * Debian's Chromium: search, filters, chart pages, the values form, accessibility, screenshots.
 */
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
} from '../site/browser.ts';
import { fixtureRegistries } from './fixture-registries.ts';
import type { Dom, DomElement } from '../site/dom.ts';

let site: BuiltSite;
let browser: Browser;
let shots: string;

beforeAll(async () => {
  browser = await launchChromium();
  site = await buildCatalogSite(fixtureRegistries((c) => ['0.0.1', '0.0.2', c.version]));
  shots = await screenshotDir('real');
  console.log(`site built in ${site.buildMs} ms; screenshots in ${shots}`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(route: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(site.url + route);
  return page;
}

async function validate(page: Page, values: string): Promise<{ state: string; text: string }> {
  await page.fill('#values-input', values);
  await page.click('form.values-form button[type=submit]');
  // the state and its text read in the same evaluation that sees the run end (no second read
  // that a later run could change in between)
  const done = await page.waitForFunction(
    () => {
      const el = (globalThis as unknown as Dom).document.querySelector('[data-validation]');
      const state = el?.dataset.state;
      return state !== undefined && state !== 'running' ? { state, text: el?.textContent ?? '' } : false;
    },
    undefined,
    { timeout: 10_000 },
  );
  return (await done.jsonValue()) as { state: string; text: string };
}

describe('the chart browser on the real fixture charts', () => {
  it('home lists the registries and recently updated charts', async () => {
    const page = await open('');
    const seen = watchPage(page);
    expect(await page.textContent('main')).toContain('26 charts from 3 registries');
    expect(
      await page.$$eval('#registries-title + ul .card h3', (h: DomElement[]) => h.map((x) => x.textContent)),
    ).toEqual(['argo', 'grafana', 'prometheus-community']);
    expect(await page.locator('#recent .card').count()).toBe(12);
    await page.screenshot({ path: path.join(shots, 'home.png') });
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('search by a word only in a README finds the chart; the registry filter narrows results', async () => {
    const page = await open('');
    // "SealedSecrets" is in argo-cd's README, not in its name, description or keywords
    expect(await search(page, 'SealedSecrets')).toContain('argo-cd');
    const all = await search(page, 'prometheus');
    const registries = await page.$$eval('#search-results .result-registry', (s: DomElement[]) =>
      s.map((x) => x.textContent),
    );
    expect(new Set(registries).size).toBeGreaterThan(1);
    await page.selectOption('select[name=registry]', 'grafana');
    await page.waitForFunction(
      (before) =>
        (globalThis as unknown as Dom).document.querySelectorAll('#search-results .result').length < before,
      all.length,
    );
    const narrowed = await resultNames(page);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.length).toBeLessThan(all.length);
    expect(
      new Set(
        await page.$$eval('#search-results .result-registry', (s: DomElement[]) =>
          s.map((x) => x.textContent),
        ),
      ),
    ).toEqual(new Set(['grafana']));
    await page.screenshot({ path: path.join(shots, 'search.png') });
    await page.close();
  });

  it('the chart page shows README, values, schema table, versions and snippets', async () => {
    const page = await open('charts/prometheus-community/alertmanager/');
    const seen = watchPage(page);
    expect(await page.textContent('h1')).toBe('alertmanager');
    expect((await page.textContent('.readme'))?.length).toBeGreaterThan(1000);
    expect(await page.textContent('.values')).toContain('replicaCount:');
    expect(await page.locator('.schema-table tbody tr').count()).toBeGreaterThan(20);
    expect(await page.textContent('.schema-table')).toContain('replicaCount');
    expect(
      await page.$$eval('.versions-table tbody tr td:first-child', (t: DomElement[]) =>
        t.map((x) => x.textContent),
      ),
    ).toEqual([expect.stringMatching(/^1\.\d+\.\d+latest$/), '0.0.2', '0.0.1']);
    const snippets = await page.$$eval('[data-snippet]', (s: DomElement[]) =>
      s.map((x) => x.textContent ?? ''),
    );
    expect(snippets.join('\n')).toMatch(
      /helm install alertmanager prometheus-community\/alertmanager --version 1\./,
    );
    expect(snippets.join('\n')).toContain('kind: HelmRelease');
    expect(snippets.join('\n')).toContain('kind: Application');
    await page.screenshot({ path: path.join(shots, 'chart.png') });
    await page.screenshot({ path: path.join(shots, 'chart-full.png'), fullPage: true });
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('the values form rejects a value that breaks the schema and accepts a valid one', async () => {
    const page = await open('charts/prometheus-community/alertmanager/');
    const bad = await validate(page, 'replicaCount: -1\n');
    expect(bad.state).toBe('invalid');
    expect(bad.text).toContain('/replicaCount: must be >= 0');
    expect((await validate(page, 'replicaCount: 2\n')).state).toBe('valid');
    await page.close();
    // `http://json-schema.org/schema#` is read as draft-07
    const prometheus = await open('charts/prometheus-community/prometheus/');
    expect(await prometheus.textContent('#schema + p')).toContain('draft-07');
    expect((await validate(prometheus, 'forceNamespace: 42\n')).text).toContain(
      '/forceNamespace: must be string',
    );
    expect((await validate(prometheus, 'forceNamespace: monitoring\n')).state).toBe('valid');
    await prometheus.close();
  });

  it('has no serious or critical accessibility violations on home, registry, chart, version and compare pages', async () => {
    const routes = [
      '',
      'registries/grafana/',
      'charts/argo/argo-cd/',
      'charts/grafana/loki-stack/',
      'charts/argo/argo-cd/0.0.1/',
      'charts/argo/argo-cd/compare/',
    ];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const route of routes) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
        await page.goto(site.url + route);
        // version pages fetch their README and values: check what a person sees once they arrive
        await page.waitForFunction(
          () => (globalThis as unknown as Dom).document.querySelector('[data-loaded=pending]') === null,
        );
        expect(await axeViolations(page), `${route || 'home'} (${colorScheme})`).toEqual([]);
        await page.close();
      }
    }
  });
});
