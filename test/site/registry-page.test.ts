/**
 * What a registry's page, its card on the home page and its charts' install snippets say, built
 * for real from a catalog with: `plain`, a public HTTP repository on plain http; `inhouse`, the
 * same marked private, with a failed and a republished version; `lab`, the real distribution
 * registry over plain http (`insecure: true`) listing a chart it does not hold, so its sync
 * records a real `chartErrors` entry (plus one with markup, as a hostile registry could send);
 * `vault`, the same OCI registry marked private. The last check comes from `.chartroom/state.json`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../../src/chart/pack.ts';
import type { CatalogChart, CatalogRegistry } from '../../src/catalog/types.ts';
import { buildSite } from '../../src/site-build/build.ts';
import { createSync } from '../../src/sync/run.ts';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../../testkit/oci-registry.ts';
import type { Browser } from 'playwright-core';
import { axeViolations, buildCatalogSite, launchChromium, type BuiltSite } from './browser.ts';

const HOSTILE = '<img src=x onerror="window.__pwned=1"> bad gateway';

let oci: TestRegistry;
let site: BuiltSite;
let labSync: CatalogRegistry;

beforeAll(async () => {
  oci = await startRegistry('none');
  const web = await writeOwnChart('web');
  await pushChart(oci, 'charts/web', await packChartDir(web.dir, { name: 'web', version: '1.0.0' }), '1.0.0');
  const charts = [{ dir: web.dir, name: 'web', versions: ['1.0.0'] }];
  site = await buildCatalogSite(
    [
      { name: 'plain', charts },
      { name: 'inhouse', charts },
    ],
    {
      beforeBuild: async (root) => {
        const ociFile = (extra: string) =>
          `url: oci://${oci.host}/charts\ninsecure: true\nkeep: all\n${extra}`;
        await writeFile(path.join(root, 'registries', 'lab.yaml'), ociFile('charts: [web, ghost]\n'));
        await writeFile(path.join(root, 'registries', 'vault.yaml'), ociFile('charts: [web]\n'));
        await createSync({ root }).run({ force: true, registries: ['lab', 'vault'] });
        labSync = await readRegistryDoc(root, 'lab');
        await editRegistryDoc(root, 'lab', (doc) => ({
          ...doc,
          chartErrors: [...(doc.chartErrors ?? []), { chart: 'zeta', code: 'HTTPError', message: HOSTILE }],
        }));
        await editRegistryDoc(root, 'vault', (doc) => ({ ...doc, private: true }));
        // a chart whose registry has no catalog file (a partial catalog): shown, its status unknown
        const orphan = path.join(root, 'catalog', 'charts', 'orphan', 'web');
        await mkdir(orphan, { recursive: true });
        const chart = JSON.parse(
          await readFile(path.join(root, 'catalog', 'charts', 'lab', 'web', 'chart.json'), 'utf8'),
        ) as CatalogChart;
        const versions = chart.versions.map((v) => ({ ...v, files: [] }));
        await writeFile(
          path.join(orphan, 'chart.json'),
          JSON.stringify({ ...chart, registry: 'orphan', versions }),
        );
        await editRegistryDoc(root, 'inhouse', (doc) => ({
          ...doc,
          private: true,
          failedVersions: [
            {
              chart: 'web',
              version: '0.9.0',
              code: 'Timeout',
              message: 'timed out',
              attempts: 2,
              firstFailure: '2026-11-20T10:00:00.000Z',
              lastFailure: '2026-11-21T10:00:00.000Z',
              nextRetry: '2026-11-23T10:00:00.000Z',
              gaveUp: false,
            },
          ],
          republished: [
            { chart: 'web', version: '1.0.0', digest: 'sha256:bbbb', previousDigest: 'sha256:aaaa' },
          ],
        }));
      },
    },
  );
}, 180_000);

afterAll(async () => {
  await site?.close();
  await oci?.close();
});

async function readRegistryDoc(root: string, name: string): Promise<CatalogRegistry> {
  return JSON.parse(
    await readFile(path.join(root, 'catalog', 'registries', `${name}.json`), 'utf8'),
  ) as CatalogRegistry;
}

async function editRegistryDoc(
  root: string,
  name: string,
  edit: (doc: CatalogRegistry) => CatalogRegistry,
): Promise<void> {
  const doc = edit(await readRegistryDoc(root, name));
  await writeFile(
    path.join(root, 'catalog', 'registries', `${name}.json`),
    `${JSON.stringify(doc, null, 2)}\n`,
  );
}

const page = (route: string) => readFile(path.join(site.outDir, route, 'index.html'), 'utf8');

/** Text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (_, entity: string) => {
      if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
      return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity] ?? `&${entity};`;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The install or set-up snippet `id` of a page, as its copy button copies it. */
