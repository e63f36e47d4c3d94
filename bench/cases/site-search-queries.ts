/**
 * The queries of the search benchmark, by class, over the generated catalog's chart names
 * (`<fixture name>-<i>`, see generateCatalog): each with what a right first result is.
 */
export type QueryClass = 'exact' | 'prefix' | 'typo' | 'full text';

export interface BenchQuery {
  kind: QueryClass;
  query: string;
  /** whether the first result's name is the chart meant; undefined: any result will do */
  right?: (first: string) => boolean;
}

/** words of the fixture READMEs, none of them a chart name */
const FULL_TEXT = [
  'SealedSecrets',
  'serviceMonitor',
  'tolerations',
  'affinity',
  'ingress',
  'persistence',
  'webhook',
  'retention',
  'scrape',
  'dashboards',
  'sidecar',
  'certificate',
  'replicas',
  'resources',
  'upgrade',
  'notifications',
  'storage',
  'securityContext',
  'labels',
  'annotations',
];

/** One typo: two neighbouring letters swapped, in the middle of the word. */
export function swapTwo(word: string): string {
  const at = Math.max(1, Math.floor(word.length / 2) - 1);
  return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
}

export function benchQueries(fixtureNames: string[], charts: number, perClass: number): BenchQuery[] {
  const family = (name: string) => name.replace(/-\d+$/, '');
  const queries: BenchQuery[] = [];
  for (let i = 0; i < perClass; i++) {
    const index = (i * 37) % charts;
    const fixture = fixtureNames[index % fixtureNames.length]!;
    const name = `${fixture}-${index}`;
    queries.push({ kind: 'exact', query: name, right: (first) => first === name });
    const prefix = fixture.slice(0, Math.max(3, Math.ceil(fixture.length * 0.6)));
    queries.push({ kind: 'prefix', query: prefix, right: (first) => first.startsWith(prefix) });
    queries.push({ kind: 'typo', query: swapTwo(fixture), right: (first) => family(first) === fixture });
    queries.push({ kind: 'full text', query: FULL_TEXT[i % FULL_TEXT.length]! });
  }
  return queries;
}
