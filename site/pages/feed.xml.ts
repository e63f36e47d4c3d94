import type { APIRoute } from 'astro';
import { loadSite } from '../lib/build.ts';
import { atomFeed, feedTitle } from '../lib/feed.ts';
import { routes } from '../lib/paths.ts';

export const GET: APIRoute = async () => {
  const body = atomFeed({
    title: feedTitle('New chart versions'),
    id: 'urn:chartroom:feed',
    self: routes.feed(),
    charts: (await loadSite()).charts,
  });
  return new Response(body, { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
};
