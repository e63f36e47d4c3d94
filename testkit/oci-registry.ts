/**
 * The real CNCF distribution registry (Debian `docker-registry`), started on a free loopback port
 * with its own config, in one of three auth setups as real registries run it: anonymous,
 * htpasswd (Basic), or token auth with a test token issuer on another loopback address (as
 * Docker Hub's auth.docker.io is another host than registry-1.docker.io) that signs RS256 JWTs
 * with a self-signed certificate made by openssl and sent in the header's `x5c`.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { freePort, startDistribution } from '../src/demo/distribution.ts';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer as createHttpServer, type Server } from 'node:http';
import path from 'node:path';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface Users {
  [username: string]: { password: string; push: boolean };
}

export interface TestRegistry {
  /** 127.0.0.1:PORT */
  host: string;
  origin: string;
  auth: RegistryAuth;
  users: Users;
  /** token requests the issuer answered */
  tokenRequests: Array<{ scope: string | null; user: string | undefined }>;
  /** an Authorization header that may push to a repository */
  pushAuth(repository: string): Promise<string | undefined>;
  close(): Promise<void>;
}

const SERVICE = 'chartroom-test-registry';
const ISSUER = 'chartroom-test-issuer';

function need(binary: string, pkg: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'pipe' });
  } catch {
    throw new Error(
      `${binary} is missing: install it with \`apt-get install -y ${pkg}\` (.ci/run does this)`,
    );
  }
}

export { freePort };

export async function startRegistry(
  auth: RegistryAuth,
  users: Users = { admin: { password: 'admin-pass-1', push: true } },
): Promise<TestRegistry> {
  need('docker-registry', 'docker-registry');
  const dir = await mkdtemp(path.join(tmpdir(), 'chartroom-registry-'));
  const tokenRequests: TestRegistry['tokenRequests'] = [];
  let issuer: Server | undefined;
  let authConfig = '';
  let privateKey: ReturnType<typeof createPrivateKey> | undefined;
  let certDer = '';
  let issuerOrigin = '';

  if (auth === 'htpasswd') {
    need('htpasswd', 'apache2-utils');
    const lines = Object.entries(users).map(([user, { password }]) =>
      execFileSync('htpasswd', ['-nbB', user, password]).toString().trim(),
    );
    await writeFile(path.join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: chartroom-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    need('openssl', 'openssl');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${ISSUER}`,
      ],
      { stdio: 'pipe' },
    );
    privateKey = createPrivateKey(await readFile(path.join(dir, 'key.pem')));
    certDer = new X509Certificate(await readFile(path.join(dir, 'cert.pem'))).raw.toString('base64');
    const issuerPort = await freePort('127.0.0.2');
    issuerOrigin = `http://127.0.0.2:${issuerPort}`;
    issuer = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', issuerOrigin);
      const user = basicUser(req.headers.authorization, users);
      tokenRequests.push({ scope: url.searchParams.get('scope'), user: user ?? undefined });
      if (user === null) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"details":"wrong username or password"}');
        return;
      }
      const access = url.searchParams
        .getAll('scope')
        .flatMap((scope) => grant(scope, user === undefined ? undefined : users[user]));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token: jwt(access, user ?? ''), expires_in: 300 }));
    });
    await new Promise<void>((r) => issuer!.listen(issuerPort, '127.0.0.2', r));
    authConfig = `auth:\n  token:\n    realm: ${issuerOrigin}/token\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${path.join(dir, 'cert.pem')}\n`;
  }

  function jwt(access: unknown[], subject: string): string {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const head = b64({ alg: 'RS256', typ: 'JWT', x5c: [certDer] });
    const body = b64({
      iss: ISSUER,
      sub: subject,
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    });
    return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey!).toString('base64url')}`;
  }

  const distribution = await startDistribution({ dir, authConfig });
  const { host, origin } = distribution;
  return {
    host,
    origin,
    auth,
    users,
    tokenRequests,
    async pushAuth(repository) {
      const [user, { password }] = Object.entries(users).find(([, u]) => u.push)!;
      const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      if (auth === 'none') return undefined;
      if (auth === 'htpasswd') return basic;
      const res = await fetch(
        `${issuerOrigin}/token?service=${SERVICE}&scope=repository:${repository}:pull,push`,
        { headers: { authorization: basic } },
      );
      return `Bearer ${((await res.json()) as { token: string }).token}`;
    },
    async close() {
      await distribution.close();
      if (issuer) {
        issuer.closeAllConnections();
        await new Promise<void>((r) => issuer.close(() => r()));
      }
    },
  };
}

/** undefined: anonymous; null: wrong credentials; else the user name */
function basicUser(header: string | undefined, users: Users): string | undefined | null {
  if (!header) return undefined;
  const [user, ...rest] = Buffer.from(header.replace(/^Basic /, ''), 'base64')
    .toString()
    .split(':');
  return user && users[user]?.password === rest.join(':') ? user : null;
}

function grant(scope: string, user: { push: boolean } | undefined): unknown[] {
  const [type, ...rest] = scope.split(':');
  const actions = rest.pop()!.split(',');
  const name = rest.join(':');
  if (!user) return []; // anonymous: no access, as a private registry answers
  const allowed = actions.filter(
    (a) => a === 'pull' || (a === 'push' && user.push) || (a === '*' && type === 'registry'),
  );
  return allowed.length > 0 ? [{ type, name, actions: allowed }] : [];
}
