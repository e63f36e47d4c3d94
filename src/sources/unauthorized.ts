/**
 * The one wording of a 401 or 403, whichever protocol and request met it (an OCI catalog, tags
 * list, manifest or blob, an HTTP index or chart archive): `unauthorized: authentication
 * required` (what users search for), what was refused, and what the protocol alone can say to do.
 * What to do with the registry's own credential file is the sync's to add (it knows the file).
 */
import { ChartroomError } from '../errors.ts';
import { safeUrl } from '../http/safe-url.ts';

export interface Refusal {
  status: number;
  /** the URL that answered (after redirects) */
  url: string;
  /** whether the request carried the credential */
  sent: boolean;
  /** the registry's own words, e.g. "UNAUTHORIZED: authentication required" */
  said?: string | undefined;
  /** what was asked for, for a 403: "pull access to team/app", "the catalog" */
  access: string;
  /** a protocol-specific way out, e.g. listing charts: when the catalog is refused */
  also?: string | undefined;
}

export function unauthorized(refusal: Refusal): ChartroomError {
  const target = `GET ${safeUrl(refusal.url)} answered ${refusal.status}${refusal.said ? ` (${refusal.said})` : ''}`;
  const why =
    refusal.status === 403
      ? `the account has no ${refusal.access} (403: the credential was accepted, the permission is missing)`
      : refusal.sent
        ? 'the registry refused the credential (a wrong username, password or token, or one that expired)'
        : 'the registry wants a credential and none was sent to it';
  return new ChartroomError(
    'AuthenticationFailed',
    `unauthorized: authentication required: ${target}: ${why}${refusal.also ? `; ${refusal.also}` : ''}`,
  );
}
