/** A URL fit for a message or the catalog: no userinfo, no query string (tokens travel there), no fragment. */
export function safeUrl(href: string): string {
  try {
    const url = new URL(href);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
