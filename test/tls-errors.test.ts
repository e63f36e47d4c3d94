/**
 * The TLS errors a new user meets first, through `chartroom sync`: a server that speaks plain
 * http reached on an https URL (HTTP repository and OCI registry), a self-signed certificate, a
 * certificate for another host, an expired one. Each says what happened and what to write in the
 * registry file, and is not retried (nothing changes by itself).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { makeCert, startTlsServer } from './helpers/tls-server.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let registry: TestRegistry;

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('tls-app');
  served = await serveCharts([{ dir: chart.dir, name: 'tls-app', versions: ['1.0.0'] }]);
  registry = await startRegistry('none');
});
afterAll(async () => {
  await served.close();
  await registry.close();
  await repo.cleanup();
});

/** Syncs the one registry `name` and returns its line on stderr, the exit code and how long it took. */
async function syncOnly(name: string) {
  const started = Date.now();
  const result = await chartroom(['sync', '--force', '--no-commit', '--registry', name, '--root', repo.root]);
  const line = result.stderr.split('\n').find((l) => l.startsWith(`✗ ${name}:`)) ?? result.stderr;
  return { code: result.code, line, ms: Date.now() - started };
}

describe('TLS errors say what to do', () => {
  it('an HTTP repository that speaks plain http on an https URL names insecure: true with http://', async () => {
    const port = new URL(served.url).port;
    await repo.writeRegistry('plain', `url: https://127.0.0.1:${port}/charts\n`);
    const { code, line, ms } = await syncOnly('plain');
    expect(code).toBe(1);
    expect(line).toMatch(
      new RegExp(
        `^✗ plain: the server answered in plain http on an https URL: GET https://127\\.0\\.0\\.1:${port}/charts/index\\.yaml \\(index\\) \\(ERR_SSL_WRONG_VERSION_NUMBER\\); .*write the URL with http:// and set insecure: true`,
      ),
    );
    // not retried with backoff: nothing changes by itself
    expect(ms).toBeLessThan(10_000);
  });

  it('an OCI registry that speaks plain http names insecure: true (oci:// stays)', async () => {
    await repo.writeRegistry('plainoci', `url: oci://${registry.host}/charts\ncharts: [alpha]\n`);
    const { code, line } = await syncOnly('plainoci');
    expect(code).toBe(1);
    expect(line).toMatch(
      /^✗ plainoci: the server answered in plain http on an https URL: GET https:\/\/127\.0\.0\.1:\d+\/v2\//,
    );
    expect(line).toContain('insecure: true');
    expect(line).toContain('an oci:// URL stays as it is');
  });

  it('a self-signed certificate names caFile', async () => {
    const server = await startTlsServer(await makeCert('self-signed'));
    try {
      await repo.writeRegistry('selfsigned', `url: ${server.origin}/charts\n`);
      const { code, line } = await syncOnly('selfsigned');
      expect(code).toBe(1);
      expect(line).toMatch(
        /^✗ selfsigned: certificate not trusted: GET https:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml \(index\): self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); .*caFile:/,
      );
    } finally {
      await server.close();
    }
  });

  it('a certificate for another host says so, and that caFile does not help', async () => {
    const cert = await makeCert('other-host');
    const server = await startTlsServer(cert);
    try {
      await writeFile(path.join(repo.root, 'other-host.pem'), cert.cert);
      await repo.writeRegistry('otherhost', `url: ${server.origin}/charts\ncaFile: other-host.pem\n`);
      const { code, line } = await syncOnly('otherhost');
      expect(code).toBe(1);
      expect(line).toMatch(
        /^✗ otherhost: certificate for another host: GET https:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml \(index\): .*127\.0\.0\.1.*\(ERR_TLS_CERT_ALTNAME_INVALID\); use the host name the certificate is for/,
      );
    } finally {
      await server.close();
    }
  });

  it('an expired certificate says so', async () => {
    const cert = await makeCert('expired');
    const server = await startTlsServer(cert);
    try {
      await writeFile(path.join(repo.root, 'expired.pem'), cert.cert);
      await repo.writeRegistry('expired', `url: ${server.origin}/charts\ncaFile: expired.pem\n`);
      const { code, line } = await syncOnly('expired');
      expect(code).toBe(1);
      expect(line).toMatch(
        /^✗ expired: certificate expired: GET https:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml \(index\) \(CERT_HAS_EXPIRED\); the server's certificate must be renewed/,
      );
    } finally {
      await server.close();
    }
  });
});
