/**
 * Parses a `WWW-Authenticate` header (RFC 9110 auth-params) into a challenge. Samples:
 *   www-authenticate: Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"
 *   www-authenticate: Bearer realm="https://auth.docker.io/token",service="registry.docker.io"
 *   www-authenticate: Basic realm="https://ACCOUNT.dkr.ecr.REGION.amazonaws.com/",service="ecr.amazonaws.com"
 *   www-authenticate: Bearer realm="…",error="insufficient_scope",scope="repository:a/b:pull"
 */
export interface Challenge {
  /** lower-cased: 'basic', 'bearer', … */
  scheme: string;
  params: Record<string, string>;
}

export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  // sticky: each param is matched where the last one ended, and text that is not a param is
  // skipped to the next comma, so the parse is linear in the header (an unanchored search
  // retried at every offset is quadratic on a long run of letters without `=`)
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
  const rest = match[2]!;
  while (re.lastIndex < rest.length) {
    const start = re.lastIndex;
    const m = re.exec(rest);
    if (m === null) {
      const comma = rest.indexOf(',', start);
      if (comma === -1) break;
      re.lastIndex = comma + 1;
      continue;
    }
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}
