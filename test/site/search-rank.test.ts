/**
 * The name index and its ranking as plain functions (site/lib/name-index.ts,
 * site/scripts/search-rank.ts, search-typo.ts): tiers, typo bounds, filters, and the bounds on
 * untrusted chart text (description length, keyword count, query words).
 */
import { describe, expect, it } from 'vitest';
import {
  DESCRIPTION_CHARS,
  type IndexedChart,
  KEYWORDS_PER_CHART,
  nameIndex,
  shortDescription,
} from '../../site/lib/name-index.ts';
import { queryWords, rankNames, TIER } from '../../site/scripts/search-rank.ts';
import { withinEdits } from '../../site/scripts/search-typo.ts';

function chart(name: string, extra: Partial<IndexedChart> = {}): IndexedChart {
  return {
    name,
    registry: 'r',
    description: `The ${name} chart`,
    keywords: [],
    deprecated: false,
    latest: '1.0.0',
    registryDoc: {
      name: 'r',
      url: '',
      kind: 'http',
      private: false,
      charts: 0,
      versions: 0,
      failedVersions: [],
      republished: [],
    },
    latestEntry: undefined,
    ...extra,
  };
}

const index = nameIndex({
  charts: [
    chart('prometheus', { keywords: ['monitoring', 'metrics'] }),
    chart('prometheus-mysql-exporter', { keywords: ['prometheus', 'mysql'] }),
    chart('alertmanager', { keywords: ['prometheus', 'alerts'] }),
    chart('loki-stack', { description: 'Loki with promtail' }),
    chart('ingress-nginx'),
    chart('old', { deprecated: true, keywords: ['monitoring'], registry: 'other' }),
  ],
});
const rank = (q: string, filters = {}) => rankNames(index, q, filters).map((h) => [h.name, h.tier]);

describe('the name ranking', () => {
  it('exact, prefix, name word, keyword, typo, description, in that order', () => {
    expect(rank('prometheus')).toEqual([
      ['prometheus', TIER.exactName],
      ['prometheus-mysql-exporter', TIER.namePrefix],
      ['alertmanager', TIER.keyword],
    ]);
    expect(rank('nginx')).toEqual([['ingress-nginx', TIER.nameWord]]);
    expect(rank('promethues').map(([n]) => n)).toEqual(['prometheus', 'prometheus-mysql-exporter']);
    expect(rank('lokki')).toEqual([['loki-stack', TIER.typo]]);
    expect(rank('promtail')).toEqual([['loki-stack', TIER.description]]);
  });

  it('every word must match; words joined by dashes match a name', () => {
    expect(rank('loki stack')).toEqual([['loki-stack', TIER.exactName]]);
    expect(rank('prometheus mysql').map(([n]) => n)).toEqual(['prometheus-mysql-exporter']);
    expect(rank('prometheus nothing')).toEqual([]);
  });

  it('short words get no typo match; the distance is bounded', () => {
    expect(rank('lok')).toEqual([['loki-stack', TIER.namePrefix]]);
    expect(rank('lko')).toEqual([]);
    expect(withinEdits('grafanna', 'grafana', 1)).toBe(true);
    expect(withinEdits('promethues', 'prometheus', 1)).toBe(true);
    expect(withinEdits('abcd', 'wxyz', 2)).toBe(false);
    expect(withinEdits('a'.repeat(60), 'b'.repeat(60), 2)).toBe(false);
  });

  it('filters apply to the names as to the full text', () => {
    expect(rank('monitoring').map(([n]) => n)).toEqual(['old', 'prometheus']);
    expect(rank('monitoring', { deprecated: 'no' }).map(([n]) => n)).toEqual(['prometheus']);
    expect(rank('monitoring', { registry: 'other' }).map(([n]) => n)).toEqual(['old']);
    expect(rank('prometheus', { keyword: 'mysql' }).map(([n]) => n)).toEqual(['prometheus-mysql-exporter']);
  });
});

describe('the name index', () => {
  it('writes registries and keywords once, and bounds what a chart brings', () => {
    const big = nameIndex({
      charts: [
        chart('a', {
          description: 'word '.repeat(10_000),
          keywords: Array.from({ length: 500 }, (_, i) => `k${i},x`),
        }),
        chart('b', { keywords: ['k1,x'] }),
      ],
    });
    expect(big.registries).toEqual(['r']);
    expect(big.keywords).toHaveLength(KEYWORDS_PER_CHART);
    expect(big.keywords[1]).toBe('k1 x');
    expect(big.charts[1]![4]).toEqual([1]);
    expect(big.charts[0]![3].length).toBeLessThanOrEqual(DESCRIPTION_CHARS);
    expect(shortDescription('a\n\n  b')).toBe('a b');
    expect(queryWords(`${'x'.repeat(1000)} ${'y '.repeat(100)}`)).toHaveLength(8);
    expect(queryWords('x'.repeat(1000))[0]).toHaveLength(64);
  });
});
