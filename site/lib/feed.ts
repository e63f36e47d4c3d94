/**
 * Atom feeds of new versions. Their links are absolute under chartroom.yaml's site.url; without
 * it they are relative to the site, and the feed's subtitle says so.
 */
import { newestVersions, type SiteChart } from './data.ts';
import { routes } from './paths.ts';
import { absoluteUrl, siteSettings } from './settings.ts';

/** A feed's title, after the site's name when chartroom.yaml sets one. */
export function feedTitle(what: string): string {
  const { title } = siteSettings();
  return title ? `${title}: ${what}` : what;
}

const RELATIVE_NOTE =
  'Links are relative to the site: site.url is not set in chartroom.yaml, so they cannot be absolute.';

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

export function atomFeed(options: { title: string; id: string; self: string; charts: SiteChart[] }): string {
  const entries = newestVersions(options.charts, 50);
  const updated = entries[0]?.version.created ?? '1970-01-01T00:00:00Z';
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${escape(options.title)}</title>`,
    `  <id>${escape(options.id)}</id>`,
    ...(siteSettings().url ? [] : [`  <subtitle>${escape(RELATIVE_NOTE)}</subtitle>`]),
    `  <updated>${escape(updated)}</updated>`,
    `  <link rel="self" href="${escape(absoluteUrl(options.self))}"/>`,
    `  <link rel="alternate" href="${escape(absoluteUrl(routes.home()))}"/>`,
    '  <author><name>chartroom</name></author>',
  ];
  for (const { chart, version } of entries) {
    const link =
      version.files.length > 0
        ? routes.version(chart.registry, chart.name, version.version)
        : routes.chart(chart.registry, chart.name);
    const summary = [
      chart.description ?? '',
      version.appVersion ? `appVersion ${version.appVersion}` : '',
      version.deprecated ? 'deprecated' : '',
    ]
      .filter(Boolean)
      .join(' · ');
    lines.push(
      '  <entry>',
      `    <title>${escape(`${chart.registry}/${chart.name} ${version.version}`)}</title>`,
      `    <id>${escape(`urn:chartroom:${chart.registry}:${chart.name}:${version.version}`)}</id>`,
      `    <updated>${escape(version.created)}</updated>`,
      `    <link href="${escape(absoluteUrl(link))}"/>`,
      `    <summary>${escape(summary)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