async function snippet(route: string, id: string): Promise<string> {
  const match = new RegExp(`<code id="code-${id}"[^>]*>([\\s\\S]*?)</code>`).exec(await page(route));
  if (!match) throw new Error(`no snippet ${id} on ${route}`);
  // the code's own text: only its entities are decoded, its newlines kept
  return match[1]!
    .replace(/<[^>]*>/g, '')
    .replace(
      /&(lt|gt|amp|quot|#39|#x27);/g,
      (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#x27': "'" })[e]!,
    );
}

/** The rows of the table after the heading `headingId`, each as its cells' text. */
async function tableRows(route: string, headingId: string): Promise<string[]> {
  const html = await page(route);
  const from = html.indexOf(`id="${headingId}"`);
  if (from < 0) return [];
  const body = html.slice(html.indexOf('<tbody>', from), html.indexOf('</tbody>', from));
  return body
    .split('<tr')
    .slice(1)
    .map(text)
    .map((row) => row.replace(/^>\s*/, ''));
}

async function lastCheckOf(name: string): Promise<string> {
  const state = JSON.parse(await readFile(path.join(site.repo.root, '.chartroom', 'state.json'), 'utf8')) as {
    registries: Record<string, { lastCheck: string }>;
  };
  return state.registries[name]!.lastCheck;
}

describe('a registry whose charts failed', () => {
  it('the sync records the chart it could not list, and that the registry is reached over plain http', () => {
    expect(labSync.chartErrors).toEqual([
      { chart: 'ghost', code: 'NameUnknown', message: expect.stringContaining('name unknown') as string },
    ]);
    expect(labSync.error).toBeUndefined();
    expect(labSync.insecure).toBe(true);
  });

  it('its page lists them, escaped, and its status says so in a warning, never plain "in sync"', async () => {
    const html = await page('registries/lab');
    expect(html).toMatch(/<span class="badge warn"[^>]*>in sync, 2 charts failed<\/span>/);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
    const rows = await tableRows('registries/lab/', 'chart-errors-title');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^ghost\s+NameUnknown\s+name unknown/);
    expect(rows[1]).toBe(`zeta HTTPError ${HOSTILE}`);
  });

  it('its card on the home page says the same', async () => {
    const cards = (await page('')).split('<li class="card"').slice(1).map(text);
    const card = (name: string) => cards.find((c) => c.startsWith(`> ${name} `)) ?? '';
    expect(card('lab')).toContain('in sync, 2 charts failed');
    expect(card('inhouse')).toContain('in sync, 1 version failed, 1 version republished');
    expect(card('plain')).toMatch(/\bin sync\b/);
    expect(card('plain')).not.toContain('failed');
    expect(card('orphan')).toContain('status unknown: no registry file');
    expect(card('orphan')).not.toContain('in sync');
    const home = await page('');
    expect(home).toMatch(/<span class="badge warn"[^>]*>in sync, 2 charts failed<\/span>/);
    expect(home).toMatch(/<span class="badge ok"[^>]*>in sync<\/span>/);
  });

  it('failed and republished versions turn the status into a warning too', async () => {
    const html = await page('registries/inhouse');
    expect(html).toMatch(
      /<span class="badge warn"[^>]*>in sync, 1 version failed, 1 version republished<\/span>/,
    );
  });
});

describe('the registry page', () => {
  it('shows the last check from .chartroom/state.json', async () => {
    const html = await page('registries/lab');
    expect(html).toContain(`<time datetime="${await lastCheckOf('lab')}">`);
    const facts = text(html.slice(html.indexOf('<dl class="facts"'), html.indexOf('</dl>')));
    expect(facts).toMatch(/Last check \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('gives the registry-level helm command for each kind', async () => {
    const plainUrl = (await readRegistryDoc(site.repo.root, 'plain')).url;
    const inhouseUrl = (await readRegistryDoc(site.repo.root, 'inhouse')).url;
    expect(await snippet('registries/plain/', 'helm-repo-add')).toBe(`helm repo add plain ${plainUrl}`);
    expect(await snippet('registries/inhouse/', 'helm-repo-add')).toBe(
      `helm repo add inhouse ${inhouseUrl} --username <username> --password-stdin`,
    );
    expect(await snippet('registries/vault/', 'helm-registry-login')).toBe(
      `helm registry login ${oci.host} --plain-http --username <username> --password-stdin`,
    );
    // a public OCI registry needs no set-up: a note, no command
    const lab = await page('registries/lab');
    expect(lab).not.toContain('id="code-helm-registry-login"');
    const note = lab.slice(lab.indexOf('id="use"'), lab.indexOf('</section>', lab.indexOf('id="use"')));
    expect(text(note)).toContain('--plain-http');
  });
});

describe('install snippets', () => {
  it('for an OCI registry over plain http: --plain-http, Flux insecure: true, Argo CD insecureOCIForceHttp', async () => {
    expect(await snippet('charts/lab/web/', 'helm-oci')).toBe(
      `helm install web oci://${oci.host}/charts/web --version 1.0.0 --plain-http`,
    );
    const flux = await snippet('charts/lab/web/', 'flux');
    expect(flux).toMatch(/kind: OCIRepository\n[\s\S]*\nspec:\n[\s\S]*\n {2}insecure: true\n[\s\S]*---/);
    const argo = await snippet('charts/lab/web/', 'argocd');
    expect(argo).toContain('  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true');
    expect(argo).toContain('insecureOCIForceHttp: "true"');
    expect(argo).not.toContain('password: <password>');
    // private: the login takes --plain-http as well
    expect(await snippet('charts/vault/web/', 'helm-oci')).toBe(
      [
        `helm registry login ${oci.host} --plain-http --username <username> --password-stdin`,
        `helm install web oci://${oci.host}/charts/web --version 1.0.0 --plain-http`,
      ].join('\n'),
    );
  });

  it('for an HTTP repository on plain http: no flag at all (the URL says http)', async () => {
    const helm = await snippet('charts/plain/web/', 'helm-repo');
    expect(helm).not.toContain('--plain-http');
    expect(await snippet('charts/plain/web/', 'flux')).not.toContain('insecure');
    const argo = await snippet('charts/plain/web/', 'argocd');
    expect(argo).toContain('      - CreateNamespace=true');
    expect(argo).not.toContain('insecure');
  });
});

describe('in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the status reads as a warning, and the new parts pass axe', async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${site.url}registries/lab/`);
      expect(await tab.textContent('.facts .badge.warn')).toBe('in sync, 2 charts failed');
      expect(await tab.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
      for (const route of ['registries/lab/', 'registries/vault/', 'charts/lab/web/']) {
        await tab.goto(site.url + route);
        expect(await axeViolations(tab), route).toEqual([]);
      }
    } finally {
      await tab.close();
    }
  });
});

describe('without a readable .chartroom/state.json', () => {
  it('the page says the last check is not recorded in this build', async () => {
    await writeFile(path.join(site.repo.root, '.chartroom', 'state.json'), '{ not json');
    const built = await buildSite({ root: site.repo.root, out: 'dist-nostate' });
    const html = await readFile(path.join(built.outDir, 'registries', 'lab', 'index.html'), 'utf8');
    expect(html).toContain('not recorded in this build');
    expect(html).not.toContain('Last check</dt><dd><time');
  }, 120_000);
});
