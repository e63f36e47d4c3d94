// Each distinct README, values.yaml and schema once, by content hash: the raw files the values
// form and the compare page fetch, and the rendered fragments version pages show.
import type { APIRoute } from 'astro';
import { siteContent, staticPaths } from '../../lib/build.ts';
import type { ContentForm } from '../../lib/content.ts';

export const getStaticPaths = () => staticPaths('content');

export const GET: APIRoute = ({ props }) => {
  const { hash, form } = props as { hash: string; form: ContentForm };
  return new Response(siteContent().body(hash, form));
};
