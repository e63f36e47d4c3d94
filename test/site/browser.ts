/**
 * The browser and the built site for the site tests: Debian's Chromium driven by playwright-core
 * (never a downloaded browser), axe-core injected into the page, and a catalog synced from a real
 * chart repository on loopback, built by `buildSite` and served by `serveSite`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { main } from '../../src/cli/main.ts';
import { buildSite } from '../../src/site-build/build.ts';
import type { ChartSource } from '../../src/demo/repository.ts';
import { serveSite, type SiteServer } from '../../src/site-build/serve.ts';
import { createSync } from '../../src/sync/run.ts';
import { serveCharts, type ServedRepository } from '../../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';
import type { Dom, DomElement } from './dom.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails (never skips) when Chromium is not installed: a skipped browser test would pass. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the site tests need Debian's Chromium at ${CHROMIUM}, which is missing: run "apt-get install -y chromium" (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface Registry {
  name: string;
  charts: ChartSource[];
  /** extra lines for the registry file */
  extra?: string;
}

export interface BuiltSite {
  repo: TempRepo;
  outDir: string;
  server: SiteServer;
  /** the site's URL (with the base path) */
  url: string;
  buildMs: number;
  /** what the build warned about (site.url unset) */
  warnings: string[];
  /** with `cli`: what `chartroom site build` printed, after it exited 0 */
  output: string[];
  close(): Promise<void>;
}

/** Serves each registry's charts, syncs them into a fresh catalog repository and builds the site. */
export async function buildCatalogSite(
  registries: Registry[],
  options: {
    base?: string;
    /** the base to serve under when the build takes it from elsewhere (chartroom.yaml's site.base) */
    serveBase?: string;
    beforeBuild?: (root: string) => Promise<void>;
    /** build with the CLI (`chartroom site build`, into dist/), as a user runs it */
    cli?: boolean;
  } = {},
): Promise<BuiltSite> {
  const repo = await createTempRepo();
  const served: ServedRepository[] = [];
  try {
    for (const registry of registries) {
      const one = await serveCharts(registry.charts);
      served.push(one);
      await repo.writeRegistry(
        registry.name,
        `url: ${one.url}\ninsecure: true\nkeep: all\ndescription: ${registry.name} charts\n${registry.extra ?? ''}`,
      );
    }
    const report = await createSync({ root: repo.root }).run({ force: true });
    if (report.exitCode !== 0) throw new Error(`the sync failed: ${JSON.stringify(report.registries)}`);
  } finally {
    for (const one of served) await one.close();
  }
  await options.beforeBuild?.(repo.root);
  const output: string[] = [];
  const built = options.cli
    ? await buildWithCli(repo.root, output)
    : await buildSite({ root: repo.root, ...(options.base ? { base: options.base } : {}) });
  const serveBase = options.base ?? options.serveBase;
  const server = await serveSite(built.outDir, serveBase ? { base: serveBase } : {});
  return {
    repo,
    outDir: built.outDir,
    server,
    url: server.url,
    buildMs: built.ms,
    warnings: built.warnings,
    output,
    close: async () => {
      await server.close();
      await repo.cleanup();
    },
  };
}

async function buildWithCli(
  root: string,
  lines: string[],
): Promise<{ outDir: string; ms: number; warnings: string[] }> {
  const started = performance.now();
  const push = (line: string) => lines.push(line);
  const code = await main(['--root', root, 'site', 'build'], { tty: false, out: push, err: push });
  if (code !== 0)
    throw new Error(`chartroom site build exited with ${code}:\n${lines.slice(-40).join('\n')}`);
  const warnings = lines.filter((l) => l.startsWith('warning: ')).map((l) => l.slice('warning: '.length));
  return { outDir: path.join(root, 'dist'), ms: Math.round(performance.now() - started), warnings };
}

/** Watches a page for anything a chart could make run: dialogs, page errors, console errors. */
export function watchPage(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  return seen;
}

let axeSource: string | undefined;

/** axe-core's serious and critical violations on the page, as "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // evaluated through the DevTools protocol, so the page's CSP (no inline script) does not block it
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.slice(0, 3).join(' ')}`);
}

/** Where screenshots go (test-results/screenshots/, git-ignored, unless CHARTROOM_SCREENSHOTS says): printed, so a person can look at them. */
export async function screenshotDir(name = ''): Promise<string> {
  const dir = path.resolve(
    process.env.CHARTROOM_SCREENSHOTS ?? path.join('test-results', 'screenshots'),
    name,
  );
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Types into the search box and waits for the result count to settle. */
export async function search(page: Page, query: string): Promise<string[]> {
  await page.fill('input[name=q]', query);
  await page.press('input[name=q]', 'Enter');
  await page.waitForFunction(() => {
    const status = (globalThis as unknown as Dom).document.getElementById('search-status')?.textContent ?? '';
    return /found|No charts match/.test(status);
  });
  return resultNames(page);
}

export async function resultNames(page: Page): Promise<string[]> {
  return page.$$eval('#search-results .result h3 a', (links: DomElement[]) =>
    links.map((a) => a.textContent ?? ''),
  );
}
