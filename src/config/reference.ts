/**
 * Registry kinds: which protocol a registry file's URL names, and the refusals of URLs that name
 * neither. OCI references themselves are parsed in sources/oci/reference.ts.
 */
import { ChartroomError } from '../errors.ts';
import { shownUrl } from '../http/safe-url.ts';
import { invalidReference, isOciUrl, parseOciReference } from '../sources/oci/reference.ts';

export type RegistryKind = 'http' | 'oci';

/** Detects a registry's kind from its URL, refusing anything that is neither (the words are Docker's and Helm's). */
export function detectKind(url: string, insecure: boolean): RegistryKind {
  if (isOciUrl(url)) {
    parseOciReference(url);
    return 'oci';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidReference(url, 'is not a URL');
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
    throw invalidReference(url, `has scheme "${parsed.protocol.replace(/:$/, '')}"`);
  }
  if (parsed.username || parsed.password) {
    throw invalidReference(
      url,
      'carries credentials in the URL; put them in a credential file (credential: NAME)',
    );
  }
  if (parsed.search || parsed.hash) throw invalidReference(url, 'has a query or fragment');
  return 'http';
}
