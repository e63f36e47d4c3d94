/**
 * A registry with the OCI 1.1 referrers API, made of an HTTP front before the test distribution
 * registry (docker-registry 2.8 has no such API). The front proxies every request, and:
 * - a manifest PUT whose body names a `subject` is indexed (once the registry took it) and
 *   answered with `OCI-Subject: <subject digest>`, as registries with the API answer, so pushers
 *   (testkit/referrers.ts, cosign, oras) leave the fallback tag alone;
 * - `GET /v2/<name>/referrers/<digest>[?artifactType=…]` is answered from what was pushed through
 *   it and (unless `fromFallback: false`) from the registry's fallback index under the tag
 *   `sha256-<hex>`; an `artifactType` filter is applied and said so (`OCI-Filters-Applied`). The
 *   request's credential is checked by a HEAD of the subject at the registry first, so a private
 *   registry's referrers stay private (its 401 and challenge are passed on).
 * `api: false` turns the front into a registry without the API (404, no OCI-Subject); `answer`
 * lets a test answer any request its own way (a hostile index). `requests` counts what came in.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sha256Digest } from '../src/chart/digest.ts';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'host']);

export interface FrontAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface ReferrersFront {
  /** 127.0.0.1:PORT: the oci:// host of a registry file */
  host: string;
  origin: string;
  /** every request that came in (method and path with query) */
  requests: Array<{ method: string; url: string }>;
  /** the registry has the API (true by default) */
  api: boolean;
  /** answer a request the test's own way (undefined: as the front does) */
  answer: ((req: { method: string; url: string }) => FrontAnswer | undefined) | undefined;
  /** the descriptors indexed through the API, per `<repository>@<subject digest>` */
  indexed: Map<string, Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export async function startReferrersFront(
  registryOrigin: string,
  options: { fromFallback?: boolean } = {},
): Promise<ReferrersFront> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const front: ReferrersFront = {
    host,
    origin: `http://${host}`,
    requests: [],
    api: true,
    answer: undefined,
    indexed: new Map(),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    front.requests.push({ method, url });
    const body = await readBody(req);
    const own = front.answer?.({ method, url });
    if (own) return send(res, { status: own.status, headers: own.headers ?? {}, body: toBuffer(own.body) });
    const referrers = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})(?:\?(.*))?$/.exec(url);
    if (referrers && method === 'GET') {
      if (!front.api) return send(res, notFound());
      return send(res, await referrersOf(referrers[1]!, referrers[2]!, referrers[3] ?? '', req.headers));
    }
    const upstream = await forward(method, url, req.headers, body);
    const manifest = /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(url);
    if (front.api && manifest && method === 'PUT' && upstream.status === 201) {
      const subject = indexReferrer(manifest[1]!, body);
      if (subject) upstream.headers['oci-subject'] = subject;
    }
    send(res, upstream);
  }

  /** Records a pushed manifest with a subject; returns the subject's digest. */
  function indexReferrer(repository: string, body: Buffer): string | undefined {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const subject = json.subject as { digest?: unknown } | undefined;
    if (typeof subject?.digest !== 'string') return undefined;
    const config = json.config as { mediaType?: unknown } | undefined;
    const artifactType = typeof json.artifactType === 'string' ? json.artifactType : config?.mediaType;
    const descriptor: Record<string, unknown> = {
      mediaType:
        typeof json.mediaType === 'string' ? json.mediaType : 'application/vnd.oci.image.manifest.v1+json',
      digest: sha256Digest(body),
      size: body.length,
      ...(typeof artifactType === 'string' ? { artifactType } : {}),
      ...(json.annotations && typeof json.annotations === 'object' ? { annotations: json.annotations } : {}),
    };
    const key = `${repository}@${subject.digest}`;
    const list = front.indexed.get(key) ?? [];
    if (!list.some((d) => d.digest === descriptor.digest)) list.push(descriptor);
    front.indexed.set(key, list);
    return subject.digest;
  }

  async function referrersOf(
    repository: string,
    digest: string,
    query: string,
    headers: IncomingHttpHeaders,
  ): Promise<Upstream> {
    // the credential the registry would want for the subject (a 401 carries its challenge)
    const check = await forward(
      'HEAD',
      `/v2/${repository}/manifests/${digest}`,
      { ...headers, accept: `application/vnd.oci.image.manifest.v1+json, ${OCI_INDEX}` },
      Buffer.alloc(0),
    );
    if (check.status === 401 || check.status === 403) return check;
    const manifests = [...(front.indexed.get(`${repository}@${digest}`) ?? [])];
    if (options.fromFallback !== false) {
      const fallback = await forward(
        'GET',
        `/v2/${repository}/manifests/${digest.replace(':', '-')}`,
        { ...headers, accept: OCI_INDEX },
        Buffer.alloc(0),
      );
      if (fallback.status === 200) {
        const listed = (JSON.parse(fallback.body.toString('utf8')) as { manifests?: unknown[] }).manifests;
        for (const entry of (listed ?? []) as Array<Record<string, unknown>>)
          if (!manifests.some((m) => m.digest === entry.digest)) manifests.push(entry);
      }
    }
    const wanted = new URLSearchParams(query).getAll('artifactType');
    const filtered = wanted.length
      ? manifests.filter((m) => wanted.includes(m.artifactType as string))
      : manifests;
    return {
      status: 200,
      headers: {
        'content-type': OCI_INDEX,
        ...(wanted.length ? { 'oci-filters-applied': 'artifactType' } : {}),
      },
      body: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: filtered })),
    };
  }

  const forward = (method: string, url: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Upstream>((resolve, reject) => {
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(headers)) {
        if (value === undefined || HOP.has(key)) continue;
        out[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (body.length > 0 || method === 'PUT' || method === 'PATCH' || method === 'POST')
        out['content-length'] = String(body.length);
      const req = httpRequest(new URL(url, registryOrigin), { method, headers: out }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            // a HEAD's Content-Length is the manifest's size: kept
            if (HOP.has(key) && !(method === 'HEAD' && key === 'content-length')) continue;
            flat[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 502, headers: flat, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  return front;
}

function notFound(): Upstream {
  return {
    status: 404,
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from('404 page not found\n'),
  };
}

function send(res: ServerResponse, answer: Upstream): void {
  const headers = { ...answer.headers };
  // a HEAD's answer keeps the registry's Content-Length (the manifest's size) and sends no body
  if (!('content-length' in headers)) headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, headers).end(answer.body);
}

function toBuffer(body: string | Buffer | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body) : body;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
