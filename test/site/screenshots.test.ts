/**
 * One built site, each page kind at desktop (1280x900) and phone (390x844) size: a full-page
 * screenshot saved to test-results/screenshots/<kind>-<desktop|phone>.png (git-ignored) for a
 * person to look at, and at phone size no sideways page scroll and no table cell cut off
 * outside its scroll wrapper (layout-checks.ts). Real Astro build, real Chromium.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { buildCatalogSite, launchChromium, screenshotDir, type BuiltSite } from './browser.ts';
import { phoneLayoutProblems } from './layout-checks.ts';
import { addOlderVersions } from './many-versions.ts';

/** Every page kind, by the route of one page of it (relative to the site's base). */
const KINDS: Array<{ kind: string; route: string }> = [
  { kind: 'home', route: '' },
  { kind: 'chart', route: 'charts/shots/web/' },
  { kind: 'version', route: 'charts/shots/web/1.0.0/' },
  { kind: 'versions-list', route: 'charts/shots/web/versions/' },
  { kind: 'registry', route: 'registries/shots/' },
  { kind: 'compare', route: 'charts/shots/web/compare/' },
  { kind: 'browse', route: 'charts/' },
  { kind: 'browse-registry', route: 'charts/shots/' },
];

const SIZES = [
  { size: 'desktop', viewport: { width: 1280, height: 900 } },
  { size: 'phone', viewport: { width: 390, height: 844 } },
] as const;

let site: BuiltSite;
let browser: Browser;
let out: string;

beforeAll(async () => {
  const web = await writeOwnChart('web', { schema: true });
  site = await buildCatalogSite(
    [{ name: 'shots', charts: [{ dir: web.dir, name: 'web', versions: ['1.0.0', '1.1.0'] }] }],
    { beforeBuild: (root) => addOlderVersions(root, 'shots', 'web', 40).then(() => undefined) },
  );
  browser = await launchChromium();
  out = await screenshotDir();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('screenshots of each page kind', () => {
  for (const { kind, route } of KINDS) {
    for (const { size, viewport } of SIZES) {
      it(`${kind} at ${size} size`, async () => {
        const page = await browser.newPage({ viewport });
        const response = await page.goto(`${site.url}${route}`);
        expect(response?.status(), route).toBe(200);
        await page.waitForLoadState('networkidle');
        const file = path.join(out, `${kind}-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect((await stat(file)).size).toBeGreaterThan(1_000);
        if (size === 'phone') expect(await phoneLayoutProblems(page)).toEqual([]);
        await page.close();
      });
    }
  }
});
