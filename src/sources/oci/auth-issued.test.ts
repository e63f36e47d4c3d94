import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpClient } from '../../http/client.ts';
import { createOciAuth } from './auth.ts';

let requests = 0;
let issuedAt = '';
let realm = '';
const server = createServer((_req, res) => {
  requests++;
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ token: `tok-${requests}`, expires_in: 300, issued_at: issuedAt }));
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// Go's zero time is what a Go token service writes for an issued_at it never set
it.each(['0001-01-01T00:00:00Z', '0001-01-01 00:00:00 +0000 UTC', 'yesterday'])(
  'a token whose issued_at is %s lives its expires_in from now, not from that time',
  async (value) => {
    issuedAt = value;
    requests = 0;
    const now = Date.parse('2026-03-04T05:06:07Z');
    const http = createHttpClient();
    const auth = createOciAuth({ http, registry: 'r', credential: undefined, clock: () => now });
    const header = await auth.answer(
      { scheme: 'bearer', params: { realm, service: 's' } },
      'repository:a:pull',
    );
    expect(header).toBe('Bearer tok-1');
    expect(await auth.current('repository:a:pull')).toBe(header);
    expect(requests).toBe(1);
    await http.close();
  },
);
