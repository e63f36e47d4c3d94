/**
 * The distribution API (OCI distribution spec) as chartroom needs it: tags with `Link`
 * pagination, the catalog, manifests, blobs. Each request is tried with what auth already knows;
 * a 401 is answered once (see auth.ts) and retried. Blob redirects to a storage host are followed
 * by the HTTP client without the registry's Authorization header (it only goes to the registry's
 * origin).
 */
import { meansNoCatalog } from '../../error-catalogue.ts';
import { ChartroomError } from '../../errors.ts';
import type { HttpClient, HttpResponse } from '../../http/client.ts';
import { safeUrl } from '../../http/safe-url.ts';
import { sha256Digest } from '../../chart/digest.ts';
import type { Credential } from '../../http/basic-auth.ts';
import { createOciAuth } from './auth.ts';
import { parseChallenge } from './challenge.ts';
import { collectPages, MAX_PAGE_BYTES, nextLink } from './pages.ts';
import { unauthorized } from '../unauthorized.ts';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** Image manifests only (no index), OCI and Docker: what a cosign `.sig` tag points to. */
export const IMAGE_MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The referrers API answers an image index; a referrer is an image manifest (or, before OCI 1.1 final, an artifact manifest). */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const REFERRER_MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.artifact.manifest.v1+json',
];
/**
 * Statuses that mean "no referrers API" (OCI distribution spec 1.1: a registry that has it must
 * not answer 404; docker-registry 2.8 answers 404, others 400, 405 or 501).
 */
export const NO_REFERRERS_API = [400, 404, 405, 501];

export interface OciClientOptions {
  http: HttpClient;
  /** the registry's name in chartroom, for messages */
  registry: string;
  /** host[:port] */
  host: string;
  insecure: boolean;
  credential: Credential | undefined;
  /** tokens bought with the credential are registered here for redaction (see auth.ts) */
  registerSecret?: ((secret: string) => void) | undefined;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

export type OciClient = ReturnType<typeof createOciClient>;

// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createOciClient(options: OciClientOptions) {
  const { http, registry } = options;
  const origin = `${options.insecure ? 'http' : 'https'}://${options.host}`;
  const auth = createOciAuth({
    http,
    registry,
    credential: options.credential,
    registerSecret: options.registerSecret,
  });

  async function get(
    url: string,
    request: {
      scope: string;
      accept?: string;
      maxBytes: number;
      what: string;
      repo?: string;
      /** statuses returned as they are instead of thrown */
      pass?: readonly number[];
    },
  ): Promise<HttpResponse> {
    const send = async (header: string | undefined) =>
      http.get(url, {
        headers: request.accept ? { accept: request.accept } : {},
        auth: header ? { header, origins: [origin] } : undefined,
        maxBytes: request.maxBytes,
        what: request.what,
      });
    let response = await send(await auth.current(request.scope));
    if (response.status === 401) {
      auth.invalidate(request.scope);
      response = await send(
        await auth.answer(parseChallenge(response.headers['www-authenticate']), request.scope),
      );
    }
    if ((response.status < 200 || response.status >= 300) && !request.pass?.includes(response.status))
      throw statusError(response, request.what, request.repo);
    return response;
  }

  function statusError(response: HttpResponse, what: string, repo: string | undefined): ChartroomError {
    const where = `${options.host}${repo ? `/${repo}` : ''}`;
    const detail = registryError(response.body);
    const said = detail ? ` (${detail.code}: ${detail.message})` : '';
    const target = `GET ${safeUrl(response.url)} answered ${response.status}`;
    if (response.status === 401 || response.status === 403) {
      const catalog = what === 'catalog';
      return unauthorized({
        status: response.status,
        url: response.url,
        sent: options.credential !== undefined,
        said: detail ? `${detail.code}: ${detail.message}` : undefined,
        access: catalog ? 'permission to list the catalog' : `pull access to ${where}`,
        also: catalog
          ? `if the registry keeps its catalog from this account (GHCR, Docker Hub and ECR list it to no one), list the chart repositories under charts: in registries/${registry}.yaml`
          : undefined,
      });
    }
    if (detail?.code === 'NAME_UNKNOWN' || (response.status === 404 && what === 'tags')) {
      return new ChartroomError('NameUnknown', `name unknown: ${where} does not exist (${target})`, {
        hint: 'check the chart name under charts: in the registry file',
      });
    }
    if (detail?.code === 'MANIFEST_UNKNOWN' || (response.status === 404 && what === 'manifest')) {
      return new ChartroomError('ManifestUnknown', `manifest unknown: ${where}: ${target}`);
    }
    if (response.status === 429) {
      return new ChartroomError(
        'RateLimited',
        `toomanyrequests: ${where}: ${target}${said}; the next sync tries again`,
      );
    }
    return new ChartroomError(
      response.status === 404 ? 'NotFound' : 'HTTPError',
      `${where}: ${target} for the ${what}${said}`,
    );
  }

