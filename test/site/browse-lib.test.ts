/** The browse pages' routes and order (site/lib/browse.ts), over a small in-memory site. */
import { describe, expect, it } from 'vitest';
import { browsePage, chartsByName, laterPagePaths, PAGE_SIZE } from '../../site/lib/browse.ts';
import type { ListedChart, ListedSite } from '../../site/lib/browse.ts';

const REGISTRY_NAME = /^[a-z0-9][a-z0-9-]*$/;
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

function siteOf(counts: Record<string, number>): ListedSite<ListedChart> {
  const charts = Object.entries(counts).flatMap(([registry, count]) =>
    Array.from(
      { length: count },
      (_, i) => ({ name: `c${String(count - i).padStart(3, '0')}`, registry }) as ListedChart,
    ),
  );
  return {
    registries: Object.keys(counts).map((name) => ({ name })),
    charts,
    chartsOf: (registry) => charts.filter((c) => c.registry === registry),
    keywords: [],
  };
}

describe('browse pages', () => {
  it('writes a page after the first only when a list needs it, at a segment no name can take', () => {
    const site = siteOf({ empty: 0, full: PAGE_SIZE, over: PAGE_SIZE + 1, two: 2 * PAGE_SIZE + 1 });
    const paths = laterPagePaths(site).map((p) => p.params.page);
    // all charts: 4 * PAGE_SIZE + 2, so pages 2 to 5
    expect(paths).toEqual([
      '_page/2',
      '_page/3',
      '_page/4',
      '_page/5',
      'over/_page/2',
      'two/_page/2',
      'two/_page/3',
    ]);
    for (const path of paths) {
      const segments = path.split('/');
      const page = segments.at(-2)!;
      expect(REGISTRY_NAME.test(page) || CHART_NAME.test(page)).toBe(false);
    }
  });

  it('orders by name without regard to case, then registry, and slices pages', () => {
    const charts = [
      { name: 'beta', registry: 'b' },
      { name: 'Alpha', registry: 'a' },
      { name: 'alpha', registry: 'a0' },
      { name: 'gamma', registry: 'a' },
    ] as ListedChart[];
    expect(chartsByName(charts).map((c) => `${c.name}@${c.registry}`)).toEqual([
      'Alpha@a',
      'alpha@a0',
      'beta@b',
      'gamma@a',
    ]);
    const site = siteOf({ two: 2 * PAGE_SIZE + 1 });
    const last = browsePage(site, 'two', 3);
    expect([last.page, last.pages, last.total, last.charts.length]).toEqual([3, 3, 2 * PAGE_SIZE + 1, 1]);
    expect(browsePage(site, undefined, 1).charts[0]!.name).toBe('c001');
  });
});
