/**
 * The one HTTP client: pooling and proxies (undici), timeouts, bounded bodies, a few retries for
 * transient failures, and redirects followed by hand so that the Authorization header is only
 * ever sent to the origins the caller allows (credentials must not follow a redirect to a
 * storage host or another server).
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { retriedInRequest } from '../error-catalogue.ts';
import { ChartroomError } from '../errors.ts';
import { safeUrl } from './safe-url.ts';

export interface RequestAuth {
  /** the Authorization header value */
  header: string;
  /** origins (scheme://host:port) that may receive it */
  origins: string[];
}

export interface GetOptions {
  headers?: Record<string, string>;
  auth?: RequestAuth | undefined;
  /** refuse bodies larger than this (after decompression when `decompress`) */
  maxBytes: number;
  /** decode a Content-Encoding (indexes); archives are hashed as sent, so never decoded */
  decompress?: boolean;
  /** what the body is, for error messages: "index", "chart archive" */
  what?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** the URL after redirects */
  url: string;
}

export interface HttpClient {
  get(url: string, options: GetOptions): Promise<HttpResponse>;
  /** requests sent so far, including redirects and retries (tests and the report use it) */
  readonly requestCount: number;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  dispatcher?: Dispatcher;
  /** PEM CA certificates to trust in addition to the system's */
  ca?: string;
  timeoutMs?: number;
  retries?: number;
  /** longest Retry-After honoured; past it the response is returned as is */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TRANSIENT = new Set([429, 502, 503, 504]);
const MAX_REDIRECTS = 5;
const ERROR_BODY_BYTES = 64 * 1024;

// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ownsDispatcher = options.dispatcher === undefined;
  // EnvHttpProxyAgent honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY like curl and Helm do.
  const dispatcher =
    options.dispatcher ??
    new EnvHttpProxyAgent({
      connect: { timeout: timeoutMs, ...(options.ca ? { ca: options.ca } : {}) },
      ...(options.ca ? { requestTls: { ca: options.ca } } : {}),
    });
  const userAgent = options.userAgent ?? 'chartroom/0.1 (+https://github.com/chartroom)';
  let requestCount = 0;

  async function once(url: URL, opts: GetOptions, auth: string | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      'accept-encoding': opts.decompress ? 'gzip, br' : 'identity',
      ...opts.headers,
    };
    if (auth) headers.authorization = auth;
    requestCount++;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headers,
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw networkError(error, url, opts.what);
    }
    const responseHeaders = flattenHeaders(response.headers);
    const status = response.statusCode;
    const limit = status >= 200 && status < 300 ? opts.maxBytes : ERROR_BODY_BYTES;
    const declared = Number(responseHeaders['content-length']);
    if (status >= 200 && status < 300 && Number.isFinite(declared) && declared > limit) {
      discard(response.body);
      throw tooLarge(url, opts, limit);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) {
          discard(response.body);
          if (status >= 200 && status < 300) throw tooLarge(url, opts, limit);
          break;
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ChartroomError) throw error;
      throw networkError(error, url, opts.what);
    }
    let body: Buffer = Buffer.concat(chunks);
    const encoding = responseHeaders['content-encoding']?.toLowerCase();
    if (opts.decompress && encoding && encoding !== 'identity' && status >= 200 && status < 300) {
      body = decode(body, encoding, url, opts, limit);
    }
    return { status, headers: responseHeaders, body, url: url.href };
  }

  async function withRetries(url: URL, opts: GetOptions, auth: string | undefined): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await once(url, opts, auth);
      } catch (error) {
        const retryable = error instanceof ChartroomError && retriedInRequest(error.code);
        if (!retryable || attempt >= retries) throw error;
        await sleep(backoffMs(attempt));
        continue;
      }
      if (!TRANSIENT.has(response.status) || attempt >= retries) return response;
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) return response;
      await sleep(retryAfter ?? backoffMs(attempt));
    }
  }

  return {
    get requestCount() {
      return requestCount;
    },
    async get(href, opts) {
      let url = new URL(href);
      for (let hop = 0; ; hop++) {
        const auth = opts.auth && opts.auth.origins.includes(url.origin) ? opts.auth.header : undefined;
        const response = await withRetries(url, opts, auth);
        if (!REDIRECTS.has(response.status) || !response.headers.location) return response;
        if (hop >= MAX_REDIRECTS) {
          throw new ChartroomError(
            'TooManyRedirects',
            `GET ${safeUrl(href)}: more than ${MAX_REDIRECTS} redirects; check the repository URL`,
          );
        }
        const next = new URL(response.headers.location, url);
        if (url.protocol === 'https:' && next.protocol !== 'https:') {
          throw new ChartroomError(
            'InsecureRedirect',
            `GET ${safeUrl(url.href)} redirects to plain ${next.protocol} (${safeUrl(next.href)}); refusing to downgrade`,
          );
        }
        url = next;
      }
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function backoffMs(attempt: number): number {
  return 250 * 4 ** attempt;
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function decode(body: Buffer, encoding: string, url: URL, opts: GetOptions, limit: number): Buffer {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, { maxOutputLength: limit });
    if (encoding === 'br') return brotliDecompressSync(body, { maxOutputLength: limit });
    if (encoding === 'deflate') return inflateSync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(url, opts, limit);
    throw new ChartroomError(
      'BadEncoding',
      `GET ${safeUrl(url.href)}: the ${opts.what ?? 'body'} says Content-Encoding ${encoding} but does not decode`,
    );
  }
  throw new ChartroomError(
    'BadEncoding',
    `GET ${safeUrl(url.href)}: unsupported Content-Encoding ${encoding}`,
  );
}

function tooLarge(url: URL, opts: GetOptions, limit: number): ChartroomError {
  return new ChartroomError(
    'TooLarge',
    `GET ${safeUrl(url.href)}: the ${opts.what ?? 'response'} is larger than the ${Math.round(limit / 1048576)} MiB cap`,
  );
}

function networkError(error: unknown, url: URL, what: string | undefined): ChartroomError {
  const code = (error as { code?: string }).code ?? '';
  const target = `GET ${safeUrl(url.href)}${what ? ` (${what})` : ''}`;
  if (/TIMEOUT/.test(code) || code === 'ETIMEDOUT') {
    return new ChartroomError(
      'Timeout',
      `connection timed out: ${target}; the server did not answer in time`,
      { cause: error },
    );
  }
  const reason = code || (error as Error).message;
  return new ChartroomError(
    'ConnectionFailed',
    `${target} failed: ${reason}; check the URL and that the server is reachable`,
    {
      cause: error,
    },
  );
}
