/**
 * How many versions each page shows, so that no page grows with a chart's number of versions:
 * the chart and version pages show a window of NEWEST_SHOWN rows and link to the paginated list
 * (versions/, versions/_2/, …) of VERSIONS_PER_PAGE rows a page. A page-number segment starts
 * with "_": it is no version (versions are semver) and not "compare".
 */
import type { CatalogVersion, SiteChart } from './data.ts';
import { signatureBadge } from './signatures.ts';

export const NEWEST_SHOWN = 10;
export const VERSIONS_PER_PAGE = 100;

/** How many pages the chart's versions list has (at least one, even for no version). */
export function versionsPageCount(chart: Pick<SiteChart, 'versions'>): number {
  return Math.max(1, Math.ceil(chart.versions.length / VERSIONS_PER_PAGE));
}

/** The rows of page `page` (1-based) of the versions list, newest first as the catalog lists them. */
export function versionsOnPage(chart: Pick<SiteChart, 'versions'>, page: number): CatalogVersion[] {
  const start = (page - 1) * VERSIONS_PER_PAGE;
  return chart.versions.slice(start, start + VERSIONS_PER_PAGE);
}

/**
 * The rows a chart or version page shows: the newest NEWEST_SHOWN, or, for a version beyond
 * them, the NEWEST_SHOWN around it (so the current row is always there).
 */
export function versionWindow(chart: Pick<SiteChart, 'versions'>, current?: string): CatalogVersion[] {
  const at = current === undefined ? -1 : chart.versions.findIndex((v) => v.version === current);
  if (at < NEWEST_SHOWN) return chart.versions.slice(0, NEWEST_SHOWN);
  const start = Math.min(at - Math.floor(NEWEST_SHOWN / 2), chart.versions.length - NEWEST_SHOWN);
  return chart.versions.slice(start, start + NEWEST_SHOWN);
}

/** The page of the versions list that holds `version` (1 when it is not listed). */
export function pageOf(chart: Pick<SiteChart, 'versions'>, version: string | undefined): number {
  const at = version === undefined ? -1 : chart.versions.findIndex((v) => v.version === version);
  return at < 0 ? 1 : Math.floor(at / VERSIONS_PER_PAGE) + 1;
}

const signedCharts = new WeakMap<SiteChart, boolean>();

/**
 * Whether any version of the chart was checked for a signature: every page of its versions
 * shows the Signature column then (the same columns on each page), computed once per chart.
 */
export function hasSignatureColumn(chart: SiteChart): boolean {
  let known = signedCharts.get(chart);
  if (known === undefined) {
    known = chart.versions.some((v) => signatureBadge(v, chart.registryDoc) !== undefined);
    signedCharts.set(chart, known);
  }
  return known;
}
