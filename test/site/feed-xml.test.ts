/**
 * The Atom feeds are well-formed XML 1.0 whatever a chart carries: characters XML 1.0 forbids
 * (C0 controls but tab, LF and CR; U+FFFE and U+FFFF; lone surrogates) in a description, an
 * appVersion or the site's title are replaced, in every text and attribute of both feeds. The
 * feeds are parsed by Chromium's XML parser (DOMParser), which refuses a document that is not
 * well-formed. Every link is absolute under chartroom.yaml's site.url, and every entry has a
 * summary, also a tag-only OCI version of a chart without a description (once empty).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { buildCatalogSite, launchChromium, type BuiltSite } from './browser.ts';
import type { DomElement } from './dom.ts';

/** The page's DOMParser, typed as the callback uses it (the project has no DOM lib). */
type XmlParser = { DOMParser: new () => { parseFromString(text: string, type: string): DomElement } };

/** What XML 1.0 forbids, as YAML double-quoted escapes (the YAML parser turns them into the characters). */
const FORBIDDEN_YAML = String.raw`\x00\x01\x08\x0B\x0C\x0E\x1B[31m\x1F\uFFFE\uFFFF\uDFFF\uD800`;
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

let browser: Browser;
let site: BuiltSite;

const SITE_URL = 'https://charts.example.test/acme/';

/**
 * An OCI registry as a tag listing leaves it: a chart without a description whose versions lie
 * outside `keep` (no files, no appVersion), written straight into the catalog.
 */
async function writeTagOnlyOciChart(root: string): Promise<void> {
  const catalog = path.join(root, 'catalog');
  const registry = {
    name: 'oci',
    url: 'oci://registry.example.test/charts',
    kind: 'oci',
    private: false,
    charts: 1,
    versions: 2,
    failedVersions: [],
    republished: [],
  };
  await writeFile(path.join(catalog, 'registries', 'oci.json'), JSON.stringify(registry));
  const version = (v: string, created: string) => ({
    version: v,
    created,
    deprecated: false,
    removed: false,
    files: [],
    digest: `sha256:${'a'.repeat(64)}`,
  });
  const chart = {
    name: 'tagged',
    registry: 'oci',
    sources: [],
    keywords: [],
    maintainers: [],
    deprecated: false,
    latest: '2.0.0',
    versions: [version('2.0.0', '2030-01-02T00:00:00Z'), version('1.0.0', '2030-01-01T00:00:00Z')],
  };
  await mkdir(path.join(catalog, 'charts', 'oci', 'tagged'), { recursive: true });
  await writeFile(path.join(catalog, 'charts', 'oci', 'tagged', 'chart.json'), JSON.stringify(chart));
}

beforeAll(async () => {
  browser = await launchChromium();
  const chart = await writeOwnChart('ctl');
  await writeFile(
    path.join(chart.dir, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: ctl',
      `description: "before ${FORBIDDEN_YAML} after, tab\\tand CR\\r kept"`,
      'version: 1.0.0',
      `appVersion: "v1${FORBIDDEN_YAML}"`,
      '',
    ].join('\n'),
  );
  site = await buildCatalogSite(
    [{ name: 'own', charts: [{ dir: chart.dir, name: 'ctl', versions: ['1.0.0'] }] }],
    {
      beforeBuild: async (root) => {
        await writeFile(
          path.join(root, 'chartroom.yaml'),
          `site:\n  title: "Acme\\x07 charts"\n  url: ${SITE_URL}\n`,
        );
        await writeTagOnlyOciChart(root);
      },
    },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** The feed parsed by Chromium: its parser error, else the entries' summaries and the feed's title. */
async function parse(xml: string): Promise<{ error?: string; title?: string; summaries?: string[] }> {
  const page = await browser.newPage();
  try {
    return await page.evaluate((text) => {
      const doc = new (globalThis as unknown as XmlParser).DOMParser().parseFromString(
        text,
        'application/xml',
      );
      const error = doc.querySelector('parsererror');
      if (error) return { error: error.textContent ?? 'parsererror' };
      return {
        title: doc.querySelector('feed > title')?.textContent ?? '',
        summaries: [...doc.querySelectorAll('entry > summary')].map((e) => e.textContent ?? ''),
      };
    }, xml);
  } finally {
    await page.close();
  }
}

describe('feeds', () => {
  it('are well-formed XML 1.0 when a description, an appVersion and the site title hold forbidden characters', async () => {
    for (const file of ['feed.xml', 'registries/own/feed.xml']) {
      const xml = await readFile(path.join(site.outDir, file), 'utf8');
      const feed = await parse(xml);
      expect(feed.error, `${file}: ${feed.error}`).toBeUndefined();
      expect(xml, file).not.toMatch(FORBIDDEN);
      expect(feed.title).toMatch(/^Acme\uFFFD charts: New chart versions/);
      const summary = feed.summaries!.find((s) => s.startsWith('ctl 1.0.0 · '));
      expect(summary).toMatch(/^ctl 1\.0\.0 · before \uFFFD+\[31m\uFFFD+ after, tab\tand CR/);
      expect(summary).toContain('appVersion v1\uFFFD');
    }
  });

  it('give every entry a summary, an OCI version known only by its tag too', async () => {
    const main = await parse(await readFile(path.join(site.outDir, 'feed.xml'), 'utf8'));
    expect(main.summaries).toEqual([
      'tagged 2.0.0',
      'tagged 1.0.0',
      expect.stringMatching(/^ctl 1\.0\.0 · before/),
    ]);
    const oci = await parse(await readFile(path.join(site.outDir, 'registries/oci/feed.xml'), 'utf8'));
    expect(oci.summaries).toEqual(['tagged 2.0.0', 'tagged 1.0.0']);
  });

  it("have every link absolute under chartroom.yaml's site.url, and ids that are URIs", async () => {
    for (const file of ['feed.xml', 'registries/own/feed.xml', 'registries/oci/feed.xml']) {
      const xml = await readFile(path.join(site.outDir, file), 'utf8');
      const hrefs = [...xml.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs.length, file).toBeGreaterThanOrEqual(3);
      for (const href of hrefs) expect(href, file).toMatch(/^https:\/\/charts\.example\.test\/acme\//);
      const ids = [...xml.matchAll(/<id>([^<]*)<\/id>/g)].map((m) => m[1]!);
      for (const id of ids) expect(id, file).toMatch(/^urn:chartroom:/);
      expect(xml, file).not.toContain('site.url is not set');
    }
    const main = await readFile(path.join(site.outDir, 'feed.xml'), 'utf8');
    expect(main).toContain(`<link rel="self" href="${SITE_URL}feed.xml"/>`);
    expect(main).toContain(`<link href="${SITE_URL}charts/oci/tagged/"/>`);
    expect(main).toContain(`<link href="${SITE_URL}charts/own/ctl/1.0.0/"/>`);
  });
});
