/**
 * Every value derived from a credential is redacted, wherever a registry's words end up: an OCI
 * registry (a small server here) whose error bodies echo the Authorization header they got, and
 * the refresh token its token service gave out. Neither the bearer token, the refresh token nor
 * the Basic header may reach the catalog, the commit, the --json report, stdout, stderr or the
 * job summary; the echo itself is kept, redacted, so the user still sees what the registry said.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { readTexts } from './helpers/tree.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const USER = 'robot';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const TOKEN = `tok-${randomBytes(24).toString('base64url')}`;
const REFRESH = `refresh-${randomBytes(24).toString('base64url')}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

let repo: TempRepo;
let base: string;
let host = '';
const server = createServer((req, res) => answer(req, res));

/** A registry: a Bearer realm for namespaces `tags` and `manifest`, Basic for `basic`. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const auth = req.headers.authorization ?? '';
  const echo = (status: number, said = `your refresh token is ${REFRESH}`): void =>
    void res.writeHead(status, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        errors: [{ code: 'DENIED', message: `you sent "${auth}"; ${said}` }],
      }),
    );
  if (url.pathname === '/token') {
    if (auth !== BASIC) return void res.writeHead(401).end();
    return void res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token: TOKEN, refresh_token: REFRESH, expires_in: 300 }));
  }
  if (url.pathname.startsWith('/v2/basic/')) {
    if (auth !== BASIC) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
    return echo(403, 'no token here');
  }
  if (auth !== `Bearer ${TOKEN}`) {
    return void res
      .writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="echo"` })
      .end();
  }
  if (url.pathname === '/v2/tags/app/tags/list') return echo(403);
  if (url.pathname === '/v2/manifest/app/tags/list') {
    return void res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ name: 'manifest/app', tags: ['1.0.0'] }));
  }
  return echo(500);
}

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  repo = await createTempRepo();
  base = await mkdtemp(path.join(tmpdir(), 'chartroom-redaction-'));
  await repo.writeCredential(
    'echo',
    'hosts: ["127.0.0.1"]\nusername: {env: ECHO_USER}\npassword: {env: ECHO_TOKEN}\n',
  );
  for (const ns of ['tags', 'manifest', 'basic']) {
    await repo.writeRegistry(
      ns,
      `url: oci://${host}/${ns}\ninsecure: true\ncharts: [app]\ncredential: echo\n`,
    );
  }
  await repo.git.add('registries').commit('registries');
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await repo.cleanup();
  await rm(base, { recursive: true, force: true });
});

it('redacts the bearer token, the refresh token and the Basic header a registry echoes, everywhere', async () => {
  const summary = path.join(base, 'summary.md');
  await writeFile(summary, '');
  const env = {
    ECHO_USER: USER,
    ECHO_TOKEN: PASSWORD,
    CHARTROOM_ENV_HOSTS: 'ECHO_USER=127.0.0.1 ECHO_TOKEN=127.0.0.1',
    GITHUB_ACTIONS: 'true',
    GITHUB_STEP_SUMMARY: summary,
  };
  const json = await chartroom(['sync', '--root', repo.root, '--json'], { env });
  const human = await chartroom(['sync', '--root', repo.root, '--force', '--retry-failed'], { env });
  expect(json.code).toBe(1);
  expect(human.code).toBe(1);

  const registryFiles = await Promise.all(
    ['tags', 'manifest', 'basic'].map((ns) =>
      readFile(path.join(repo.root, 'catalog', 'registries', `${ns}.json`), 'utf8'),
    ),
  );
  // the echoes were recorded (so the test saw them), with the secrets taken out
  for (const text of registryFiles) expect(text).toContain('you sent \\"[redacted]\\"');
  expect(json.stdout).toContain('your refresh token is [redacted]');

  const history = execFileSync('git', ['log', '-p', '--all'], { cwd: repo.root }).toString();
  const catalog = await readTexts(path.join(repo.root, 'catalog'));
  const state = await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8');
  const places = {
    jsonStdout: json.stdout,
    jsonStderr: json.stderr,
    stdout: human.stdout,
    stderr: human.stderr,
    summary: await readFile(summary, 'utf8'),
    history,
    state,
    catalog: catalog.join('\n'),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const secret of [TOKEN, REFRESH, PASSWORD, BASIC.slice('Basic '.length)]) {
      expect(text.includes(secret), `${place} holds ${secret.slice(0, 8)}…`).toBe(false);
    }
  }
});
