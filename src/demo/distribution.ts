/**
 * The CNCF distribution registry (Debian's `docker-registry`) started on a loopback port with its
 * own config: the demo serves its example charts from it, and the tests run it in its auth setups.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Distribution {
  /** 127.0.0.1:PORT */
  host: string;
  origin: string;
  /** a scratch folder that lives as long as the registry */
  dir: string;
  close(): Promise<void>;
}

export function hasDistribution(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v docker-registry'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * @param options.dir a scratch folder to use (removed on close); a new one by default
 * @param options.authConfig the config's top-level `auth:` section (YAML); anonymous without it
 */
export async function startDistribution(
  options: { dir?: string; authConfig?: string } = {},
): Promise<Distribution> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'chartroom-registry-')));
  const host = `127.0.0.1:${await freePort()}`;
  const auth = options.authConfig ?? '';
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${path.join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${host}
  secret: ${randomUUID()}
${auth}`;
  await writeFile(path.join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const origin = `http://${host}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${origin}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    origin,
    dir,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
