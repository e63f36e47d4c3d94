import { ChartroomError } from '../errors.ts';

export type RegistryKind = 'http' | 'oci';

export interface OciReference {
  /** host[:port] as written */
  host: string;
  /** the namespace path under the host, '' for the registry root */
  namespace: string;
}

// Distribution's reference grammar for a path component.
const OCI_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const OCI_HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/;

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

function invalid(url: string, why: string): ChartroomError {
  return new ChartroomError(
    'URLInvalid',
    `invalid reference format: "${shownUrl(url)}" ${why}; use https://host/path for a chart repository or oci://host[:port]/namespace for an OCI registry`,
  );
}

/** Detects a registry's kind from its URL, refusing anything that is neither (the words are Docker's and Helm's). */
export function detectKind(url: string, insecure: boolean): RegistryKind {
  if (url.startsWith('oci://')) {
    parseOciReference(url);
    return 'oci';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'is not a URL');
  }
  if (parsed.protocol === 'https:') {
    // fall through
  } else if (parsed.protocol === 'http:') {
    if (!insecure) {
      throw new ChartroomError(
        'URLInvalid',
        `"${shownUrl(url)}" uses plain http: use https, or set insecure: true for a loopback or private test repository`,
      );
    }
  } else {
    throw invalid(url, `has scheme "${parsed.protocol.replace(/:$/, '')}"`);
  }
  if (parsed.username || parsed.password) {
    throw invalid(url, 'carries credentials in the URL; put them in a credential file (credential: NAME)');
  }
  if (parsed.search || parsed.hash) throw invalid(url, 'has a query or fragment');
  return 'http';
}

export function parseOciReference(url: string): OciReference {
  const rest = url.slice('oci://'.length).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const namespace = slash === -1 ? '' : rest.slice(slash + 1);
  if (host.includes('@')) {
    throw invalid(url, 'carries credentials in the URL; put them in a credential file (credential: NAME)');
  }
  if (!OCI_HOST.test(host)) throw invalid(url, `has an invalid host "${host.replace(/[?#].*/, '…')}"`);
  if (namespace !== '' && !namespace.split('/').every((c) => OCI_COMPONENT.test(c))) {
    throw invalid(url, 'has a namespace that is not lowercase letters, digits and separators');
  }
  return { host, namespace };
}
