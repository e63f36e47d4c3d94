/**
 * A chart's dependencies linked to their chart page when the catalog has them: by name in the
 * registry whose URL is the dependency's `repository`, else by name alone when exactly one chart
 * of the catalog has that name (labelled so: it may be another chart of the same name). The name
 * index is built once per build.
 */
import type { Dependency } from './chart-yaml.ts';

/** What dependencies are matched against (data.ts's Site and its charts have these fields). */
interface NamedChart {
  name: string;
  registry: string;
}
interface Catalog<C extends NamedChart> {
  charts: C[];
  registries: Array<{ name: string; url: string }>;
}

export interface LinkedDependency<C extends NamedChart = NamedChart> extends Dependency {
  chart?: C;
  /** how the catalog chart was found */
  matched?: 'registry' | 'name';
}

interface DependencyIndex {
  byName: Map<string, NamedChart[]>;
  registryByUrl: Map<string, string>;
}

const built = new WeakMap<object, DependencyIndex>();

/** A repository URL compared without scheme case, trailing slashes or `oci://`/`https://` difference. */
export function normalRepository(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^(oci|https?):\/\//, '')
    .replace(/\/+$/, '');
}

function indexOf(site: Catalog<NamedChart>): DependencyIndex {
  let index = built.get(site);
  if (!index) {
    const byName = new Map<string, NamedChart[]>();
    for (const chart of site.charts) byName.set(chart.name, [...(byName.get(chart.name) ?? []), chart]);
    const registryByUrl = new Map<string, string>();
    for (const r of site.registries) if (r.url) registryByUrl.set(normalRepository(r.url), r.name);
    index = { byName, registryByUrl };
    built.set(site, index);
  }
  return index;
}

export function linkDependencies<C extends NamedChart>(
  site: Catalog<C>,
  dependencies: Dependency[],
): LinkedDependency<C>[] {
  const { byName, registryByUrl } = indexOf(site);
  const charts = byName as Map<string, C[]>;
  return dependencies.map((dependency) => {
    const named = charts.get(dependency.name) ?? [];
    const registry = dependency.repository
      ? registryByUrl.get(normalRepository(dependency.repository))
      : undefined;
    const inRegistry = registry ? named.find((c) => c.registry === registry) : undefined;
    if (inRegistry) return { ...dependency, chart: inRegistry, matched: 'registry' };
    if (named.length === 1) return { ...dependency, chart: named[0]!, matched: 'name' };
    return dependency;
  });
}
