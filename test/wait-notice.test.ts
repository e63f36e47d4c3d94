/**
 * A server that accepts connections and never answers: the wait is not silent. Past
 * CHARTROOM_WAIT_NOTICE (5 s by default) `sync` prints on stderr what it is waiting for (the URL
 * without userinfo or query, never a credential, the registry, how long, the deadline), repeated at a growing
 * interval, and never on --json's stdout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let server: Server;
let port = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  repo = await createTempRepo();
  // accepts, reads, never writes a byte
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  await repo.writeCredential('hang', 'hosts: [127.0.0.1]\npassword: {env: HANG_PASS}\n');
  await repo.writeRegistry(
    'hang',
    `url: http://127.0.0.1:${port}/charts\ninsecure: true\ncredential: hang\n`,
  );
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await repo.cleanup();
});

const PASSWORD = 's3cret-hang-pass';
const env = {
  CHARTROOM_WAIT_NOTICE: '1s',
  CHARTROOM_REQUEST_DEADLINE: '2500ms',
  HANG_PASS: PASSWORD,
  CHARTROOM_ENV_HOSTS: 'HANG_PASS=127.0.0.1',
};
const notice = () =>
  new RegExp(
    `… still waiting for http://127\\.0\\.0\\.1:${port}/charts/index\\.yaml \\(registry hang\\): 1 s, no response yet \\(deadline 2500ms\\)`,
  );

describe('waiting is not silent', () => {
  it('sync says what it waits for, on stderr, without the credential', async () => {
    const result = await chartroom(['sync', '--force', '--no-commit', '--root', repo.root], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(notice());
    // the second notice comes at 2 s (twice the first), still within the 2.5 s deadline
    expect(result.stderr).toMatch(/still waiting for .*: 2 s, no response yet/);
    expect(result.stderr).not.toContain(PASSWORD);
    // each attempt is watched from its start, and a retry says it is one
    expect(result.stderr).toMatch(/still waiting for .* \(registry hang, retry 1\): 1 s, no response yet/);
    expect(result.stderr).toMatch(/✗ hang: connection timed out/);
  });

  it('with --json the notices stay on stderr and stdout is the report alone', async () => {
    const result = await chartroom(['sync', '--force', '--no-commit', '--json', '--root', repo.root], {
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(notice());
    expect(result.stdout).not.toContain('still waiting');
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
  });

  it('validate --connect says what it waits for too, and fails the registry at the deadline (exit 1)', async () => {
    const result = await chartroom(['validate', '--connect', '--root', repo.root], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(notice());
    expect(result.stderr).toMatch(/^✗ hang: connection timed out/m);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('a wait notice setting that is not a duration is a usage error (exit 2)', async () => {
    const result = await chartroom(['sync', '--force', '--no-commit', '--root', repo.root], {
      env: { ...env, CHARTROOM_WAIT_NOTICE: 'soon' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CHARTROOM_WAIT_NOTICE="soon"');
  });
});
