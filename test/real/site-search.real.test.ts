/**
 * The search's ranking over ALL the real fixture charts (argo, grafana, prometheus-community,
 * each organisation its own registry), synced, built and searched in Debian's Chromium: a chart's
 * name ranks before charts that only mention it, and a small typo still finds the chart.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  buildCatalogSite,
  launchChromium,
  screenshotDir,
  type BuiltSite,
} from '../site/browser.ts';
import { fixtureCharts } from '../../testkit/fixtures.ts';
import { fixtureRegistries } from './fixture-registries.ts';
import type { DomElement } from '../site/dom.ts';
import { pagefindAlone, searchFully } from '../site/search-page.ts';

let site: BuiltSite;
let browser: Browser;
let page: Page;
let names: string[];

beforeAll(async () => {
  browser = await launchChromium();
  names = fixtureCharts().map((c) => c.name);
  site = await buildCatalogSite(fixtureRegistries((c) => [c.version]));
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(site.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('search over the real fixture charts', () => {
  it('prometheus: the prometheus chart first, before the exporters and alertmanager', async () => {
    const results = await searchFully(page, 'prometheus');
    expect(results[0]).toBe('prometheus');
    const exporters = results.filter((n) => /^prometheus-.*exporter$/.test(n));
    expect(exporters.length).toBeGreaterThanOrEqual(3);
    expect(results).toContain('alertmanager');
    for (const other of [...exporters, 'alertmanager']) {
      expect(results.indexOf(other)).toBeGreaterThan(0);
    }
    await page.screenshot({ path: path.join(await screenshotDir('search'), 'real-prometheus-desktop.png') });
  });

  it('argo: every argo chart, ahead of any other', async () => {
    const argo = names.filter((n) => n.startsWith('argo')).sort();
    expect(argo.length).toBeGreaterThanOrEqual(4);
    const results = await searchFully(page, 'argo');
    expect(results.slice(0, argo.length).sort()).toEqual(argo);
  });

  it('promethues (a typo): prometheus first', async () => {
    const results = await searchFully(page, 'promethues');
    expect(results[0]).toBe('prometheus');
  });

  it('lokki (a typo): the loki charts first', async () => {
    const loki = names.filter((n) => n.split('-').includes('loki')).sort();
    expect(loki.length).toBeGreaterThanOrEqual(3);
    const results = await searchFully(page, 'lokki');
    expect(results.slice(0, loki.length).sort()).toEqual(loki);
  });

  it('a result shows the name, registry, latest version and a clean excerpt', async () => {
    // "SealedSecrets" is only in argo-cd's README: a full-text hit, with Pagefind's excerpt
    expect(await searchFully(page, 'SealedSecrets')).toContain('argo-cd');
    const result = await page.$eval('#search-results .result', (li: DomElement) => ({
      text: li.textContent ?? '',
      registry: li.querySelector('.result-registry')?.textContent,
      version: li.querySelector('.result-version')?.textContent,
      excerpt: li.querySelector('.result-excerpt')?.textContent ?? '',
    }));
    expect(result.registry).toBe('argo');
    expect(result.version).toMatch(/^\d+\.\d+\.\d+/);
    console.log(`excerpt: ${result.excerpt}`);
    expect(result.excerpt).toMatch(/SealedSecrets/i);
    expect(result.text).not.toMatch(/Latest version\d/);
    expect(result.excerpt).not.toMatch(/\|\s*\||`|-{3}/);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('ranks the chart meant at least as high as Pagefind alone did, and higher where it failed', async () => {
    const base = new URL(site.url).pathname;
    const cases: Array<[string, string]> = [
      ['prometheus', 'prometheus'],
      ['promethues', 'prometheus'],
      ['lokki', 'loki-stack'],
      ['alertmanager', 'alertmanager'],
      ['grafana', 'grafana-sampling'],
    ];
    const place = (list: string[], name: string) => (list.includes(name) ? list.indexOf(name) + 1 : Infinity);
    let better = 0;
    for (const [query, meant] of cases) {
      const ours = place(await searchFully(page, query), meant);
      const before = place(await pagefindAlone(page, base, query), meant);
      console.log(`search "${query}": ${meant} at ${ours} (Pagefind alone: ${before})`);
      expect(ours, query).toBeLessThanOrEqual(before);
      if (ours < before) better++;
    }
    // the typos find nothing in Pagefind alone
    expect(better).toBeGreaterThanOrEqual(2);
  });
});
