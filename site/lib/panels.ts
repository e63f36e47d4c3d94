/**
 * Everything the chart page's panels show, gathered for one page from what the build computed
 * once (the Chart.yaml facts and values images per distinct file, the dependency and related
 * indexes per build). What comes from a chart's files (images, changes, CHANGELOG.md) is left out
 * for a private registry's chart under `metadata`, as its README and values are.
 */
import { changesFromAnnotation, type Change } from './changelog.ts';
import type { ChartYamlFacts } from './chart-yaml.ts';
import type { ContentCache, VersionContent } from './content.ts';
import type { CatalogVersion, Site, SiteChart } from './data.ts';
import { linkDependencies, type LinkedDependency } from './dependencies.ts';
import { imagesFromAnnotation, type ChartImages } from './images.ts';
import { relatedCharts } from './related.ts';

export interface ChartPanels {
  facts: ChartYamlFacts;
  dependencies: LinkedDependency<SiteChart>[];
  images?: ChartImages;
  changes: Change[];
  /** the hash of the version's CHANGELOG.md */
  changelog?: string;
  related: SiteChart[];
  /** notes of what could not be read, shown above the panels */
  notes: string[];
}

export async function chartPanels(
  site: Site,
  cache: ContentCache,
  chart: SiteChart,
  version: CatalogVersion | undefined,
  content: VersionContent,
): Promise<ChartPanels> {
  const facts = version ? await cache.chartFacts(chart, version) : { dependencies: [], links: [], notes: [] };
  const notes = [...facts.notes];
  let images: ChartImages | undefined;
  let changes: Change[] = [];
  if (!chart.contentHidden) {
    if (facts.imagesAnnotation) images = imagesFromAnnotation(facts.imagesAnnotation);
    else if (content.values) images = cache.valuesImages(content.values);
    if (facts.changesAnnotation) {
      const read = changesFromAnnotation(facts.changesAnnotation);
      changes = read.changes;
      notes.push(...read.notes);
    }
  }
  if (images?.source === 'annotation') notes.push(...images.notes);
  return {
    facts,
    dependencies: linkDependencies(site, facts.dependencies),
    ...(images && images.images.length > 0 ? { images } : {}),
    changes,
    ...(content.changelog ? { changelog: content.changelog } : {}),
    related: relatedCharts(site)(chart),
    notes,
  };
}
