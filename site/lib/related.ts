/**
 * Related charts by shared keywords, computed once per build for every chart. A keyword counts by
 * its rarity (log(N / charts that have it)); one shared by very many charts (more than
 * MAX_SHARED, or half the catalog) says nothing and is skipped, which also bounds the work: each
 * chart looks at no more than MAX_SHARED others per keyword, never at every other chart.
 */
/** What related charts are computed from (a data.ts chart has these fields). */
export interface KeywordedChart {
  name: string;
  registry: string;
  keywords: string[];
}

export const RELATED_COUNT = 6;
export const MAX_SHARED = 50;

export type RelatedIndex<C extends KeywordedChart> = (chart: C) => C[];

const built = new WeakMap<object, RelatedIndex<KeywordedChart>>();

/** The index of a build's site (data.ts Site), built on its first use. */
export function relatedCharts<C extends KeywordedChart>(site: { charts: C[] }): RelatedIndex<C> {
  let index = built.get(site);
  if (!index) {
    index = buildRelated(site.charts) as unknown as RelatedIndex<KeywordedChart>;
    built.set(site, index);
  }
  return index as unknown as RelatedIndex<C>;
}

const keyOf = (chart: KeywordedChart) => `${chart.registry}/${chart.name}`;
const normal = (keyword: string) => keyword.trim().toLowerCase();

export function buildRelated<C extends KeywordedChart>(charts: C[]): RelatedIndex<C> {
  const byKeyword = new Map<string, C[]>();
  for (const chart of charts) {
    for (const k of new Set(chart.keywords.slice(0, 50).map(normal))) {
      if (!k) continue;
      const list = byKeyword.get(k) ?? [];
      list.push(chart);
      byKeyword.set(k, list);
    }
  }
  const limit = Math.min(MAX_SHARED, Math.max(2, Math.floor(charts.length / 2)));
  const result = new Map<string, C[]>();
  for (const chart of charts) {
    const scores = new Map<C, number>();
    for (const k of new Set(chart.keywords.slice(0, 50).map(normal))) {
      const sharing = byKeyword.get(k);
      if (!sharing || sharing.length < 2 || sharing.length > limit) continue;
      const weight = Math.log(charts.length / sharing.length) + 0.1;
      for (const other of sharing) if (other !== chart) scores.set(other, (scores.get(other) ?? 0) + weight);
    }
    const top = [...scores]
      .sort(
        (a, b) =>
          b[1] - a[1] || a[0].name.localeCompare(b[0].name) || a[0].registry.localeCompare(b[0].registry),
      )
      .slice(0, RELATED_COUNT)
      .map(([other]) => other);
    if (top.length > 0) result.set(keyOf(chart), top);
  }
  return (chart) => result.get(keyOf(chart)) ?? [];
}
