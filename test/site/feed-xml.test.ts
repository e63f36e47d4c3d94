/**
 * The Atom feeds are well-formed XML 1.0 whatever a chart carries: characters XML 1.0 forbids
 * (C0 controls but tab, LF and CR; U+FFFE and U+FFFF; lone surrogates) in a description, an
 * appVersion or the site's title are replaced, in every text and attribute of both feeds. The
 * feeds are parsed by Chromium's XML parser (DOMParser), which refuses a document that is not
 * well-formed.
 */
import { readFile, writeFile } from 'node:fs/promises';
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
      beforeBuild: (root) =>
        writeFile(path.join(root, 'chartroom.yaml'), `site:\n  title: "Acme\\x07 charts"\n`),
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
      expect(feed.summaries).toHaveLength(1);
      const [summary] = feed.summaries!;
      expect(summary).toMatch(/^before \uFFFD+\[31m\uFFFD+ after, tab\tand CR/);
      expect(summary).toContain('appVersion v1\uFFFD');
    }
  });
});