  /** Every page of a list, bounded in pages, entries and bytes, on the same origin only (pages.ts). */
  function paginate(
    first: string,
    scope: string,
    what: string,
    repo: string | undefined,
    key: string,
  ): Promise<string[]> {
    return collectPages({
      first,
      key,
      what: `${options.host}${repo ? `/${repo}` : ''}: the ${what}`,
      async fetch(url) {
        const response = await get(url, {
          scope,
          maxBytes: MAX_PAGE_BYTES,
          what,
          ...(repo ? { repo } : {}),
          accept: 'application/json',
        });
        return { response, body: parseJson(response.body, `${registry}: the ${what}`) };
      },
    });
  }

  return {
    origin,
    /** `GET /v2/`: the API is there and, after a challenge, the credential is accepted */
    async ping(): Promise<void> {
      await get(`${origin}/v2/`, { scope: '', maxBytes: 64 * 1024, what: 'API check (/v2/)' });
    },

    tags(repo: string): Promise<string[]> {
      return paginate(
        `${origin}/v2/${repo}/tags/list?n=1000`,
        `repository:${repo}:pull`,
        'tags',
        repo,
        'tags',
      );
    },

    /** Repositories from /v2/_catalog, or undefined when the registry offers no catalog (GHCR, Docker Hub, ECR). */
    async catalog(): Promise<string[] | undefined> {
      try {
        return await paginate(
          `${origin}/v2/_catalog?n=1000`,
          'registry:catalog:*',
          'catalog',
          undefined,
          'repositories',
        );
      } catch (error) {
        if (error instanceof ChartroomError && meansNoCatalog(error.code)) return undefined;
        throw error;
      }
    },

    /** `accept` and `maxBytes`: a signature manifest asks for image manifests only, under a smaller cap */
    async manifest(
      repo: string,
      reference: string,
      options: { accept?: readonly string[]; maxBytes?: number } = {},
    ): Promise<Manifest> {
      const response = await get(`${origin}/v2/${repo}/manifests/${reference}`, {
        scope: `repository:${repo}:pull`,
        accept: (options.accept ?? MANIFEST_TYPES).join(', '),
        maxBytes: options.maxBytes ?? MAX_MANIFEST_BYTES,
        what: 'manifest',
        repo,
      });
      const parsed = parseJson(response.body, `${registry}/${repo}:${reference}: the manifest`);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ChartroomError(
          'OCIInvalid',
          `${registry}/${repo}:${reference}: the manifest is not a JSON object`,
        );
      }
      const json = parsed as Record<string, unknown>;
      // Docker-Content-Digest is the registry's word; the body's own hash is ours. Trust ours.
      const digest = sha256Digest(response.body);
      const mediaType =
        typeof json.mediaType === 'string'
          ? json.mediaType
          : (response.headers['content-type'] ?? '').split(';')[0]!;
      return { digest, mediaType, json };
    },

    /**
     * One page of `GET /v2/<repo>/referrers/<digest>` (`url`: a later page, on this origin): the
     * referrers index as JSON and the `Link` to the next page, or undefined when the registry has
     * no referrers API (NO_REFERRERS_API). The index is the registry's word: the caller checks
     * each referrer's manifest against its digest and subject.
     */
    async referrers(
      repo: string,
      digest: string,
      page: { maxBytes: number; url?: string },
    ): Promise<{ index: unknown; next: string | undefined; bytes: number } | undefined> {
      const url = page.url ?? `${origin}/v2/${repo}/referrers/${digest}`;
      if (new URL(url).origin !== origin) {
        throw new ChartroomError(
          'OCIInvalid',
          `${options.host}/${repo}: the Link to the next page of the referrers of ${digest} points to another host (${new URL(url).origin}); chartroom follows pages on the registry's own origin only`,
        );
      }
      const response = await get(url, {
        scope: `repository:${repo}:pull`,
        accept: OCI_INDEX,
        maxBytes: page.maxBytes,
        what: 'referrers index',
        repo,
        pass: NO_REFERRERS_API,
      });
      if (NO_REFERRERS_API.includes(response.status)) return undefined;
      return {
        index: parseJson(response.body, `${registry}/${repo}: the referrers index of ${digest}`),
        next: nextLink(response.headers.link, response.url),
        bytes: response.body.length,
      };
    },

    async blob(repo: string, digest: string, maxBytes: number): Promise<Buffer> {
      const response = await get(`${origin}/v2/${repo}/blobs/${digest}`, {
        scope: `repository:${repo}:pull`,
        maxBytes,
        what: 'blob',
        repo,
      });
      const actual = sha256Digest(response.body);
      if (actual !== digest) {
        throw new ChartroomError(
          'DigestMismatch',
          `digest mismatch: the manifest names ${digest}, the blob of ${options.host}/${repo} is ${actual}`,
        );
      }
      return response.body;
    },
  };
}

function registryError(body: Buffer): { code: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: Array<{ code?: string; message?: string }>;
    };
    const first = parsed.errors?.[0];
    if (first?.code) return { code: first.code, message: first.message ?? '' };
  } catch {
    // not a distribution error body
  }
  return undefined;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ChartroomError('OCIInvalid', `${what} is not JSON`);
  }
}
