/**
 * OCI references, parsed here and nowhere else: a registry URL (`oci://host[:port][/namespace]`,
 * as a registry file writes it) and a chart reference (`oci://host/repository:tag`, as a Helm
 * index may list one). The words of the errors are Docker's and Helm's.
 */
import { ChartroomError } from '../../errors.ts';
import { shownUrl } from '../../http/safe-url.ts';
import { withoutTrailingSlashes } from '../../slashes.ts';

export interface OciReference {
  /** host[:port] as written */
  host: string;
  /** the namespace path under the host, '' for the registry root */
  namespace: string;
}

export interface OciChartReference {
  host: string;
  repository: string;
  tag: string;
}

// Distribution's reference grammar for a path component.
const OCI_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const OCI_HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/;

export const isOciUrl = (url: string): boolean => url.startsWith('oci://');

/** The refusal of a registry URL: of an OCI reference here, of the other kinds in config/reference.ts. */
export function invalidReference(url: string, why: string): ChartroomError {
  return new ChartroomError(
    'URLInvalid',
    `invalid reference format: "${shownUrl(url)}" ${why}; use https://host/path for a chart repository or oci://host[:port]/namespace for an OCI registry`,
  );
}

export function parseOciReference(url: string): OciReference {
  const rest = withoutTrailingSlashes(url.slice('oci://'.length));
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const namespace = slash === -1 ? '' : rest.slice(slash + 1);
  if (host.includes('@')) {
    throw invalidReference(
      url,
      'carries credentials in the URL; put them in a credential file (credential: NAME)',
    );
  }
  if (!OCI_HOST.test(host))
    throw invalidReference(url, `has an invalid host "${host.replace(/[?#].*/, '…')}"`);
  if (namespace !== '' && !namespace.split('/').every((c) => OCI_COMPONENT.test(c))) {
    throw invalidReference(url, 'has a namespace that is not lowercase letters, digits and separators');
  }
  return { host, namespace };
}

export function parseOciChartReference(reference: string): OciChartReference {
  const match = /^oci:\/\/([^/]+)\/(.+):([^:/]+)$/.exec(reference);
  if (!match) throw new ChartroomError('URLInvalid', `invalid reference format: ${reference}`);
  const [, host, repository, tag] = match as unknown as [string, string, string, string];
  return { host, repository, tag };
}
