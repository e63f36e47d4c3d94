/**
 * The sync's signature phase end to end on a real HTTP chart repository that serves provenance
 * files signed in the test (openpgp, Helm's .prov format): what is recorded with and without a
 * policy, what a required policy refuses, when versions are looked up again (a policy added, a
 * key changed, a chart's index part changed) and when not (a 304), flags, and a key that is not one.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as openpgp from 'openpgp';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { sourceFor as realSourceFor } from '../src/sources/index.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { chartroom } from './helpers/cli.ts';
import { startFaultFront } from './helpers/fault-front.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { openpgpKeyPair, provenanceMessage, signProvenance } from '../testkit/signing.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
let alpha: OwnChart;
let beta: OwnChart;
let signer: Awaited<ReturnType<typeof openpgpKeyPair>>;

const readJson = async <T>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;
const chartJson = (chart: string) =>
  readJson<CatalogChart>(path.join(repo.root, 'catalog', 'charts', 'own', chart, 'chart.json'));
const registryJson = () =>
  readJson<CatalogRegistry>(path.join(repo.root, 'catalog', 'registries', 'own.json'));
const versionOf = async (chart: string, version: string) =>
  (await chartJson(chart)).versions.find((v) => v.version === version)!;
// each sync two hours after the last: an unsigned version's look-ups of its first hour (rule (e))
// are over by the next one, unless a test sets the clock itself
let clockAt = 0;
const nextNow = () => new Date((clockAt += 2 * HOUR));
const HOUR = 60 * 60 * 1000;
const sync = async (clock: () => Date = nextNow) => {
  const report = await createSync({ root: repo.root, clock }).run({ force: true });
  expect(reportProblems(report)).toEqual([]);
  return report;
};
const provRequests = () =>
  served
    .since()
    .filter((r) => r.path.endsWith('.prov'))
    .map((r) => r.path)
    .sort();

const REGISTRY = () => `url: ${served.url}\ninsecure: true\n`;
const withPolicy = (required: boolean) =>
  `${REGISTRY()}verify:\n  provider: helm\n  key: keys/helm.asc\n  required: ${required}\n`;
const writeKey = async (armored: string) => {
  await mkdir(path.join(repo.root, 'keys'), { recursive: true });
  await writeFile(path.join(repo.root, 'keys', 'helm.asc'), armored);
};
const sign = async (chart: string, version: string, key: openpgp.PrivateKey = signer.privateKey) =>
  served.setProvenance(
    chart,
    version,
    await signProvenance({ archive: served.archive(chart, version), name: chart, version }, key),
  );

beforeEach(async () => {
  clockAt = Date.now();
  repo = await createTempRepo();
  alpha = await writeOwnChart('alpha');
  beta = await writeOwnChart('beta', { readme: false });
  served = await serveCharts([
    { dir: alpha.dir, name: 'alpha', versions: ['1.0.0', '1.1.0'] },
    { dir: beta.dir, name: 'beta', versions: ['0.1.0', '0.2.0'] },
  ]);
  signer = await openpgpKeyPair();
  await writeKey(signer.publicKeyArmored);
  // alpha 1.0.0 and beta 0.1.0 signed; alpha 1.1.0 unsigned; beta 0.2.0 tampered: a good
  // signature over a block that names another archive digest
  await sign('alpha', '1.0.0');
  await sign('beta', '0.1.0');
  const message = await provenanceMessage({
    archive: served.archive('beta', '0.2.0'),
    name: 'beta',
    version: '0.2.0',
  });
  const tampered = message.replace(/sha256:[0-9a-f]{64}/, `sha256:${'0'.repeat(64)}`);
  served.setProvenance(
    'beta',
    '0.2.0',
    await signProvenance(
      { archive: served.archive('beta', '0.2.0'), name: 'beta', version: '0.2.0' },
      signer.privateKey,
      tampered,
    ),
  );
});

afterEach(async () => {
  expect(await catalogProblems(repo.root)).toEqual([]);
  await served.close();
  await repo.cleanup();
});

describe('signatures in a sync of an HTTP chart repository', () => {
  it('without a policy records each provenance file unverified and an unsigned version as []', async () => {
    await repo.writeRegistry('own', REGISTRY());
    const report = await sync();
    const signed = await versionOf('alpha', '1.0.0');
    expect(signed.signatures).toHaveLength(1);
    expect(signed.signatures![0]).toMatchObject({ kind: 'helm', verified: false });
    expect(signed.signatures![0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(signed.signatures![0]!.reason).toContain('registries/own.yaml has no verify: policy');
    expect(signed.policy).toBeUndefined();
    expect((await versionOf('alpha', '1.1.0')).signatures).toEqual([]);
    expect((await chartJson('alpha')).latest).toBe('1.1.0');
    expect((await registryJson()).verify).toBeUndefined();
    expect(report.registries[0]!.signatures).toEqual({ checked: 4, verified: 0, refused: [], changed: [] });
  });

  it('under a required policy verifies, refuses unsigned and tampered versions, and latest skips them', async () => {
    await repo.writeRegistry('own', withPolicy(true));
    const report = await sync();
    const good = await versionOf('alpha', '1.0.0');
    expect(good.policy).toBe('passed');
    expect(good.signatures).toEqual([
      expect.objectContaining({
        kind: 'helm',
        verified: true,
        signer: 'Chartroom Test Signer <signer@example.invalid>',
        identity: signer.fingerprint,
      }),
    ]);
    const unsigned = await versionOf('alpha', '1.1.0');
    expect(unsigned).toMatchObject({
      signatures: [],
      policy: 'failed',
      policyError: { code: 'SignatureMissing' },
    });
    expect(unsigned.policyError!.message).toContain('alpha 1.1.0');
    expect(unsigned.policyError!.message).toContain('registries/own.yaml');
    const tampered = await versionOf('beta', '0.2.0');
    expect(tampered).toMatchObject({ policy: 'failed', policyError: { code: 'SignatureInvalid' } });
    expect(tampered.signatures![0]!.verified).toBe(false);
    // refused versions stay in chart.json, never latest
    expect((await chartJson('alpha')).latest).toBe('1.0.0');
    expect((await chartJson('beta')).latest).toBe('0.1.0');
    expect((await chartJson('alpha')).versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    const keyDigest = `sha256:${createHash('sha256').update(signer.publicKeyArmored).digest('hex')}`;
    expect((await registryJson()).verify).toEqual({
      provider: 'helm',
      key: 'keys/helm.asc',
      required: true,
      keyDigest,
    });
    expect(report.registries[0]!.signatures).toEqual({
      checked: 4,
      verified: 2,
      refused: [
        { chart: 'alpha', version: '1.1.0' },
        { chart: 'beta', version: '0.2.0' },
      ],
      changed: [],
    });
    expect(report.message).toContain(
      'Refused by the verify: policy (never latest):\n- own/alpha 1.1.0\n- own/beta 0.2.0',
    );
    const status = await chartroom(['status', '--json'], { cwd: repo.root });
    const row = (JSON.parse(status.stdout) as { registries: Array<{ refused: unknown[] }> }).registries[0]!;
    expect(row.refused).toEqual([
      { chart: 'alpha', version: '1.1.0', code: 'SignatureMissing' },
      { chart: 'beta', version: '0.2.0', code: 'SignatureInvalid' },
    ]);
    const text = await chartroom(['status', '--check'], { cwd: repo.root });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ok (2 refused)');
    expect(text.stdout).toContain('own/alpha 1.1.0: refused by the verify: policy (SignatureMissing)');
  });

  it('a 304 sync looks nothing up', async () => {
    await repo.writeRegistry('own', withPolicy(true));
    await sync();
    served.reset();
    const report = await sync();
    expect(report.registries[0]!.status).toBe('not-modified');
    expect(served.since().map((r) => r.path)).toEqual(['/charts/index.yaml']);
    expect(report.commit).toBeUndefined();
  });

  it('adding verify: to a synced registry checks its existing versions at the next sync, and a new key again', async () => {
    await repo.writeRegistry('own', REGISTRY());
    await sync();
    await repo.writeRegistry('own', withPolicy(false));
    served.reset();
    const report = await sync();
    // no archive fetched again: only the index and each version's provenance file
    expect(provRequests()).toEqual([
      '/charts/alpha-1.0.0.tgz.prov',
      '/charts/alpha-1.1.0.tgz.prov',
      '/charts/beta-0.1.0.tgz.prov',
      '/charts/beta-0.2.0.tgz.prov',
    ]);
    expect(served.since().filter((r) => r.path.endsWith('.tgz'))).toEqual([]);
    expect((await versionOf('alpha', '1.0.0')).policy).toBe('passed');
    expect((await versionOf('alpha', '1.1.0')).policy).toBe('failed');
    // not required: the unsigned version is offered all the same
    expect((await chartJson('alpha')).latest).toBe('1.1.0');
    expect(report.message?.split('\n')[0]).toBe('signatures: 4 versions checked');

    // another key: every version is checked again, and none verifies with it
    const other = await openpgpKeyPair('Someone Else', 'else@example.invalid');
    await writeKey(other.publicKeyArmored);
    served.reset();
    await sync();
    expect(provRequests()).toHaveLength(4);
    expect(await versionOf('alpha', '1.0.0')).toMatchObject({
      policy: 'failed',
      policyError: { code: 'SignatureInvalid' },
    });
    expect((await registryJson()).verify!.keyDigest).toBe(
      `sha256:${createHash('sha256').update(other.publicKeyArmored).digest('hex')}`,
    );
  });

  it('finds a provenance file that appears later when the index changes, and flags one that disappears', async () => {
    await repo.writeRegistry('own', withPolicy(true));
    await sync();
    await sign('alpha', '1.1.0');
    const original = served.server.file('/charts/beta-0.1.0.tgz.prov')!;
    served.removeProvenance('beta', '0.1.0');
    const recorded = (await versionOf('beta', '0.1.0')).signatures!;
    // unchanged index: a 304, nothing seen yet
    served.reset();
    await sync();
    expect(provRequests()).toEqual([]);
    expect((await versionOf('alpha', '1.1.0')).policy).toBe('failed');

    await served.publish([
      { dir: alpha.dir, name: 'alpha', versions: ['1.2.0'] },
      { dir: beta.dir, name: 'beta', versions: ['0.3.0'] },
    ]);
    await sign('alpha', '1.2.0');
    await sign('beta', '0.3.0');
    const report = await sync();
    expect(await versionOf('alpha', '1.1.0')).toMatchObject({ policy: 'passed' });
    expect((await versionOf('alpha', '1.1.0')).policyError).toBeUndefined();
    expect((await chartJson('alpha')).latest).toBe('1.2.0');
    expect(await versionOf('beta', '0.1.0')).toMatchObject({ signatures: [], policy: 'failed' });
    expect((await chartJson('beta')).latest).toBe('0.3.0');
    const doc = await registryJson();
    expect(doc.signatureChanges?.map(({ detected: _d, ...flag }) => flag)).toEqual([
      { chart: 'beta', version: '0.1.0', change: 'removed', previous: recorded },
    ]);
    expect(Date.parse(doc.signatureChanges![0]!.detected)).not.toBeNaN();
    expect(report.registries[0]!.signatures!.changed).toEqual([{ chart: 'beta', version: '0.1.0' }]);
    expect(report.message).toContain('Signatures changed upstream (flagged):\n- own/beta 0.1.0');

    // the flag stays while the signature is gone, and goes once it is back as recorded
    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.4.0'] }]);
    await sync();
    expect((await registryJson()).signatureChanges).toHaveLength(1);
    // the very file recorded before (signing anew would give another digest)
    served.setProvenance('beta', '0.1.0', original);
    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.5.0'] }]);
    await sync();
    expect((await registryJson()).signatureChanges).toBeUndefined();
    expect((await versionOf('beta', '0.1.0')).policy).toBe('passed');
  });

  it('rule (e): an unsigned version is looked up again at each sync of its first hour, then no more', async () => {
    const start = Date.now();
    const at = (minutes: number) => () => new Date(start + minutes * 60 * 1000);
    const recheckOf = async () =>
      (
        await readJson<{ registries: Record<string, { recheck?: unknown }> }>(
          path.join(repo.root, '.chartroom', 'state.json'),
        )
      ).registries.own!.recheck;
    await repo.writeRegistry('own', withPolicy(true));
    await sync(at(0));
    // alpha 1.1.0 is unsigned: remembered with when it was first seen (the tampered one is not)
    expect(await recheckOf()).toEqual({ alpha: { '1.1.0': new Date(start).toISOString() } });

    // CI signs it a little later; the index does not change (a 304 would hide it)
    await sign('alpha', '1.1.0');
    served.reset();
    await sync(at(10));
    const index = served.since().filter((r) => r.path === '/charts/index.yaml');
    expect(index.map((r) => r.headers['if-none-match'])).toEqual([undefined]);
    expect(provRequests()).toEqual(['/charts/alpha-1.1.0.tgz.prov']);
    expect(await versionOf('alpha', '1.1.0')).toMatchObject({ policy: 'passed' });
    expect((await chartJson('alpha')).latest).toBe('1.1.0');
    expect(await recheckOf()).toBeUndefined();

    // one that stays unsigned: looked up while inside its hour, kept with its first time
    await served.publish([{ dir: beta.dir, name: 'beta', versions: ['0.3.0'] }]);
    await sync(at(20));
    served.reset();
    await sync(at(50));
    expect(provRequests()).toEqual(['/charts/beta-0.3.0.tgz.prov']);
    expect(await recheckOf()).toEqual({ beta: { '0.3.0': new Date(start + 20 * 60 * 1000).toISOString() } });
    // an hour after it was first seen: a quiet sync again, one conditional request
    served.reset();
    const quiet = await sync(at(81));
    expect(served.since().map((r) => r.path)).toEqual(['/charts/index.yaml']);
    expect(quiet.registries[0]!.status).toBe('not-modified');
    expect(await recheckOf()).toBeUndefined();
    expect((await versionOf('beta', '0.3.0')).policyError!.code).toBe('SignatureMissing');
  });

  it('a key file that is not a key fails validate and the sync with VerifyKeyInvalid, keeping the catalog', async () => {
    await repo.writeRegistry('own', withPolicy(true));
    await sync();
    await writeKey('this is not a keyring\n');
    const validate = await chartroom(['validate'], { cwd: repo.root });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('registries/own.yaml:5:8: verify.key "keys/helm.asc"');
    expect(validate.stderr).toContain('(VerifyKeyInvalid)');
    const report = await createSync({ root: repo.root, clock: nextNow }).run({ force: true });
    expect(report.exitCode).toBe(1);
    expect(report.registries[0]!.error!.code).toBe('VerifyKeyInvalid');
    expect(report.registries[0]!.error!.message).toContain('registries/own.yaml: verify.key "keys/helm.asc"');
    const doc = await registryJson();
    expect(doc.error!.code).toBe('VerifyKeyInvalid');
    expect(doc.versions).toBe(4);
    expect((await versionOf('alpha', '1.0.0')).policy).toBe('passed');
  });

  it('a look-up that fails keeps a known record, fails a new version under the policy, and is retried (no 304)', async () => {
    await repo.writeRegistry('own', withPolicy(true));
    await sync();
    await served.publish([{ dir: alpha.dir, name: 'alpha', versions: ['1.2.0'] }]);
    await sign('alpha', '1.2.0');
    const failing = new Set(['alpha 1.0.0', 'alpha 1.2.0']);
    const faulty = createSync({
      root: repo.root,
      clock: nextNow,
      sourceFor: (definition, http) => {
        const source = realSourceFor(definition, http);
        return {
          ...source,
          findSignatures: (meta, subject) =>
            failing.has(`${meta.chart} ${meta.version}`)
              ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1'))
              : source.findSignatures!(meta, subject),
        };
      },
    });
    const before = await versionOf('alpha', '1.0.0');
    await faulty.run({ force: true });
    expect(await versionOf('alpha', '1.0.0')).toEqual(before);
    const unchecked = await versionOf('alpha', '1.2.0');
    expect(unchecked.signatures).toBeUndefined();
    expect(unchecked).toMatchObject({ policy: 'failed', policyError: { code: 'SignatureMissing' } });
    expect(unchecked.policyError!.message).toContain('could not be looked up');
    // never offered unchecked under required: true
    expect((await chartJson('alpha')).latest).toBe('1.0.0');

    // the index did not change, yet the next sync lists it in full and looks alpha up again
    served.reset();
    await sync();
    const index = served.since().filter((r) => r.path === '/charts/index.yaml');
    expect(index.map((r) => r.headers['if-none-match'])).toEqual([undefined]);
    expect(provRequests()).toEqual([
      '/charts/alpha-1.0.0.tgz.prov',
      '/charts/alpha-1.1.0.tgz.prov',
      '/charts/alpha-1.2.0.tgz.prov',
    ]);
    expect(await versionOf('alpha', '1.2.0')).toMatchObject({ policy: 'passed' });
    expect((await chartJson('alpha')).latest).toBe('1.2.0');
  });

  it('a provenance file that cannot be read (a 500) keeps what was recorded, and is read again next time', async () => {
    const front = await startFaultFront(served.server.origin);
    try {
      await repo.writeRegistry('own', withPolicy(true).replace(served.url, `${front.origin}/charts`));
      await sync();
      const before = await versionOf('alpha', '1.0.0');
      expect(before.policy).toBe('passed');
      const rule = front.inject(/alpha-1\.0\.0\.tgz\.prov$/, { kind: 'status', status: 500 });
      await served.publish([{ dir: alpha.dir, name: 'alpha', versions: ['1.2.0'] }]);
      await sign('alpha', '1.2.0');
      await sync();
      expect(rule.hits).toBe(1);
      expect(await versionOf('alpha', '1.0.0')).toEqual(before);
      expect((await versionOf('alpha', '1.2.0')).policy).toBe('passed');
      // readable again: the unchanged index is not a 304, and the version is looked up
      front.clear();
      served.reset();
      await sync();
      expect(provRequests()).toContain('/charts/alpha-1.0.0.tgz.prov');
      expect(await versionOf('alpha', '1.0.0')).toEqual(before);
    } finally {
      await front.close();
    }
  });

  it('validate shows the policy in its ok line', async () => {
    await repo.writeRegistry('own', withPolicy(true));
    const validate = await chartroom(['validate'], { cwd: repo.root });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain(', verify helm keys/helm.asc (required)');
  });
});
