/**
 * URLs fit for a message or the catalog. `safeUrl` is for a URL chartroom requested (it parses);
 * `shownUrl` is for a URL as a registry file wrote it, which may not parse or may be oci://.
 */

/** No userinfo, no query string (tokens travel there), no fragment. */
export function safeUrl(href: string): string {
  try {
    const url = new URL(href);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The URL as an error may show it: a user:password@ part and a query string (tokens live there)
 * are masked, since a registry file's mistakes end up in CI logs.
 */
export function shownUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@')
    .replace(/\?[^#]*/, '?…')
    .replace(/#.*/, '#…');
}
