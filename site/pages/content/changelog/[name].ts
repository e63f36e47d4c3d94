// Each distinct CHANGELOG.md once, by content hash, sanitised like a README: the chart and version
// pages fetch it rather than carry it (a changelog grows with the chart's history).
import type { APIRoute } from 'astro';
import { siteContent, staticPaths } from '../../../lib/build.ts';

export const getStaticPaths = () => staticPaths('changelogs');

export const GET: APIRoute = ({ props }) => {
  const { hash } = props as { hash: string };
  return new Response(siteContent().body(hash, 'html'));
};
