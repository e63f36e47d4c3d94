/**
 * A big Helm index, generated deterministically from the real argo-helm index: its charts are
 * repeated under numbered names until there are `versions` entries, and each entry gets the
 * Bitnami-style annotations (category, images, licenses), `common` dependency and source links that make Bitnami's entries about
 * 1.5 KB each, so 20,000 versions come to about 30 MB as in Bitnami's real index.yaml.
 * Written the way Helm writes it (sigs.k8s.io/yaml: sorted keys, sequences not indented).
 */
import { createHash } from 'node:crypto';
import { dump, load } from 'js-yaml';

export type Entry = Record<string, unknown> & { name: string; version: string; urls: string[] };
export interface HelmIndex {
  apiVersion: 'v1';
  entries: Record<string, Entry[]>;
  generated: string;
}

/** YAML the way Helm writes it (sigs.k8s.io/yaml: sorted keys, sequences not indented, no anchors). */
export const helmYaml = (index: HelmIndex) =>
  dump(index, { sortKeys: true, seqNoIndent: true, lineWidth: -1, noRefs: true });

export interface BigIndex {
  document: HelmIndex;
  yaml: string;
  json: string;
  versions: number;
  charts: number;
  /** "chart version" of every entry, in index order */
  keys: string[];
}

export function bigIndex(argoIndexYaml: string, versions: number): BigIndex {
  const source = load(argoIndexYaml) as { entries: Record<string, Entry[]> };
  const real = Object.entries(source.entries).sort(([a], [b]) => (a < b ? -1 : 1));
  const entries: Record<string, Entry[]> = {};
  let count = 0;
  let charts = 0;
  const keys: string[] = [];
  for (let copy = 0; count < versions; copy++) {
    for (const [chart, list] of real) {
      if (count >= versions) break;
      const name = copy === 0 ? chart : `${chart}-${copy}`;
      const take = list.slice(0, versions - count);
      entries[name] = take.map((e) => scaled(e, name, copy));
      for (const e of take) keys.push(`${name} ${e.version}`);
      count += take.length;
      charts++;
    }
  }
  const index: HelmIndex = { apiVersion: 'v1', entries, generated: '2026-11-01T00:00:00Z' };
  return {
    document: index,
    yaml: helmYaml(index),
    json: JSON.stringify(index),
    versions: count,
    charts,
    keys,
  };
}

function scaled(entry: Entry, name: string, copy: number): Entry {
  const digest = createHash('sha256')
    .update(`${String(entry.digest)}/${copy}`)
    .digest('hex');
  const app = typeof entry.appVersion === 'string' ? entry.appVersion : entry.version;
  return {
    ...entry,
    name,
    digest,
    urls: [`${name}-${entry.version}.tgz`],
    dependencies: [
      ...((entry.dependencies as unknown[] | undefined) ?? []),
      {
        name: 'common',
        repository: 'oci://registry-1.docker.io/examplecharts',
        tags: ['example-common'],
        version: '2.x.x',
      },
    ],
    sources: [
      ...((entry.sources as string[] | undefined) ?? []),
      `https://github.com/example/charts/tree/main/example/${name}`,
    ],
    annotations: {
      ...(entry.annotations as Record<string, string> | undefined),
      category: 'Infrastructure',
      images: [
        `- name: ${name}`,
        `  image: docker.io/example/${name}:${app}-debian-12-r${copy}`,
        `- name: os-shell`,
        `  image: docker.io/example/os-shell:12-debian-12-r${copy}`,
        `- name: ${name}-exporter`,
        `  image: docker.io/example/${name}-exporter:${app}-debian-12-r${copy}`,
        '',
      ].join('\n'),
      licenses: 'Apache-2.0',
    },
  };
}
