// Each distinct README, values.yaml and schema once, by content hash: the raw files the values
// form and the compare page fetch, and the rendered fragments version pages show.
import type { APIRoute } from 'astro';
import { contentBody, contentPaths } from '../../lib/catalog.ts';

export const getStaticPaths = contentPaths;

export const GET: APIRoute = ({ props }) => {
  const { hash, form } = props as { hash: string; form: 'raw' | 'html' };
  return new Response(contentBody(hash, form));
};
