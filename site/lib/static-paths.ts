/**
 * Route computation: every dynamic page of the site, with its params and props, computed once
 * per build from the catalog. Each page's `getStaticPaths` returns one of these lists.
 */
import type { ContentCache, ContentForm } from './content.ts';
import type { CatalogRegistry, CatalogVersion, Site, SiteChart } from './data.ts';
import { NEWEST_SHOWN, versionsPageCount } from './versions-pages.ts';

export interface StaticPaths {
  /** registries/[registry]/ and its feed */
  registries: Array<{ params: { registry: string }; props: { registry: CatalogRegistry } }>;
  /** charts/[registry]/[chart]/ */
  charts: Array<{ params: { registry: string; chart: string }; props: { chart: SiteChart } }>;
  /** charts/[registry]/[chart]/[version]/: every kept version */
  versions: Array<{
    params: { registry: string; chart: string; version: string };
    props: { chart: SiteChart; version: CatalogVersion };
  }>;
  /** charts/[registry]/[chart]/compare/: charts with at least two kept values.yaml */
  compare: Array<{ params: { registry: string; chart: string }; props: { chart: SiteChart } }>;
  /** content/[name]: every distinct file once (raw values and schemas, README and values fragments) */
  content: Array<{ params: { name: string }; props: { hash: string; form: ContentForm } }>;
  /** charts/[registry]/[chart]/versions/: page 1 of the versions list, for charts with more versions than their page shows */
  versionsLists: Array<{ params: { registry: string; chart: string }; props: { chart: SiteChart } }>;
  /** charts/[registry]/[chart]/versions/_[page]/: its pages 2 and after */
  versionsPages: Array<{
    params: { registry: string; chart: string; page: string };
    props: { chart: SiteChart; page: number };
  }>;
  /** content/changelog/[name]: each distinct CHANGELOG.md once, rendered (the chart pages fetch it) */
  changelogs: Array<{ params: { name: string }; props: { hash: string } }>;
}

export async function computeStaticPaths(site: Site, content: ContentCache): Promise<StaticPaths> {
  const chartParams = (chart: SiteChart) => ({ registry: chart.registry, chart: chart.name });
  return {
    registries: site.registries.map((registry) => ({
      params: { registry: registry.name },
      props: { registry },
    })),
    charts: site.charts.map((chart) => ({ params: chartParams(chart), props: { chart } })),
    versions: site.charts.flatMap((chart) =>
      chart.kept.map((version) => ({
        params: { ...chartParams(chart), version: version.version },
        props: { chart, version },
      })),
    ),
    compare: site.charts
      .filter(
        (chart) =>
          !chart.contentHidden && chart.kept.filter((v) => v.files.includes('values.yaml')).length >= 2,
      )
      .map((chart) => ({ params: chartParams(chart), props: { chart } })),
    content: await contentPaths(site, content),
    versionsLists: listedCharts(site).map((chart) => ({ params: chartParams(chart), props: { chart } })),
    versionsPages: listedCharts(site).flatMap((chart) =>
      Array.from({ length: versionsPageCount(chart) - 1 }, (_, i) => ({
        params: { ...chartParams(chart), page: `_${i + 2}` },
        props: { chart, page: i + 2 },
      })),
    ),
    changelogs: await changelogPaths(site, content),
  };
}

async function contentPaths(site: Site, content: ContentCache): Promise<StaticPaths['content']> {
  const hashes = new Set<string>();
  for (const chart of site.charts) {
    for (const version of chart.kept) {
      const files = await content.versionContent(chart, version);
      for (const hash of [files.readme, files.values, files.schema]) if (hash) hashes.add(hash);
    }
  }
  return [...hashes].flatMap((hash) => {
    const kind = content.kind(hash);
    const forms: ContentForm[] = kind === 'readme' ? ['html'] : kind === 'values' ? ['raw', 'html'] : ['raw'];
    return forms.map((form) => ({ params: { name: content.name(hash, form) }, props: { hash, form } }));
  });
}

/** Charts with more versions than their page shows: only they have a versions list. */
function listedCharts(site: Site): SiteChart[] {
  return site.charts.filter((chart) => chart.versions.length > NEWEST_SHOWN);
}

async function changelogPaths(site: Site, content: ContentCache): Promise<StaticPaths['changelogs']> {
  const hashes = new Set<string>();
  for (const chart of site.charts)
    for (const version of chart.kept) {
      const { changelog } = await content.versionContent(chart, version);
      if (changelog) hashes.add(changelog);
    }
  return [...hashes].map((hash) => ({ params: { name: content.name(hash, 'html') }, props: { hash } }));
}
