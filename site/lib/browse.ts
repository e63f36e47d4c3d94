/**
 * The browse pages (`charts/` and `charts/<registry>/`): every chart, in pages of PAGE_SIZE.
 * Without JavaScript each page is static HTML in name order, page N at `…/_page/N/`: a segment
 * that starts with `_` can be neither a registry name (`^[a-z0-9][a-z0-9-]*$`) nor a chart name
 * (`^[A-Za-z0-9]…`), so it never collides with a registry's or a chart's page. Sorting by last
 * update and the filters run in the browser over the Pagefind index (scripts/browse.ts).
 */
import type { CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';
import { filterKeyword, keywordCounts } from './keywords.ts';
import { signatureBadge } from './signatures.ts';

/**
 * What a list needs of a chart and of the site: data.ts's SiteChart and Site have these (their
 * own types are not imported, so this file is checked, and unit-tested, without Astro's types)
 */
export interface ListedChart {
  name: string;
  registry: string;
  keywords: string[];
  latestEntry: CatalogVersion | undefined;
  registryDoc: CatalogRegistry;
}
export interface ListedSite<C extends ListedChart> {
  charts: C[];
  registries: Array<{ name: string }>;
  chartsOf: (registry: string) => C[];
  keywords: Array<[string, number]>;
}

/** charts per page, static or client-side: one page's fragments are all the browser loads */
export const PAGE_SIZE = 24;
/** the keyword filter offers the most used keywords, as the search form does */
export const KEYWORD_OPTIONS = 300;
/** the segment before a page number: `_` keeps it out of registry and chart names */
export const PAGE_SEGMENT = '_page';

/** the query parameters the browse form reads, shared with the search form (empty search) */
export const BROWSE_FILTERS = ['registry', 'keyword', 'deprecated', 'signature'] as const;
export const SORTS = [
  { value: 'name', label: 'Name (A to Z)' },
  { value: 'name-desc', label: 'Name (Z to A)' },
  { value: 'updated', label: 'Last updated (newest first)' },
  { value: 'updated-asc', label: 'Last updated (oldest first)' },
] as const;

export interface BrowsePage<C extends ListedChart = ListedChart> {
  /** undefined: every registry's charts */
  registry: string | undefined;
  /** 1-based */
  page: number;
  pages: number;
  total: number;
  charts: C[];
}

const byName = new WeakMap<ListedChart[], ListedChart[]>();

/** Charts in name order (case-insensitive, then registry), sorted once per list and build. */
export function chartsByName<C extends ListedChart>(charts: C[]): C[] {
  let sorted = byName.get(charts) as C[] | undefined;
  if (!sorted) {
    sorted = [...charts].sort((a, b) => compareNames(a, b) || a.registry.localeCompare(b.registry));
    byName.set(charts, sorted);
  }
  return sorted;
}

const compareNames = (a: ListedChart, b: ListedChart) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

export const pageCount = (total: number): number => Math.max(1, Math.ceil(total / PAGE_SIZE));

/** One static page of a list: the charts it shows and where it stands. */
export function browsePage<C extends ListedChart>(
  site: ListedSite<C>,
  registry: string | undefined,
  page: number,
): BrowsePage<C> {
  const all = chartsByName(registry === undefined ? site.charts : site.chartsOf(registry));
  const start = (page - 1) * PAGE_SIZE;
  return {
    registry,
    page,
    pages: pageCount(all.length),
    total: all.length,
    charts: all.slice(start, start + PAGE_SIZE),
  };
}

/**
 * The routes of every page after the first, for `charts/[...page].astro`: `_page/N` for all
 * charts, `<registry>/_page/N` for one registry's.
 */
export function laterPagePaths(
  site: ListedSite<ListedChart>,
): Array<{ params: { page: string }; props: { registry: string | undefined; page: number } }> {
  const lists: Array<[string | undefined, number]> = [
    [undefined, site.charts.length],
    ...site.registries.map((r): [string, number] => [r.name, site.chartsOf(r.name).length]),
  ];
  return lists.flatMap(([registry, total]) =>
    Array.from({ length: pageCount(total) - 1 }, (_, i) => {
      const page = i + 2;
      const prefix = registry === undefined ? '' : `${registry}/`;
      return { params: { page: `${prefix}${PAGE_SEGMENT}/${page}` }, props: { registry, page } };
    }),
  );
}

/** The keyword filter's options for a list: its charts' keywords, most used first. */
export function keywordOptions(site: ListedSite<ListedChart>, registry: string | undefined): string[] {
  const counts = registry === undefined ? site.keywords : keywordCounts(site.chartsOf(registry));
  return counts.slice(0, KEYWORD_OPTIONS).map(([k]) => filterKeyword(k));
}

/** Whether any chart's latest version has its signatures recorded: then the signature filter is offered. */
export const anySignatures = (charts: ListedChart[]): boolean =>
  charts.some((c) => signatureBadge(c.latestEntry, c.registryDoc) !== undefined);
