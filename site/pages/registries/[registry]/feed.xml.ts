import type { APIRoute } from 'astro';
import { loadSite, staticPaths } from '../../../lib/build.ts';
import type { CatalogRegistry } from '../../../lib/data.ts';
import { atomFeed, feedTitle } from '../../../lib/feed.ts';
import { routes } from '../../../lib/paths.ts';

export const getStaticPaths = () => staticPaths('registries');

export const GET: APIRoute = async ({ props }) => {
  const { registry } = props as { registry: CatalogRegistry };
  const body = atomFeed({
    title: feedTitle(`New chart versions in ${registry.name}`),
    id: `urn:chartroom:feed:${registry.name}`,
    self: routes.registryFeed(registry.name),
    charts: (await loadSite()).chartsOf(registry.name),
  });
  return new Response(body, { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
};
