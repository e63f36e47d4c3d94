/**
 * The chart page panels' libraries on their own: Chart.yaml facts (bounded, hostile input),
 * images, changes, dependency matching (by registry URL, by unique name), related charts (keyword
 * rarity, bounded work), the schema tree, README tables in scroll regions.
 */
import { describe, expect, it } from 'vitest';
import { changesFromAnnotation, MAX_CHANGES } from '../../site/lib/changelog.ts';
import { chartYamlFacts, MAX_CHART_YAML, MAX_DEPENDENCIES } from '../../site/lib/chart-yaml.ts';
import type { CatalogRegistry } from '../../src/catalog/types.ts';
import { linkDependencies } from '../../site/lib/dependencies.ts';
import { imageReference, imagesFromAnnotation, imagesFromValues, MAX_IMAGES } from '../../site/lib/images.ts';
import { buildRelated } from '../../site/lib/related.ts';
import { renderReadme } from '../../site/lib/sanitize.ts';
import { schemaTree } from '../../site/lib/schema-explorer.ts';
import { schemaTable } from '../../site/lib/schema-table.ts';
import { laughs } from '../../testkit/alias-bomb.ts';

const registry = (name: string, url: string): CatalogRegistry => ({
  name,
  url,
  kind: 'http',
  private: false,
  charts: 0,
  versions: 0,
  failedVersions: [],
  republished: [],
});

interface TestChart {
  name: string;
  registry: string;
  keywords: string[];
}
const chart = (name: string, reg: string, keywords: string[] = []): TestChart => ({
  name,
  registry: reg,
  keywords,
});

const siteOf = (charts: TestChart[], registries: CatalogRegistry[]) => ({ charts, registries });

