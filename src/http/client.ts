/**
 * The one HTTP client: pooling and proxies (undici), timeouts, bounded bodies, a few retries for
 * transient failures, and redirects followed by hand so that the Authorization header is only
 * ever sent to the origins the caller allows (credentials must not follow a redirect to a
 * storage host or another server).
 *
 * Two clocks bound a request: an idle timeout (no byte for `timeoutMs`) and a total deadline
 * (`deadlineMs` for headers and the whole body, per attempt), so a server that trickles a byte at
 * a time cannot hold a request open. A caller's `signal` (a registry's own deadline) aborts the
 * request, its body stream and its retries at once.
 *
 * undici 7, not 8: undici 8 needs Node 22.19 and does not load on 22.12, the oldest Node chartroom
 * runs on (package.json engines; test/package.test.ts runs the installed package on 22.12.0).
 * The 7.x line gets the same fixes (7.30.2 and 8.12.4 were released the same day).
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { retriedInRequest } from '../error-catalogue.ts';
import { ChartroomError } from '../errors.ts';
import { safeUrl } from './safe-url.ts';
import { tlsError } from './tls-errors.ts';
import { watchWait, type WaitWatch } from './wait.ts';

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
  /** each attempt (headers and whole body) must end within this; default the client's `deadlineMs` */
  deadlineMs?: number;
  /** aborts the request, its body and its retries when it fires; its reason is what is thrown */
  signal?: AbortSignal;
  /** told what the request waits for once it waits longer than `afterMs` (see wait.ts) */
  wait?: WaitWatch | undefined;
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
  /** idle timeout: no connection, headers or body byte for this long */
  timeoutMs?: number;
  /** total deadline of one attempt, headers and whole body (default 5 minutes) */
  deadlineMs?: number;
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
export const DEFAULT_REQUEST_DEADLINE_MS = 5 * 60_000;

// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
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

  async function once(
    url: URL,
    opts: GetOptions,
    auth: string | undefined,
    attempt: number,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      'accept-encoding': opts.decompress ? 'gzip, br' : 'identity',
      ...opts.headers,
    };
    if (auth) headers.authorization = auth;
    const deadline = opts.deadlineMs ?? deadlineMs;
    const abort = attemptSignal(deadline, opts.signal, () => deadlineError(url, opts.what, deadline));
    const waiting = watchWait(opts.wait, { url, what: opts.what, deadlineMs: deadline, attempt });
    requestCount++;
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: 'GET',
          headers,
          dispatcher,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: abort.signal,
        });
      } catch (error) {
        throw abort.reason() ?? networkError(error, url, opts.what);
      }
      waiting.received(response.statusCode);
      return await readResponse(response, url, opts, abort.reason, waiting.bytes);
    } finally {
      waiting.stop();
      abort.dispose();
    }
  }

  async function withRetries(url: URL, opts: GetOptions, auth: string | undefined): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await once(url, opts, auth, attempt);
      } catch (error) {
        const retryable = error instanceof ChartroomError && retriedInRequest(error.code);
        if (!retryable || attempt >= retries || opts.signal?.aborted) throw error;
        await pause(backoffMs(attempt), opts.signal);
        continue;
      }
      if (!TRANSIENT.has(response.status) || attempt >= retries) return response;
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) return response;
      await pause(retryAfter ?? backoffMs(attempt), opts.signal);
    }
  }

  /** A sleep between attempts that the caller's signal cuts short (throwing its reason). */
  async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return sleep(ms);
    signal.throwIfAborted();
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([sleep(ms), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    get requestCount() {
      return requestCount;
    },
    async get(href, opts) {
      opts.signal?.throwIfAborted();
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

/** One attempt's abort signal: its own deadline, and the caller's signal passed on. */
function attemptSignal(deadlineMs: number, outer: AbortSignal | undefined, onDeadline: () => ChartroomError) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(onDeadline()), deadlineMs);
  const passOn = () => controller.abort(outer!.reason);
  if (outer?.aborted) passOn();
  else outer?.addEventListener('abort', passOn, { once: true });
  return {
    signal: controller.signal,
    /** what to throw once aborted (the deadline's Timeout, or the caller's reason) */
    reason: (): Error | undefined =>
      controller.signal.aborted ? (controller.signal.reason as Error) : undefined,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', passOn);
    },
  };
}

/** The status, headers and body (bounded, decoded when asked) of a response. */
async function readResponse(
  response: Dispatcher.ResponseData,
  url: URL,
  opts: GetOptions,
  aborted: () => Error | undefined,
  onBytes: (count: number) => void = () => undefined,
): Promise<HttpResponse> {
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
      onBytes(chunk.length);
      if (size > limit) {
        discard(response.body);
        if (status >= 200 && status < 300) throw tooLarge(url, opts, limit);
        break;
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ChartroomError) throw error;
    throw aborted() ?? networkError(error, url, opts.what);
  }
  let body: Buffer = Buffer.concat(chunks);
  const encoding = responseHeaders['content-encoding']?.toLowerCase();
  if (opts.decompress && encoding && encoding !== 'identity' && status >= 200 && status < 300) {
    body = decode(body, encoding, url, opts, limit);
  }
  return { status, headers: responseHeaders, body, url: url.href };
}

function deadlineError(url: URL, what: string | undefined, deadlineMs: number): ChartroomError {
  return new ChartroomError(
    'Timeout',
    `connection timed out: GET ${safeUrl(url.href)}${what ? ` (${what})` : ''} did not complete within ${formatMs(deadlineMs)}, the deadline of a request; the server is too slow or trickling`,
    { hint: 'the next sync tries again; CHARTROOM_REQUEST_DEADLINE raises the deadline (see the README)' },
  );
}

/** 1500 → "1.5s", 300000 → "5m". */
export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 || ms > 60_000) return `${Math.round(ms / 1000)}s`;
  return `${ms}ms`;
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
    `GET ${safeUrl(url.href)}: the ${opts.what ?? 'response'} is larger than the ${limit >= 1048576 ? `${Math.round(limit / 1048576)} MiB` : `${Math.round(limit / 1024)} KiB`} cap`,
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
  const tls = tlsError(error, target);
  if (tls) return tls;
  const reason = code || (error as Error).message;
  return new ChartroomError(
    'ConnectionFailed',
    `${target} failed: ${reason}; check the URL and that the server is reachable`,
    {
      cause: error,
    },
  );
}
