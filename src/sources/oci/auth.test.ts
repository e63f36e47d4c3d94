import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../http/client.ts';
import { createOciAuth } from './auth.ts';

const seen: IncomingMessage[] = [];
let realm = '';
const server = createServer((req, res) => {
  seen.push(req);
  const scope = new URL(req.url ?? '/', 'http://x').searchParams.get('scope');
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ access_token: `tok-${scope}-${seen.length}`, expires_in: 120 }));
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('OCI auth', () => {
  it('gets a token per scope from the realm, with the credential, caches it, and refreshes it on expiry', async () => {
    let now = 1_000_000;
    const http = createHttpClient();
    const auth = createOciAuth({
      http,
      registry: 'r',
      credential: { username: 'u', password: 'p' },
      clock: () => now,
    });
    expect(await auth.current('repository:a:pull')).toBeUndefined();
    const first = await auth.answer(
      { scheme: 'bearer', params: { realm, service: 'svc' } },
      'repository:a:pull',
    );
    expect(first).toBe('Bearer tok-repository:a:pull-1');
    expect(new URL(seen[0]!.url!, 'http://x').searchParams.get('service')).toBe('svc');
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    // cached for the same scope; a new scope gets its own token up front, without another 401
    expect(await auth.current('repository:a:pull')).toBe(first);
    expect(await auth.current('repository:b:pull')).toBe('Bearer tok-repository:b:pull-2');
    expect(seen).toHaveLength(2);
    now += 200_000;
    expect(await auth.current('repository:a:pull')).toBe('Bearer tok-repository:a:pull-3');
    await http.close();
  });

  it('uses Basic when asked, and refuses a Basic challenge without a credential', async () => {
    const http = createHttpClient();
    const anonymous = createOciAuth({ http, registry: 'ecr', credential: undefined });
    await expect(anonymous.answer({ scheme: 'basic', params: { realm: 'https://x/' } }, 's')).rejects.toThrow(
      /^unauthorized: authentication required: the registry asks for a username and password/,
    );
    const withCredential = createOciAuth({
      http,
      registry: 'ecr',
      credential: { username: 'AWS', password: 'tok' },
    });
    expect(await withCredential.answer({ scheme: 'basic', params: {} }, 's')).toBe(
      `Basic ${Buffer.from('AWS:tok').toString('base64')}`,
    );
    expect(await withCredential.current('other')).toBe(`Basic ${Buffer.from('AWS:tok').toString('base64')}`);
    await http.close();
  });

  it('never sends the credential to a realm over plain http on a non-loopback host', async () => {
    const http = createHttpClient();
    const auth = createOciAuth({ http, registry: 'r', credential: { username: 'u', password: 'p' } });
    await expect(
      auth.answer({ scheme: 'bearer', params: { realm: 'http://auth.example.org/token' } }, 's'),
    ).rejects.toMatchObject({ code: 'InsecureRealm' });
    await http.close();
  });

  it('never sends the credential over plain http to a realm whose name only starts with 127.', async () => {
    // every name resolves to this machine, as an attacker's DNS for 127.evil.example would
    const lookup: LookupFunction = (_host, opts, callback) =>
      opts.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
    const http = createHttpClient({ dispatcher: new Agent({ connect: { lookup } }) });
    const port = new URL(realm).port;
    const before = seen.length;
    for (const host of ['127.evil.example', '127.0.0.1.evil.example']) {
      const auth = createOciAuth({ http, registry: 'r', credential: { username: 'u', password: 'p' } });
      await expect(
        auth.answer({ scheme: 'bearer', params: { realm: `http://${host}:${port}/token` } }, 's'),
      ).rejects.toMatchObject({ code: 'InsecureRealm' });
    }
    expect(seen.slice(before).map((r) => r.headers.authorization)).toEqual([]);
    // a loopback address in another form still gets its token
    const auth = createOciAuth({ http, registry: 'r', credential: { username: 'u', password: 'p' } });
    expect(
      await auth.answer({ scheme: 'bearer', params: { realm: `http://127.1:${port}/token` } }, 's'),
    ).toMatch(/^Bearer tok-s-/);
    await http.close();
  });
});
