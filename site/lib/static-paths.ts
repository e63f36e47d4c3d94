/**
 * Route computation: every dynamic page of the site, with its params and props, computed once
 * per build from the catalog. Each page's `getStaticPaths` returns one of these lists.
 */
import type { ContentCache, ContentForm } from './content.ts';
import type { CatalogRegistry, CatalogVersion, Site, SiteChart } from './data.ts';

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

async function changelogPaths(site: Site, content: ContentCache): Promise<StaticPaths['changelogs']> {
  const hashes = new Set<string>();
  for (const chart of site.charts)
    for (const version of chart.kept) {
      const { changelog } = await content.versionContent(chart, version);
      if (changelog) hashes.add(changelog);
    }
  return [...hashes].map((hash) => ({ params: { name: content.name(hash, 'html') }, props: { hash } }));
}
