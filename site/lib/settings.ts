/**
 * The catalog repository's settings (chartroom.yaml's `site:`), as `chartroom site build` hands
 * them over: resolved and checked, as JSON in CHARTROOM_SETTINGS. Without it (Astro run by hand)
 * every default applies, and private registries show their metadata only.
 */
import { basePath } from './paths.ts';

export type PrivateRegistries = 'full' | 'metadata' | 'hidden';

export interface SiteSettings {
  title?: string;
  description?: string;
  /** the public URL, base path included */
  url?: string;
  /** an https URL, or a path under the site's root (the copied repository file) */
  logo?: string;
  links: Array<{ title: string; url: string }>;
  privateRegistries: PrivateRegistries;
}

let settings: SiteSettings | undefined;

export function siteSettings(): SiteSettings {
  settings ??= {
    links: [],
    privateRegistries: 'metadata',
    ...(JSON.parse(process.env.CHARTROOM_SETTINGS || '{}') as Partial<SiteSettings>),
  };
  return settings;
}

/** The site's name: chartroom unless site.title says otherwise. */
export const siteTitle = (): string => siteSettings().title ?? 'chartroom';

/** A site path (base included) as an absolute URL under site.url; the path itself when it is unset. */
export function absoluteUrl(href: string): string {
  const { url } = siteSettings();
  if (!url) return href;
  const relative = href.startsWith(basePath()) ? href.slice(basePath().length) : href.replace(/^\//, '');
  return new URL(relative, url.endsWith('/') ? url : `${url}/`).href;
}
