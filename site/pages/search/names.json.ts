import type { APIRoute } from 'astro';
import { loadSite } from '../../lib/build.ts';
import { nameIndex } from '../../lib/name-index.ts';

/** The search's name index: one line of JSON, every chart the site shows. */
export const GET: APIRoute = async () =>
  new Response(JSON.stringify(nameIndex(await loadSite())), {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
