/**
 * Turns registry challenges into Authorization headers; the HTTP layer applies them. Anonymous
 * first; on a challenge, Basic (with the credential) or a Bearer token from the realm the
 * registry names (with `service` and `scope`, and the credential when there is one). Tokens are
 * cached per scope until they expire. The credential goes to the registry's origin and to the
 * realm it names over https or loopback, nowhere else (Docker Hub's realm, auth.docker.io, is
 * another host than registry-1.docker.io, named by the registry itself). Every token the realm
 * answers (token, access_token, refresh_token) is registered for redaction as it is received.
 */
import { isoTime } from '../../chart/metadata.ts';
import { ChartroomError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { isLoopbackHost } from '../../http/loopback.ts';
import { safeUrl } from '../../http/safe-url.ts';
import { basicAuthHeader, type Credential } from '../../http/basic-auth.ts';
import type { Challenge } from './challenge.ts';

export interface OciAuth {
  /** the header to send for this scope now, if any is known */
  current(scope: string): Promise<string | undefined>;
  /** answers a 401's challenge; returns the header to retry with */
  answer(challenge: Challenge | undefined, scope: string): Promise<string>;
  /** forget a token the registry refused */
  invalidate(scope: string): void;
}

/** Docker's token response, and OAuth2's (`access_token`, `refresh_token`). */
interface TokenResponse {
  token?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  issued_at?: string;
}

/** Every string the token service answered that is a token: registered before any is sent anywhere. */
function registerTokens(body: TokenResponse, registerSecret: (secret: string) => void): void {
  if (typeof body !== 'object') return;
  for (const key of ['token', 'access_token', 'refresh_token', 'id_token'] as const) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') {
      registerSecret(value);
      registerSecret(`Bearer ${value}`);
    }
  }
}

interface CachedToken {
  header: string;
  expires: number;
}

// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createOciAuth(options: {
  http: HttpClient;
  registry: string;
  credential: Credential | undefined;
  clock?: () => number;
  /** every token received is registered here before it is used (redaction) */
  registerSecret?: ((secret: string) => void) | undefined;
}): OciAuth {
  const { http, credential } = options;
  const registerSecret = options.registerSecret ?? (() => undefined);
  const clock = options.clock ?? Date.now;
  const tokens = new Map<string, CachedToken>();
  let bearer: { realm: string; service: string | undefined } | undefined;
  let basic = false;

  async function fetchToken(scope: string): Promise<string> {
    const { realm, service } = bearer!;
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname) && credential) {
      throw new ChartroomError(
        'InsecureRealm',
        `the registry names a token realm over plain http (${safeUrl(realm)}); refusing to send the credential there`,
      );
    }
    const response = await http.get(url.href, {
      auth: credential ? { header: basicAuthHeader(credential), origins: [url.origin] } : undefined,
      maxBytes: 1024 * 1024,
      what: 'token',
    });
    if (response.status === 401 || response.status === 403) {
      throw new ChartroomError(
        'AuthenticationFailed',
        `unauthorized: authentication required: the token service ${safeUrl(realm)} refused ${credential ? 'the credential (a wrong username, password or token, or one that expired)' : 'an anonymous token: the registry wants a credential'}`,
      );
    }
    if (response.status === 429 || response.status >= 500) {
      // down or rate limiting: not a problem with the credential, and the next sync tries again
      throw new ChartroomError(
        response.status === 429 ? 'RateLimited' : 'HTTPError',
        `the token service ${safeUrl(realm)} answered ${response.status}; the next sync tries again`,
      );
    }
    if (response.status !== 200) {
      throw new ChartroomError(
        'AuthenticationFailed',
        `unauthorized: authentication required: the token service ${safeUrl(realm)} answered ${response.status}`,
      );
    }
    let body: TokenResponse;
    try {
      body = (JSON.parse(response.body.toString('utf8')) ?? {}) as TokenResponse;
    } catch {
      throw new ChartroomError(
        'AuthenticationFailed',
        `the token service ${safeUrl(realm)} answered something that is not JSON`,
      );
    }
    registerTokens(body, registerSecret);
    const token = body.token ?? body.access_token;
    if (typeof token !== 'string' || token === '')
      throw new ChartroomError(
        'AuthenticationFailed',
        `the token service ${safeUrl(realm)} answered no token`,
      );
    // Docker's token spec: 60 s when expires_in is absent; refresh a little early.
    const lifetime =
      (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60) * 1000;
    // RFC 3339 only, and Go's zero time (a Go token service that never set it) is no time at all
    const issued = Date.parse(isoTime(body.issued_at) ?? '');
    const expires = (Number.isNaN(issued) ? clock() : Math.min(clock(), issued)) + lifetime - 5000;
    const header = `Bearer ${token}`;
    tokens.set(scope, { header, expires });
    return header;
  }

  return {
    async current(scope) {
      if (basic && credential) return basicAuthHeader(credential);
      if (!bearer) return undefined;
      const cached = tokens.get(scope);
      if (cached && cached.expires > clock()) return cached.header;
      // The registry told us how to authenticate: get the token up front, saving a 401 per scope.
      return fetchToken(scope);
    },
    async answer(challenge, scope) {
      if (challenge?.scheme === 'basic') {
        if (!credential) {
          throw new ChartroomError(
            'AuthenticationFailed',
            'unauthorized: authentication required: the registry asks for a username and password and none was sent to it',
            { hint: 'add credential: NAME to the registry file' },
          );
        }
        basic = true;
        return basicAuthHeader(credential);
      }
      if (challenge?.scheme === 'bearer' && challenge.params.realm) {
        bearer = { realm: challenge.params.realm, service: challenge.params.service };
        // insufficient_scope names the scope the registry wants
        return fetchToken(
          challenge.params.scope && challenge.params.error === 'insufficient_scope'
            ? challenge.params.scope
            : scope,
        );
      }
      throw new ChartroomError(
        'AuthenticationFailed',
        'unauthorized: authentication required: the registry answered 401 without a challenge chartroom understands',
      );
    },
    invalidate(scope) {
      tokens.delete(scope);
    },
  };
}
