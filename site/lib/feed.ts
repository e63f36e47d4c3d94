/**
 * Atom feeds of new versions. Their links are absolute under chartroom.yaml's site.url; without
 * it they are relative to the site, and the feed's subtitle says so.
 */
import { newestVersions, type FeedEntry, type SiteChart } from './data.ts';
import { routes } from './paths.ts';
import { signatureBadge } from './signatures.ts';
import { absoluteUrl, siteSettings } from './settings.ts';

/** A feed's title, after the site's name when chartroom.yaml sets one. */
export function feedTitle(what: string): string {
  const { title } = siteSettings();
  return title ? `${title}: ${what}` : what;
}

const RELATIVE_NOTE =
  'Links are relative to the site: site.url is not set in chartroom.yaml, so they cannot be absolute.';

/**
 * What XML 1.0 does not allow in a document at all, escaped or not (its `Char` production): C0
 * controls but tab, LF and CR, U+FFFE, U+FFFF, and surrogates that are not half of a pair. A
 * feed reader refuses the whole feed for one, so each is replaced by U+FFFD.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A text or attribute value of the feed: markup escaped, characters XML 1.0 forbids replaced. */
export const escapeXml = (text: string) =>
  text
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
    );
const escape = escapeXml;

/** A description in a summary, at most this long: it is the chart's, untrusted, and repeated per entry. */
const SUMMARY_DESCRIPTION_CHARS = 500;

/**
 * An entry's summary, never empty: "<chart> <version>" first, then what is known. Built only
 * from optional fields, it was empty for an OCI version outside `keep` of a chart without a
 * description (a tag listing gives no appVersion), and for any such HTTP chart without one.
 */
export function entrySummary(chart: SiteChart, version: FeedEntry['version']): string {
  const description = chart.description?.trim() ?? '';
  return [
    `${chart.name} ${version.version}`,
    description.length > SUMMARY_DESCRIPTION_CHARS
      ? `${description.slice(0, SUMMARY_DESCRIPTION_CHARS)}…`
      : description,
    version.appVersion ? `appVersion ${version.appVersion}` : '',
    version.deprecated ? 'deprecated' : '',
    version.removed ? 'removed upstream' : '',
    // a feed reader sees a refused version as what it is (nothing when not checked)
    signatureBadge(version, chart.registryDoc)?.label ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
}

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
    const summary = entrySummary(chart, version);
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
