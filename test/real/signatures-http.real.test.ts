/**
 * Helm's own provenance files (fixtures/signing/helm, §1 of its README), end to end: served by a
 * real chart repository on loopback beside their archives, synced under a helm policy with Helm's
 * test keyring (binary, as Helm ships it). signtest 0.1.0 verifies (by the Helm Testing key);
 * hashtest 1.2.3 served with Helm's tampered block as its .prov is refused at the signature step.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CatalogChart } from '../../src/catalog/types.ts';
import { startChartRepoServer, type ChartRepoServer } from '../../src/demo/chart-repo-server.ts';
import { sha256Digest } from '../../src/chart/digest.ts';
import { createSync } from '../../src/sync/run.ts';
import { fixturesDir } from '../../testkit/fixtures.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';
import { catalogProblems } from '../helpers/catalog-check.ts';

const helm = path.join(fixturesDir(), 'signing', 'helm');
let server: ChartRepoServer;
let repo: TempRepo;
const readChart = async (chart: string) =>
  JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', 'helm', chart, 'chart.json'), 'utf8'),
  ) as CatalogChart;

beforeAll(async () => {
  server = await startChartRepoServer();
  const signtest = await readFile(path.join(helm, 'signtest', 'signtest-0.1.0.tgz'));
  const hashtest = await readFile(path.join(helm, 'provenance', 'hashtest-1.2.3.tgz'));
  server.setFile('/signtest-0.1.0.tgz', signtest);
  server.setFile(
    '/signtest-0.1.0.tgz.prov',
    await readFile(path.join(helm, 'signtest', 'signtest-0.1.0.tgz.prov')),
  );
  server.setFile('/hashtest-1.2.3.tgz', hashtest);
  server.setFile(
    '/hashtest-1.2.3.tgz.prov',
    await readFile(path.join(helm, 'provenance', 'msgblock.yaml.tampered')),
  );
  const entry = (name: string, version: string, archive: Buffer) =>
    `  ${name}:\n    - apiVersion: v1\n      name: ${name}\n      version: ${version}\n      digest: ${sha256Digest(archive).slice(7)}\n      urls: [${name}-${version}.tgz]\n`;
  server.setFile(
    '/index.yaml',
    `apiVersion: v1\nentries:\n${entry('signtest', '0.1.0', signtest)}${entry('hashtest', '1.2.3', hashtest)}`,
  );
  repo = await createTempRepo();
  await mkdir(path.join(repo.root, 'keys'));
  await copyFile(
    path.join(helm, 'provenance', 'helm-test-key.pub'),
    path.join(repo.root, 'keys', 'helm-test-key.pub'),
  );
  await repo.writeRegistry(
    'helm',
    `url: ${server.origin}\ninsecure: true\nverify:\n  provider: helm\n  key: keys/helm-test-key.pub\n  required: true\n`,
  );
});
afterAll(async () => {
  expect(await catalogProblems(repo.root)).toEqual([]);
  await server.close();
  await repo.cleanup();
});

it("Helm's signed signtest verifies by the Helm Testing key; the tampered block is refused", async () => {
  const report = await createSync({ root: repo.root }).run({ force: true });
  expect(report.registries[0]!.failed).toEqual([]);
  const signtest = (await readChart('signtest')).versions[0]!;
  expect(signtest.signatures).toEqual([
    expect.objectContaining({
      kind: 'helm',
      verified: true,
      signer: 'Helm Testing (This key should only be used for testing. DO NOT TRUST.) <helm-testing@helm.sh>',
      identity: '5E615389B53CA37F0EE60BD3843BBF981FC18762',
    }),
  ]);
  expect(signtest.policy).toBe('passed');
  const hashtestDoc = await readChart('hashtest');
  const hashtest = hashtestDoc.versions[0]!;
  expect(hashtest.signatures?.map((s) => s.verified)).toEqual([false]);
  expect([hashtest.policy, hashtest.policyError?.code]).toEqual(['failed', 'SignatureInvalid']);
  // refused, so not offered: the chart has no latest
  expect(hashtestDoc.latest).toBeUndefined();
  expect(report.registries[0]!.signatures?.refused).toEqual([{ chart: 'hashtest', version: '1.2.3' }]);
});
