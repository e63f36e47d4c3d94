/**
 * The chart page panels on the real fixture charts (argo, grafana, prometheus-community, each its
 * own registry): dependencies linked to the catalog's chart page (matched by name: the fixtures'
 * repository URLs are the publishers', not this test's loopback registries), Artifact Hub
 * annotations (changes, licence, links), images found in values.yaml, the schema explorer at
 * 390 px, axe.
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
import type { DomElement } from '../site/dom.ts';
import { fixtureRegistries } from './fixture-registries.ts';

let site: BuiltSite;
let browser: Browser;
let shots: string;

beforeAll(async () => {
  browser = await launchChromium();
  site = await buildCatalogSite(fixtureRegistries((c) => [c.version]));
  shots = await screenshotDir('real-panels');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(route: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: width > 500 ? 900 : 844 } });
  await page.goto(site.url + route);
  return page;
}

/** Each dependency row: its name, and where its link goes ('' when it is not in the catalog). */
const dependencies = (page: Page): Promise<Array<[string, string]>> =>
  page.$$eval('.dependencies li', (lis: DomElement[]) =>
    lis.map((li) => [
      li.querySelector('a, strong')?.textContent ?? '',
      li.querySelector('a')?.getAttribute('href') ?? '',
    ]),
  );

describe('chart page panels on the real fixture charts', () => {
  it('prometheus: its dependencies, alertmanager linked to the catalog page it lands on', async () => {
    const page = await open('charts/prometheus-community/prometheus/');
    expect(await dependencies(page)).toEqual([
      ['alertmanager', '/charts/prometheus-community/alertmanager/'],
      ['kube-state-metrics', ''],
      ['prometheus-node-exporter', ''],
      ['prometheus-pushgateway', ''],
    ]);
    expect(await page.textContent('.dependencies li:first-child .dep-match')).toBe(
      'by name, in prometheus-community',
    );
    expect(await page.textContent('.fact-license')).toBe('Apache-2.0');
    expect(await page.locator('.fact-links a').count()).toBeGreaterThan(0);
    await page.click('.dependencies a');
    await page.waitForURL(/charts\/prometheus-community\/alertmanager\/$/);
    expect(await page.textContent('h1')).toBe('alertmanager');
    await page.close();
  });

  it('argo-cd: redis-ha shown unlinked, its changes annotation, images found in values.yaml', async () => {
    const page = await open('charts/argo/argo-cd/');
    expect(await dependencies(page)).toEqual([['redis-ha', '']]);
    expect(await page.textContent('.dependencies li')).toContain('https://dandydeveloper.github.io/charts/');
    const changes = await page.$$eval('.changes li', (lis: DomElement[]) =>
      lis.map((l) => l.textContent ?? ''),
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(changes[0]).toMatch(/^fixed\s+Apply applicationSet NetworkPolicy/);
    expect(await page.textContent('.images-source')).toContain('Found in values.yaml');
    const images = await page.$$eval('.images .image-ref', (els: DomElement[]) =>
      els.map((e) => e.textContent),
    );
    expect(images).toContain('quay.io/argoproj/argocd');
    expect(images).toContain('ghcr.io/dexidp/dex:v2.45.1');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('grafana charts: dependencies within the grafana registry are linked', async () => {
    const page = await open('charts/grafana/lgtm-distributed/');
    const deps = new Map(await dependencies(page));
    expect(deps.get('loki-distributed')).toBe('/charts/grafana/loki-distributed/');
    expect(deps.get('tempo-distributed')).toBe('/charts/grafana/tempo-distributed/');
    expect(deps.get('mimir-distributed')).toBe('');
    await page.goto(`${site.url}charts/grafana/tempo-distributed/`);
    expect(new Map(await dependencies(page)).get('rollout-operator')).toBe(
      '/charts/grafana/rollout-operator/',
    );
    await page.goto(`${site.url}charts/grafana/enterprise-logs/`);
    expect(new Map(await dependencies(page)).get('loki-distributed')).toBe(
      '/charts/grafana/loki-distributed/',
    );
    await page.close();
  });

  it('the schema explorer on prometheus reads at 390 px: no horizontal page scroll', async () => {
    const page = await open('charts/prometheus-community/prometheus/', 390);
    expect(await page.locator('.schema-explorer .schema-tree li').count()).toBeGreaterThan(20);
    await page.$$eval('.schema-explorer details', (ds: DomElement[]) => {
      for (const d of ds) (d as unknown as { open: boolean }).open = true;
    });
    const overflow = await page.evaluate(
      () =>
        (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number } };
            innerWidth: number;
          }
        ).document.documentElement.scrollWidth - (globalThis as unknown as { innerWidth: number }).innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'prometheus-panels-phone.png'), fullPage: true });
    await page.close();
  });

  it('related charts: the rarer shared keywords first, the chart itself never', async () => {
    const page = await open('charts/argo/argo-cd/');
    const related = await page.$$eval('.related li a', (as: DomElement[]) => as.map((a) => a.textContent));
    // argocd and gitops (3 charts) outweigh argoproj (5 charts)
    expect(related).toEqual(['argocd-apps', 'argocd-image-updater', 'argo-events', 'argo-rollouts']);
    await page.close();
  });
});
