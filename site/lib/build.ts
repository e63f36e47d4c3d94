/**
 * What one build shares: the catalog read once (data.ts), the content cache (content.ts), the
 * routes computed once (static-paths.ts) and the registries' last checks. Pages and components
 * reach them through the functions here.
 *
 * Astro evaluates each page module on its own and hands pages nothing in common (no build
 * context; `Astro.locals` is per request), so state shared between pages has to live in a
 * module. This is the one such object; it is created on first use, from CHARTROOM_ROOT and the
 * settings (CHARTROOM_SETTINGS).
 */
import { appendFileSync } from 'node:fs';
import { createContentCache, type ContentCache, type DegradedContent } from './content.ts';
import { readLastChecks, readSite, versionFileReader, type Site } from './data.ts';
import { catalogRoot } from './paths.ts';
import { siteSettings } from './settings.ts';
import { computeStaticPaths, type StaticPaths } from './static-paths.ts';

interface Build {
  root: string;
  site?: Promise<Site>;
  lastChecks?: Promise<Map<string, string>>;
  content: ContentCache;
  paths?: Promise<StaticPaths>;
}

let build: Build | undefined;

function current(): Build {
  if (!build) {
    const root = catalogRoot();
    build = { root, content: createContentCache(versionFileReader(root), reportDegraded) };
  }
  return build;
}

/**
 * A file shown as plain text or in part: one JSON line in the file CHARTROOM_DEGRADED names
 * (`chartroom site build` lists them when the build is done), else a warning on the console.
 */
function reportDegraded(item: DegradedContent): void {
  const file = process.env.CHARTROOM_DEGRADED;
  if (file) appendFileSync(file, `${JSON.stringify(item)}\n`);
  else
    console.warn(
      `chartroom: ${item.leftOut ? item.file : `${item.registry}/${item.chart} ${item.version} ${item.file}`}: ${item.reason}`,
    );
}

/** The catalog, read once per build. */
export function loadSite(): Promise<Site> {
  const shared = current();
  shared.site ??= readSite(shared.root, siteSettings().privateRegistries, (item) =>
    reportDegraded({ ...item, version: '', leftOut: true }),
  );
  return shared.site;
}

/** Each registry's last check (.chartroom/state.json), read once per build; empty without the file. */
export function loadLastChecks(): Promise<Map<string, string>> {
  const shared = current();
  shared.lastChecks ??= readLastChecks(shared.root);
  return shared.lastChecks;
}

/** Each distinct README, values.yaml and schema, read and rendered once per build. */
export function siteContent(): ContentCache {
  return current().content;
}

/** One page's `getStaticPaths`: every route is computed once, on the first call. */
export async function staticPaths<K extends keyof StaticPaths>(page: K): Promise<StaticPaths[K]> {
  const shared = current();
  shared.paths ??= loadSite().then((site) => computeStaticPaths(site, shared.content));
  // a new array each call: Astro keys each route's paths on the array it gets (it sets a
  // `keyed` map on it), and a registry's page and its feed take the same list
  return (await shared.paths)[page].slice() as StaticPaths[K];
}
