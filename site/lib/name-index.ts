/**
 * The search's name index: one compact JSON file with what the search ranks on before any full
 * text (chart names, keywords, registry, latest version, a short description, and the facts its
 * filters need). The browser fetches it on the search box's first focus or keystroke, never on
 * the home page's first load. Registries, keywords and signature badges are tables the charts
 * point into by position, so a name or keyword shared by many charts is written once.
 *
 * Everything in it is chart text: the browser renders it with textContent only. Sizes are bounded
 * here (description, keywords per chart) so the file grows with the number of charts only.
 */
import type { CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';
import { filterKeyword } from './keywords.ts';
import { signatureBadge, type SignatureState } from './signatures.ts';

/** what the index reads of a SiteChart (data.ts), named here so plain Node tests can build one */
export interface IndexedChart {
  name: string;
  registry: string;
  latest?: string | undefined;
  description?: string | undefined;
  keywords: string[];
  deprecated: boolean;
  latestEntry: CatalogVersion | undefined;
  registryDoc: CatalogRegistry;
}

/** the description's length in the index: enough for a result's excerpt */
export const DESCRIPTION_CHARS = 160;
/** keywords per chart in the index (chart.json allows more; the ranking needs a few) */
export const KEYWORDS_PER_CHART = 20;
const KEYWORD_CHARS = 64;

/** [name, registry #, latest version, short description, keyword #s, deprecated 0|1, badge # or -1] */
export type NameIndexChart = [string, number, string, string, number[], 0 | 1, number];

export interface NameIndex {
  v: 1;
  registries: string[];
  keywords: string[];
  /** [state, label] of each signature badge the charts carry */
  badges: Array<[SignatureState, string]>;
  charts: NameIndexChart[];
}

/** The name index of a site's charts (hidden registries are already left out of `site`). */
export function nameIndex(site: { charts: IndexedChart[] }): NameIndex {
  const registries = new Table<string>();
  const keywords = new Table<string>();
  const badges = new Table<[SignatureState, string]>((b) => b.join('\n'));
  const charts = site.charts.map((chart): NameIndexChart => {
    const badge = signatureBadge(chart.latestEntry, chart.registryDoc);
    return [
      chart.name,
      registries.id(chart.registry),
      chart.latest ?? '',
      shortDescription(chart.description),
      chartKeywords(chart).map((k) => keywords.id(k)),
      chart.deprecated ? 1 : 0,
      badge ? badges.id([badge.state, badge.label]) : -1,
    ];
  });
  return { v: 1, registries: registries.values, keywords: keywords.values, badges: badges.values, charts };
}

function chartKeywords(chart: Pick<IndexedChart, 'keywords'>): string[] {
  const seen = new Set<string>();
  for (const k of chart.keywords) {
    const keyword = filterKeyword(k).trim().slice(0, KEYWORD_CHARS);
    if (keyword) seen.add(keyword);
    if (seen.size === KEYWORDS_PER_CHART) break;
  }
  return [...seen];
}

/** The description on one line, cut at a word before DESCRIPTION_CHARS with an ellipsis. */
export function shortDescription(text: string | undefined): string {
  const line = (text ?? '')
    .slice(0, DESCRIPTION_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  if (line.length <= DESCRIPTION_CHARS) return line;
  const cut = line.slice(0, DESCRIPTION_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > DESCRIPTION_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** Values written once, referred to by position. */
class Table<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<string, number>();
  private readonly key: (value: T) => string;
  constructor(key: (value: T) => string = String) {
    this.key = key;
  }
  id(value: T): number {
    const key = this.key(value);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.ids.set(key, id);
    }
    return id;
  }
}