describe('Chart.yaml facts', () => {
  it('reads dependencies, kubeVersion, licence, links and the raw annotations', () => {
    const facts = chartYamlFacts(
      [
        'name: a',
        'kubeVersion: ">=1.25"',
        'dependencies: [{name: db, version: 1.x, repository: "https://r.example/"}, {version: 2}, "x"]',
        'annotations:',
        '  artifacthub.io/license: MIT',
        '  artifacthub.io/links: "[{name: docs, url: https://d.example}, {name: bad, url: javascript:1}]"',
        '  artifacthub.io/images: "- image: a:1"',
      ].join('\n'),
    );
    expect(facts.kubeVersion).toBe('>=1.25');
    expect(facts.license).toBe('MIT');
    expect(facts.dependencies).toEqual([{ name: 'db', version: '1.x', repository: 'https://r.example/' }]);
    expect(facts.links).toEqual([{ name: 'docs', url: 'https://d.example/' }]);
    expect(facts.imagesAnnotation).toBe('- image: a:1');
    expect(facts.notes).toEqual([]);
  });

  it('caps dependencies, refuses alias bombs and oversized files, never throws', () => {
    const many = `dependencies:\n${Array.from({ length: 500 }, (_, i) => `  - name: d${i}`).join('\n')}\n`;
    expect(chartYamlFacts(many).dependencies).toHaveLength(MAX_DEPENDENCIES);
    const bomb = chartYamlFacts(laughs(9, 'name: *l8'));
    expect(bomb.dependencies).toEqual([]);
    expect(bomb.notes[0]).toMatch(/could not be read/);
    expect(chartYamlFacts(`name: a\n#${'x'.repeat(MAX_CHART_YAML)}`).notes[0]).toMatch(/larger than/);
    expect(chartYamlFacts('[1, 2').notes[0]).toMatch(/could not be read/);
    expect(chartYamlFacts('- a list').notes[0]).toMatch(/not a mapping/);
    const started = performance.now();
    chartYamlFacts(`annotations:\n  artifacthub.io/license: "${'a'.repeat(200_000)}"\n`);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('images', () => {
  it('from the annotation, bounded', () => {
    const yaml = Array.from({ length: 80 }, (_, i) => `- name: n${i}\n  image: r/i:${i}`).join('\n');
    const read = imagesFromAnnotation(yaml);
    expect(read.images).toHaveLength(MAX_IMAGES);
    expect(read.images[0]).toEqual({ image: 'r/i:0', name: 'n0' });
    expect(imagesFromAnnotation('{a: 1}').notes[0]).toMatch(/not a list/);
  });

  it('from values.yaml by the image.registry/repository/tag convention and repo:tag strings', () => {
    const read = imagesFromValues(
      [
        'image: {registry: docker.io, repository: bitnami/nginx, tag: 1.25.3, digest: "sha256:abc"}',
        'sidecar: {image: "busybox:1.36"}',
        'initImage: {repository: alpine, tag: 3}',
        'image2: {repository: "not this key"}',
        'other: {image: "no tag"}',
        'dup: {image: "busybox:1.36"}',
      ].join('\n'),
    );
    expect(read.source).toBe('values');
    expect(read.images.map((i) => i.image).sort()).toEqual(
      ['alpine:3', 'busybox:1.36', 'docker.io/bitnami/nginx:1.25.3@sha256:abc'].sort(),
    );
    expect(imageReference({ repository: '<script>' })).toBeUndefined();
  });

  it('a values.yaml nested thousands deep is walked within its bounds', () => {
    const deep = `${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`;
    expect(() => imagesFromValues(deep)).not.toThrow();
  });
});

describe('changes', () => {
  it('reads both forms, keeps known kinds and http(s) links only, bounded', () => {
    expect(changesFromAnnotation('- one\n- two').changes).toEqual([
      { description: 'one', links: [] },
      { description: 'two', links: [] },
    ]);
    const structured = changesFromAnnotation(
      '- kind: Security\n  description: CVE fixed\n  links: [{name: cve, url: "https://c.example"}, {name: x, url: "data:,x"}]\n- kind: odd\n  description: d\n- {kind: added}',
    );
    expect(structured.changes).toEqual([
      { kind: 'security', description: 'CVE fixed', links: [{ name: 'cve', url: 'https://c.example/' }] },
      { description: 'd', links: [] },
    ]);
    const many = Array.from({ length: 300 }, (_, i) => `- c${i}`).join('\n');
    expect(changesFromAnnotation(many).changes).toHaveLength(MAX_CHANGES);
    expect(changesFromAnnotation('a: b').notes[0]).toMatch(/not a list/);
  });
});

describe('dependencies', () => {
  it('match by the registry whose URL is the repository, else by a unique name', () => {
    const site = siteOf(
      [chart('db', 'stable'), chart('db', 'other'), chart('cache', 'other')],
      [registry('stable', 'https://charts.example.com/stable/'), registry('other', 'oci://ghcr.io/other')],
    );
    const linked = linkDependencies(site, [
      { name: 'db', repository: 'https://charts.example.com/stable' },
      { name: 'db', repository: 'https://unknown.example' },
      { name: 'cache', repository: 'https://unknown.example' },
      { name: 'db', repository: 'oci://ghcr.io/other/' },
      { name: 'missing' },
    ]);
    expect(linked.map((d) => [d.chart?.registry, d.matched])).toEqual([
      ['stable', 'registry'],
      [undefined, undefined],
      ['other', 'name'],
      ['other', 'registry'],
      [undefined, undefined],
    ]);
  });
});

describe('related charts', () => {
  it('rank by rarer shared keywords, skip keywords most charts share, top 6', () => {
    const charts = [
      chart('a', 'r', ['helm', 'loki', 'logs']),
      chart('b', 'r', ['helm', 'loki']),
      chart('c', 'r', ['helm', 'logs']),
      chart('d', 'r', ['helm']),
      ...Array.from({ length: 20 }, (_, i) => chart(`z${i}`, 'r', ['helm'])),
    ];
    const related = buildRelated(charts);
    expect(related(charts[0]!).map((c) => c.name)).toEqual(['b', 'c']);
    expect(related(charts[3]!)).toEqual([]);
  });

  it('stays fast for 5,000 charts sharing one keyword', () => {
    const charts = Array.from({ length: 5000 }, (_, i) => chart(`c${i}`, 'r', ['common', `k${i % 500}`]));
    const started = performance.now();
    const related = buildRelated(charts);
    expect(related(charts[0]!).length).toBe(6);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('schema tree and README tables', () => {
  it('puts rows under their parents, including array items', () => {
    const table = schemaTable(
      JSON.stringify({
        properties: {
          a: {
            type: 'object',
            properties: { 'b.c': { type: 'string' }, d: { type: 'object', properties: { e: {} } } },
          },
          list: { type: 'array', items: { properties: { name: { type: 'string' } } } },
          f: { type: 'integer' },
        },
      }),
    );
    if (!table.ok) throw new Error(table.error);
    const tree = schemaTree(table.rows);
    const shape = (nodes: typeof tree): unknown => nodes.map((n) => [n.name, shape(n.children)]);
    expect(shape(tree)).toEqual([
      [
        'a',
        [
          ['b.c', []],
          ['d', [['e', []]]],
        ],
      ],
      ['list', [['name', []]]],
      ['f', []],
    ]);
    expect(tree[1]!.children[0]!.path).toBe('list[].name');
  });

  it('wraps each README table in a focusable scroll region', () => {
    const html = renderReadme('| a | b |\n|---|---|\n| 1 | 2 |\n').html;
    expect(html).toMatch(/^<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>/);
    expect(html.trimEnd().endsWith('</table></div>')).toBe(true);
  });
});
