/**
 * A chart with thousands of versions, written straight into a synced catalog: its page shows the
 * newest ten and links to a paginated list of all (100 a page, at versions/ and versions/_N/),
 * no page grows with the number of versions, the registry page bounds its failed and
 * republished lists, and at 390 px the versions table is cards: no horizontal scroll, no cell
 * cut off, the status of each version in view. Real Astro build, real Chromium.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { axeViolations, buildCatalogSite, launchChromium, type BuiltSite } from './browser.ts';
import { addFailures, addOlderVersions } from './many-versions.ts';
import { phoneLayoutProblems, textLines } from './layout-checks.ts';

const OLDER = 3_000;
const TOTAL = OLDER + 2;
const PAGES = Math.ceil(TOTAL / 100);

let site: BuiltSite;
let browser: Browser;

beforeAll(async () => {
  const web = await writeOwnChart('web');
  site = await buildCatalogSite(
    [{ name: 'big', charts: [{ dir: web.dir, name: 'web', versions: ['1.0.0', '1.1.0'] }] }],
    {
      beforeBuild: async (root) => {
        await addOlderVersions(root, 'big', 'web', OLDER);
        await addFailures(root, 'big', 'web', 250);
      },
    },
  );
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const html = (route: string) => readFile(path.join(site.outDir, route, 'index.html'), 'utf8');
/** The versions table's rows (its header row left out). */
function rows(page: string): number {
  const start = page.indexOf('class="versions-table"');
  const table = page.slice(start, page.indexOf('</table>', start));
  return table.match(/<tr[ >]/g)!.length - 1;
}

async function open(route: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 844 } });
  const response = await page.goto(`${site.url}${route}`);
  expect(response?.status(), route).toBe(200);
  return page;
}

describe('a chart with 3,002 versions', () => {
  it('shows the newest ten on its page and links to all of them', async () => {
    const page = await html('charts/big/web');
    expect(rows(page)).toBe(10);
    expect(page).toContain(`Versions (${TOTAL.toLocaleString('en')})`);
    expect(page).toContain('href="/charts/big/web/versions/"');
    expect(page).toContain('1.1.0');
  });

  it('lists every version, 100 a page, newest first, with a pager', async () => {
    const first = await html('charts/big/web/versions');
    expect(rows(first)).toBe(100);
    expect(first.indexOf('>1.1.0<')).toBeLessThan(first.indexOf('>1.0.0<'));
    expect(first).toContain(`href="/charts/big/web/versions/_${PAGES}/"`);
    const last = await html(`charts/big/web/versions/_${PAGES}`);
    expect(rows(last)).toBe(TOTAL - (PAGES - 1) * 100);
    expect(last).toContain('rel="prev"');
    const listed = new Set<string>();
    for (let n = 1; n <= PAGES; n++) {
      const text = await html(n === 1 ? 'charts/big/web/versions' : `charts/big/web/versions/_${n}`);
      for (const [, v] of text.matchAll(/<td data-label="Version"[^>]*>(?:<a [^>]*>)?([^<]+)/g))
        listed.add(v!);
    }
    expect(listed.size).toBe(TOTAL);
    const past = await fetch(`${site.url}charts/big/web/versions/_${PAGES + 1}/`);
    expect(past.status).toBe(404);
  });

  it('a page of the list moves to the next with its pager, in the browser', async () => {
    const page = await open('charts/big/web/versions/');
    await page.click('.pager a[rel=next]');
    await page.waitForURL(/versions\/_2\/$/);
    expect(await page.locator('.versions-table tbody tr').count()).toBe(100);
    expect(await page.locator('.pager [aria-current=page]').textContent()).toBe('2');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('a version page carries a window of ten rows with its own version in it', async () => {
    const page = await html('charts/big/web/1.0.0');
    expect(rows(page)).toBe(10);
    expect(page).toMatch(
      /<tr aria-current="true"><td data-label="Version" class="version-cell"><a [^>]*>1\.0\.0</,
    );
  });

  it('no built page grows with the number of versions', async () => {
    const sizes = await htmlSizes(site.outDir);
    const largest = Math.max(...sizes.values());
    // 3,002 versions in the table would be ~1.5 MB; a page of 100 rows is ~60 KB
    expect(largest).toBeLessThan(150_000);
    const chartJson = (await stat(path.join(site.repo.root, 'catalog', 'charts', 'big', 'web', 'chart.json')))
      .size;
    expect(chartJson).toBeGreaterThan(largest * 4);
  });

  it('the registry page shows the first 100 failed and republished versions and how many more', async () => {
    const page = await html('registries/big');
    expect(page).toContain('Failed versions (250)');
    expect(page).toContain('Republished versions (250)');
    expect(page.match(/HTTP 500 for web/g)!.length).toBe(100);
    expect(page.match(/150 more are in/g)!.length).toBe(2);
  });
});

describe('at 390 px', () => {
  for (const route of ['charts/big/web/', 'charts/big/web/1.0.0/', 'charts/big/web/versions/']) {
    it(`${route}: no horizontal scroll, no cut-off cell, every status in view`, async () => {
      const page = await open(route, 390);
      expect(await phoneLayoutProblems(page)).toEqual([]);
      const status = page.locator('.versions-table td[data-label=Status]').first();
      expect(await status.isVisible()).toBe(true);
      const box = (await status.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      // a short digest is one line: not broken mid-word
      expect(await textLines(page, '.versions-table td.digest')).toBe(1);
      await page.close();
    });
  }
});

async function htmlSizes(dir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const file = path.join(entry.parentPath, entry.name);
    sizes.set(file, (await stat(file)).size);
  }
  return sizes;
}
