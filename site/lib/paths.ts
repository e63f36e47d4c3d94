/**
 * Where the catalog is and how URLs are formed. The catalog root comes from CHARTROOM_ROOT (set
 * by `chartroom site build`), else the working directory, so one site builds from any repository.
 */
import path from 'node:path';

export function catalogRoot(): string {
  return path.resolve(process.env.CHARTROOM_ROOT ?? process.cwd());
}

/** The base path the site is served under ("/" or "/project/"), always with a trailing slash. */
export function basePath(): string {
  // import.meta.env exists under Astro/Vite; plain Node (unit tests of these helpers) has none
  const base = (import.meta.env as ImportMetaEnv | undefined)?.BASE_URL || '/';
  return base.endsWith('/') ? base : `${base}/`;
}

/** A site URL for a path written without the base, e.g. url('charts/a/b/'). */
export function url(relative: string): string {
  return basePath() + relative.replace(/^\//, '');
}

const segment = (part: string) => encodeURIComponent(part);

export const routes = {
  home: () => url(''),
  registry: (registry: string) => url(`registries/${segment(registry)}/`),
  registryFeed: (registry: string) => url(`registries/${segment(registry)}/feed.xml`),
  chart: (registry: string, chart: string) => url(`charts/${segment(registry)}/${segment(chart)}/`),
  version: (registry: string, chart: string, version: string) =>
    url(`charts/${segment(registry)}/${segment(chart)}/${segment(version)}/`),
  compare: (registry: string, chart: string) => url(`charts/${segment(registry)}/${segment(chart)}/compare/`),
  /** every chart, browsable (sort, filters, pages) */
  charts: () => url('charts/'),
  /** one registry's charts, browsable */
  registryCharts: (registry: string) => url(`charts/${segment(registry)}/`),
  /** every version of a chart, paginated ("versions" is no version string: versions are semver) */
  versionsList: (registry: string, chart: string) =>
    url(`charts/${segment(registry)}/${segment(chart)}/versions/`),
  content: (name: string) => url(`content/${name}`),
  feed: () => url('feed.xml'),
  /** the search's name index (site/lib/name-index.ts), fetched on the search box's first use */
  nameIndex: () => url('search/names.json'),
  /** page `page` (1-based) of a chart's versions list: the first is versionsList, the rest `versions/_<n>/` */
  versionsPage: (registry: string, chart: string, page: number) =>
    page <= 1
      ? url(`charts/${segment(registry)}/${segment(chart)}/versions/`)
      : url(`charts/${segment(registry)}/${segment(chart)}/versions/_${page}/`),
};
