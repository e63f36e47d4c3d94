/**
 * What case 7 measures of a built site besides its build time: the largest page (.html) and the
 * largest file of any kind, and the bytes of the home page's first load in Chromium (every
 * response until the network is idle: HTML, JS, CSS and any index it fetches), and after a
 * focus on the search box (what a search's first keystroke has fetched by then).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveSite } from '../../src/site-build/serve.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LargestFiles {
  html: { file: string; bytes: number };
  any: { file: string; bytes: number };
}

export async function largestFiles(dir: string): Promise<LargestFiles> {
  const largest: LargestFiles = { html: { file: '', bytes: 0 }, any: { file: '', bytes: 0 } };
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { size } = await stat(file);
    const relative = path.relative(dir, file);
    if (size > largest.any.bytes) largest.any = { file: relative, bytes: size };
    if (entry.name.endsWith('.html') && size > largest.html.bytes)
      largest.html = { file: relative, bytes: size };
  }
  return largest;
}

export interface FirstLoad {
  /** bytes of every response of the home page's load, until the network is idle */
  bytes: number;
  requests: number;
  /** by kind: html, js, css, json/index, other */
  byKind: Record<string, number>;
  /** the same after a focus on the search box and one typed letter */
  afterSearchBytes: number;
}

const kindOf = (url: string, type: string) =>
  /html/.test(type)
    ? 'html'
    : /javascript/.test(type) || url.endsWith('.js')
      ? 'js'
      : /css/.test(type)
        ? 'css'
        : /pagefind|json|wasm/.test(url + type)
          ? 'index'
          : 'other';

export async function homeFirstLoad(outDir: string): Promise<FirstLoad> {
  const server = await serveSite(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const byKind: Record<string, number> = {};
    let bytes = 0;
    let requests = 0;
    page.on('response', (response) => {
      void response
        .body()
        .then((body) => {
          bytes += body.length;
          requests++;
          const kind = kindOf(response.url(), response.headers()['content-type'] ?? '');
          byKind[kind] = (byKind[kind] ?? 0) + body.length;
        })
        .catch(() => {}); // a redirect has no body
    });
    await page.goto(server.url, { waitUntil: 'networkidle' });
    const first = { bytes, requests, byKind: { ...byKind } };
    const box = page.locator('input[name=q]');
    if (await box.count()) {
      await box.first().focus();
      await box.first().press('p');
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
    }
    return { ...first, afterSearchBytes: bytes };
  } finally {
    await browser.close();
    await server.close();
  }
}
