/**
 * HTTP chart repositories: the conditional index fetch and chart downloads. Protocol only: what
 * is new, and what to do with it, is the sync's business.
 */
import { ChartroomError } from '../../errors.ts';
import type { HttpClient, HttpResponse, RequestAuth } from '../../http/client.ts';
import { safeUrl } from '../../http/safe-url.ts';
import { basicAuthHeader, type Credential } from '../../credentials/types.ts';
import type { ChartVersionMeta } from '../../chart/metadata.ts';
import { parseHelmIndex, type ParsedIndex } from './index-parse.ts';

export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type IndexResult =
  { notModified: true } | { notModified: false; index: ParsedIndex; validators: Validators; bytes: number };

export interface HelmRepository {
  name: string;
  url: string;
  credential?: Credential | undefined;
  passCredentials?: boolean;
}

export interface HelmSourceOptions {
  http: HttpClient;
  /** refuse an index over this size (default 100 MiB) */
  maxIndexBytes?: number;
  maxArchiveBytes?: number;
}

export const DEFAULT_MAX_INDEX_BYTES = 100 * 1024 * 1024;

export function createHelmSource(options: HelmSourceOptions) {
  const { http } = options;
  const maxIndexBytes = options.maxIndexBytes ?? DEFAULT_MAX_INDEX_BYTES;
  const maxArchiveBytes = options.maxArchiveBytes ?? 100 * 1024 * 1024;

  function authFor(repo: HelmRepository, target?: string): RequestAuth | undefined {
    if (!repo.credential) return undefined;
    const origins = [new URL(repo.url).origin];
    // Helm's --pass-credentials: without it, chart URLs on other hosts get no credential.
    if (repo.passCredentials && target) origins.push(new URL(target).origin);
    return { header: basicAuthHeader(repo.credential), origins };
  }

  return {
    /** `known`: chart digests from the last parse, whose unchanged charts are not parsed again */
    async fetchIndex(
      repo: HelmRepository,
      validators: Validators,
      known?: Record<string, string>,
    ): Promise<IndexResult> {
      const url = indexUrl(repo.url);
      const headers: Record<string, string> = {
        accept: 'application/yaml, application/json;q=0.9, */*;q=0.8',
      };
      if (validators.etag) headers['if-none-match'] = validators.etag;
      if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
      const response = await http.get(url, {
        headers,
        auth: authFor(repo),
        maxBytes: maxIndexBytes,
        decompress: true,
        what: 'index',
      });
      if (response.status === 304) return { notModified: true };
      expectOk(response, repo.name, 'index');
      return {
        notModified: false,
        index: parseHelmIndex(response.body, repo.url, { known }),
        validators: { etag: response.headers.etag, lastModified: response.headers['last-modified'] },
        bytes: response.body.length,
      };
    },

    async fetchArchive(repo: HelmRepository, meta: ChartVersionMeta): Promise<Buffer> {
      const url = meta.urls.find((u) => !u.startsWith('oci://'));
      if (!url)
        throw new ChartroomError('NoURL', `${meta.chart} ${meta.version}: no http(s) URL in the index`);
      const response = await http.get(url, {
        headers: { accept: 'application/gzip, application/octet-stream, */*;q=0.5' },
        auth: authFor(repo, url),
        maxBytes: maxArchiveBytes,
        what: 'chart archive',
      });
      expectOk(response, repo.name, `${meta.chart} ${meta.version}`);
      return response.body;
    },
  };
}

export type HelmSource = ReturnType<typeof createHelmSource>;

export function indexUrl(repoUrl: string): string {
  return new URL('index.yaml', repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`).href;
}

function expectOk(response: HttpResponse, registry: string, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  const where = `GET ${safeUrl(response.url)} answered ${response.status}`;
  if (response.status === 401 || response.status === 403) {
    throw new ChartroomError(
      'AuthenticationFailed',
      `unauthorized: authentication required: ${where} (${what} of registry ${registry})`,
      {
        hint: 'check the credential named in the registry file',
      },
    );
  }
  if (response.status === 404) {
    throw new ChartroomError(
      'NotFound',
      `${where}: the ${what} of registry ${registry} is not there; check the URL`,
    );
  }
  if (response.status === 429) {
    throw new ChartroomError(
      'RateLimited',
      `${where}: registry ${registry} is rate limiting; the next sync tries again`,
    );
  }
  throw new ChartroomError('HTTPError', `${where} for the ${what} of registry ${registry}`);
}
