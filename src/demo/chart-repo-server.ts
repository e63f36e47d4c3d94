/**
 * A small HTTP chart repository (what ChartMuseum or GitHub Pages serve): static files with
 * ETag and Last-Modified, answering conditional requests with 304. The demo serves its charts
 * with it, and the tests and the benchmark use it as the real server they sync from; `fault`
 * lets a test answer a request its own way.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export type Fault = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface ChartRepoServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  setFile(path: string, body: Buffer | string): void;
  /** the bytes served at a path */
  file(path: string): Buffer | undefined;
  removeFile(path: string): void;
  /** return true when the fault answered the request */
  fault: Fault | undefined;
  /** when set, every request needs this Basic auth (as ChartMuseum, Nexus or Harbor ask) */
  basicAuth: { username: string; password: string } | undefined;
  close(): Promise<void>;
}

interface StoredFile {
  body: Buffer;
  etag: string;
  lastModified: string;
}

export async function startChartRepoServer(
  options: { host?: string; port?: number } = {},
): Promise<ChartRepoServer> {
  const files = new Map<string, StoredFile>();
  const requests: RecordedRequest[] = [];
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const state: { fault: Fault | undefined; basicAuth: ChartRepoServer['basicAuth'] } = {
    fault: undefined,
    basicAuth: undefined,
  };

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    if (state.fault?.(req, res)) return;
    if (state.basicAuth && !authorized(req, res, state.basicAuth)) return;
    serveFile(req, res, path, files.get(path));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    get fault() {
      return state.fault;
    },
    set fault(value) {
      state.fault = value;
    },
    get basicAuth() {
      return state.basicAuth;
    },
    set basicAuth(value) {
      state.basicAuth = value;
    },
    setFile(path, body) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      // each change moves Last-Modified forward a second, as a real file's mtime would
      clock += 1000;
      files.set(path, {
        body: bytes,
        etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}"`,
        lastModified: new Date(clock).toUTCString(),
      });
    },
    file(path) {
      return files.get(path)?.body;
    },
    removeFile(path) {
      files.delete(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function contentType(path: string): string {
  if (path.endsWith('.yaml')) return 'application/yaml';
  // what GitHub Pages and ChartMuseum send for a provenance file
  if (path.endsWith('.prov')) return 'application/octet-stream';
  return 'application/gzip';
}

/** Answers 401 unless the request carries the Basic credentials. */
function authorized(
  req: IncomingMessage,
  res: ServerResponse,
  auth: NonNullable<ChartRepoServer['basicAuth']>,
): boolean {
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (req.headers.authorization === expected) return true;
  res
    .writeHead(401, { 'www-authenticate': 'Basic realm="charts"', 'content-type': 'text/plain' })
    .end('unauthorized\n');
  return false;
}

/** GET or HEAD of a file, with conditional requests as a static file server answers them. */
function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  file: StoredFile | undefined,
): void {
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const headers = {
    etag: file.etag,
    'last-modified': file.lastModified,
    'content-type': contentType(path),
  };
  // RFC 9110: If-None-Match wins over If-Modified-Since when both are sent.
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified =
    inm !== undefined
      ? inm.split(',').some((t) => t.trim() === file.etag)
      : ims !== undefined && Date.parse(ims) >= Date.parse(file.lastModified);
  if (notModified) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(file.body.length) });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}
