/**
 * A fault-injecting front for the real distribution registry: a proxy on loopback that forwards
 * every request to the registry and, on another loopback host, to its token realm (the front
 * rewrites the realm in the registry's `WWW-Authenticate` challenge so tokens come through it
 * too, still from another host than the registry, as Docker Hub's do). A test injects faults by
 * path: the first matching rule answers the request its own way, the others pass through.
 *
 *   front (127.0.0.1:A) ──> registry (127.0.0.1:R)
 *   realm (127.0.0.2:B) ──> token issuer (127.0.0.2:I)
 *   storage (127.0.0.1:C)   another origin on the registry's host, for blob redirects
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FrontFault =
  /** answer with this status (and headers) instead of forwarding */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** forward, send the headers and half of the body, then destroy the connection */
  | { kind: 'reset' }
  /** forward, declare the whole Content-Length, send half of the body, then close the connection */
  | { kind: 'truncate' }
  /** forward, declare a Content-Length shorter than the body: the client reads a cut body */
  | { kind: 'short-length' }
  /** forward, flip one byte of the body (same length) */
  | { kind: 'corrupt' }
  /** headers and a little of the body, then nothing until the client gives up */
  | { kind: 'stall' }
  /** redirect to the same URL, forever */
  | { kind: 'redirect-loop' }
  /** forward, then serve the body from the storage origin by a 307 (as S3- or GCS-backed registries do) */
  | { kind: 'redirect-to-storage' };

export interface FaultRule {
  path: RegExp;
  fault: FrontFault;
  /** answer only the first `times` matching requests (then pass through); every one by default */
  times?: number;
  /** how many requests the rule answered */
  hits: number;
}

export interface SeenRequest {
  /** `front`, `realm` or `storage` */
  at: 'front' | 'realm' | 'storage';
  method: string;
  /** path and query */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FaultFront {
  /** 127.0.0.1:PORT: put this in the registry file's oci:// URL */
  host: string;
  origin: string;
  /** every request the front, the realm front and the storage origin received */
  requests: SeenRequest[];
  inject(path: RegExp, fault: FrontFault, options?: { times?: number }): FaultRule;
  clear(): void;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers that describe the connection or the framing: the front sets its own. */
const HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export async function startFaultFront(registryOrigin: string): Promise<FaultFront> {
  const rules: FaultRule[] = [];
  const requests: SeenRequest[] = [];
  const stored = new Map<string, Buffer>();
  const sockets = new Set<Socket>();
  // the realm the registry names, learnt from its first challenge
  let realmUpstream: string | undefined;

  const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => void, host: string) => {
    const server = createServer(handler);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, host, r));
    return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
  };

  const forward = (base: string, url: string, method: string, headers: IncomingHttpHeaders) =>
    new Promise<Upstream>((resolve, reject) => {
      const out: Record<string, string> = {};
      for (const key of ['authorization', 'accept', 'user-agent']) {
        const value = headers[key];
        if (typeof value === 'string') out[key] = value;
      }
      const req = httpRequest(new URL(url, base), { method, headers: out }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (value === undefined || HOP.has(key)) continue;
            flat[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 502, headers: flat, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  // a request that goes wrong in the front itself ends its connection rather than the test process
  const serve = (at: 'front' | 'realm') => (req: IncomingMessage, res: ServerResponse) =>
    void handle(at, req, res).catch(() => res.destroy());
  const realm = await listen(serve('realm'), '127.0.0.2');
  const front = await listen(serve('front'), '127.0.0.1');
  const storage = await listen((req, res) => {
    requests.push({ at: 'storage', method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const body = stored.get((req.url ?? '').split('?')[0]!);
    if (body) res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    else res.writeHead(404).end();
  }, '127.0.0.1');

  async function handle(at: 'front' | 'realm', req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/';
    requests.push({ at, method: req.method ?? 'GET', url, headers: req.headers });
    const rule = rules.find((r) => r.path.test(url) && (r.times === undefined || r.hits < r.times));
    if (rule) rule.hits++;
    const fault = rule?.fault;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
      return;
    }
    if (fault?.kind === 'redirect-loop') {
      res.writeHead(302, { location: url }).end();
      return;
    }
    let upstream: Upstream;
    try {
      const base = at === 'realm' ? realmUpstream : registryOrigin;
      if (!base) throw new Error('no realm learnt yet');
      upstream = await forward(base, url, req.method ?? 'GET', req.headers);
    } catch (error) {
      res.writeHead(599).end(String(error));
      return;
    }
    const challenge = upstream.headers['www-authenticate'];
    if (challenge) {
      // send the client to the realm front instead of the issuer, path and query kept
      upstream.headers['www-authenticate'] = challenge.replace(/realm="([^"]+)"/, (_all, target: string) => {
        const parsed = new URL(target);
        realmUpstream = parsed.origin;
        return `realm="${realm.origin}${parsed.pathname}${parsed.search}"`;
      });
    }
    const { status, headers } = upstream;
    let body = upstream.body;
    switch (fault?.kind) {
      case 'reset':
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        setTimeout(() => res.destroy(), 20);
        return;
      case 'truncate': {
        const socket = res.socket;
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.end(body.subarray(0, Math.floor(body.length / 2)));
        setTimeout(() => socket?.end(), 20);
        return;
      }
      case 'stall':
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, 1));
        return;
      case 'short-length':
        res.writeHead(status, { ...headers, 'content-length': String(Math.max(0, body.length - 7)) });
        res.end(body);
        return;
      case 'corrupt':
        body = Buffer.from(body);
        if (body.length > 0) body[body.length >> 1] = body[body.length >> 1]! ^ 0xff;
        break;
      case 'redirect-to-storage': {
        const key = `/storage/${stored.size}`;
        stored.set(key, body);
        res.writeHead(307, { location: `${storage.origin}${key}?X-Amz-Signature=abc` }).end();
        return;
      }
    }
    res.writeHead(status, { ...headers, 'content-length': String(body.length) }).end(body);
  }

  return {
    host: new URL(front.origin).host,
    origin: front.origin,
    requests,
    inject(path, fault, options = {}) {
      const rule: FaultRule = { path, fault, hits: 0, ...(options.times ? { times: options.times } : {}) };
      rules.push(rule);
      return rule;
    },
    clear() {
      rules.splice(0);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      const servers: Server[] = [front.server, realm.server, storage.server];
      await Promise.all(servers.map((server) => new Promise<void>((r) => server.close(() => r()))));
    },
  };
}
