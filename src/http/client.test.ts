import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, parseRetryAfter } from './client.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Array<{ close: () => void }> = [];

async function serve(handler: Handler): Promise<{ origin: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => (server.closeAllConnections(), server.close()) });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const noSleep = () => Promise.resolve();

describe('HTTP client', () => {
  it('sends credentials to the allowed origin only, not along a redirect to another host', async () => {
    const storage = await serve((_req, res) => res.end('blob'));
    const registry = await serve((_req, res) =>
      res.writeHead(302, { location: `${storage.origin}/blob` }).end(),
    );
    const http = createHttpClient({ sleep: noSleep });
    const response = await http.get(`${registry.origin}/chart.tgz`, {
      maxBytes: 1024,
      auth: { header: 'Basic c2VjcmV0', origins: [registry.origin] },
    });
    expect(response.body.toString()).toBe('blob');
    expect(registry.seen[0]!.headers.authorization).toBe('Basic c2VjcmV0');
    expect(storage.seen[0]!.headers.authorization).toBeUndefined();
    await http.close();
  });

  it('stops redirect loops', async () => {
    const loop = await serve((req, res) =>
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end(),
    );
    const http = createHttpClient({ sleep: noSleep });
    await expect(http.get(`${loop.origin}/a`, { maxBytes: 10 })).rejects.toMatchObject({
      code: 'TooManyRedirects',
    });
    await http.close();
  });

  it('refuses bodies over the cap, declared or not', async () => {
    const big = await serve((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
      else {
        res.writeHead(200);
        res.write(Buffer.alloc(3000));
        res.end(Buffer.alloc(3000));
      }
    });
    const http = createHttpClient({ sleep: noSleep });
    await expect(http.get(`${big.origin}/declared`, { maxBytes: 4096, what: 'index' })).rejects.toMatchObject(
      { code: 'TooLarge' },
    );
    await expect(http.get(`${big.origin}/chunked`, { maxBytes: 4096 })).rejects.toThrow(/larger than/);
    await http.close();
  });

  it('retries transient statuses, honouring Retry-After up to the cap', async () => {
    let calls = 0;
    const flaky = await serve((_req, res) => {
      calls++;
      if (calls < 3) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.end('ok');
    });
    const slept: number[] = [];
    const http = createHttpClient({ sleep: (ms) => (slept.push(ms), Promise.resolve()) });
    expect((await http.get(flaky.origin, { maxBytes: 10 })).body.toString()).toBe('ok');
    expect(slept).toEqual([1000, 1000]);
    const limited = await serve((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    expect((await http.get(limited.origin, { maxBytes: 10 })).status).toBe(429);
    await http.close();
  });

  it('says connection timed out when the server stalls', async () => {
    const stall = await serve(() => undefined);
    const http = createHttpClient({ timeoutMs: 300, retries: 0 });
    await expect(http.get(stall.origin, { maxBytes: 10 })).rejects.toThrow(
      /^connection timed out: GET http:\/\/127\.0\.0\.1/,
    );
    await http.close();
  });

  it('a body trickled a byte at a time fails at the request deadline, though never idle', async () => {
    const timers: NodeJS.Timeout[] = [];
    const trickle = await serve((_req, res) => {
      res.writeHead(200);
      timers.push(setInterval(() => res.write('x'), 50));
    });
    const http = createHttpClient({ timeoutMs: 5000, deadlineMs: 400, retries: 0 });
    const started = Date.now();
    await expect(http.get(trickle.origin, { maxBytes: 1e6, what: 'index' })).rejects.toMatchObject({
      code: 'Timeout',
      message: expect.stringMatching(
        /^connection timed out: GET http:\/\/127\.0\.0\.1:\d+\/ \(index\) did not complete within 400ms, the deadline of a request/,
      ) as string,
    });
    expect(Date.now() - started).toBeLessThan(4000);
    for (const timer of timers) clearInterval(timer);
    await http.close();
  });

  it("a caller's signal aborts the request in flight and its retries, with the signal's reason", async () => {
    let calls = 0;
    const stall = await serve(() => void calls++);
    const http = createHttpClient({ timeoutMs: 5000, retries: 3 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the registry deadline passed')), 200);
    await expect(http.get(stall.origin, { maxBytes: 10, signal: controller.signal })).rejects.toThrow(
      'the registry deadline passed',
    );
    expect(calls).toBe(1);
    await expect(http.get(stall.origin, { maxBytes: 10, signal: controller.signal })).rejects.toThrow(
      'the registry deadline passed',
    );
    expect(calls).toBe(1);
    await http.close();
  });

  it('decodes gzip indexes but hands archives over as sent', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = await serve((_req, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('entries: {}\n')),
    );
    const http = createHttpClient();
    expect((await http.get(gz.origin, { maxBytes: 100, decompress: true })).body.toString()).toBe(
      'entries: {}\n',
    );
    expect((await http.get(gz.origin, { maxBytes: 100 })).body[0]).toBe(0x1f);
    await http.close();
  });

  it('keeps query strings and userinfo out of error messages', async () => {
    const http = createHttpClient({ retries: 0 });
    await expect(http.get('http://127.0.0.1:1/x?token=SECRET', { maxBytes: 10 })).rejects.toThrow(
      /^(?!.*SECRET).*127\.0\.0\.1:1\/x/,
    );
    await http.close();
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
