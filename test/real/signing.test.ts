/**
 * Helm's own provenance files and containers/image's real cosign signatures
 * (../shared/fixtures/signing, README §1 and §3.1): each verifies or is refused exactly as that
 * README says. The files are read where they are, never copied; a missing one fails the suite.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChartroomError } from '../../src/errors.ts';
import { checkSignatures, type CheckOptions } from '../../src/trust/check.ts';
import { verifyHelmProvenance } from '../../src/trust/helm-provenance.ts';
import { loadPolicyKey, type HelmPolicyKey, type PolicyKey } from '../../src/trust/keys.ts';
import type { CheckPolicy } from '../../src/trust/policy.ts';
import type { CosignLayer, SignatureEvidence } from '../../src/trust/types.ts';
import { fixturesDir } from '../../testkit/fixtures.ts';

const SIGNING = path.join(fixturesDir(), 'signing');
const PROVENANCE = path.join(SIGNING, 'helm', 'provenance');
const SIGNTEST = path.join(SIGNING, 'helm', 'signtest');
const CONTAINERS = path.join(SIGNING, 'cosign', 'containers-image');
const REGISTRY = 'registries/helm-testing.yaml';
/** A policy with only a key, as loadCheckPolicy makes it. */
const pol = (key: PolicyKey, required: boolean): CheckPolicy => ({ provider: key.provider, key, required });

const read = (...parts: string[]) => readFileSync(path.join(...parts));
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const HELM_SIGNER =
  'Helm Testing (This key should only be used for testing. DO NOT TRUST.) <helm-testing@helm.sh>';
const HELM_FINGERPRINT = '5E615389B53CA37F0EE60BD3843BBF981FC18762';
const HASHTEST_DIGEST = 'sha256:c6841b3a895f1444a6738b5d04564a57e860ce42f8519c3be807fb6d9bee7888';
const SIGNTEST_DIGEST = 'sha256:e5ef611620fb97704d8751c16bab17fedb68883bfb0edc76f78a70e9173f9b55';

// read at load time: a missing fixture fails the file, it is never skipped
const hashtest = read(PROVENANCE, 'hashtest-1.2.3.tgz');
const hashtestProv = read(PROVENANCE, 'hashtest-1.2.3.tgz.prov');
const signtest = read(SIGNTEST, 'signtest-0.1.0.tgz');
const signtestProv = read(SIGNTEST, 'signtest-0.1.0.tgz.prov');

const keyring = (file: string, root = PROVENANCE) =>
  loadPolicyKey(root, REGISTRY, { provider: 'helm', key: file, required: true });

const helmOptions = (key: PolicyKey | undefined, digest: string, what = 'hashtest 1.2.3'): CheckOptions => ({
  subject: { digest },
  policy: key ? pol(key, true) : undefined,
  registryFile: REGISTRY,
  what,
});

const prov = (provenance: Buffer, fileName = 'hashtest-1.2.3.tgz'): SignatureEvidence => ({
  kind: 'helm',
  provenance,
  fileName,
});

describe('Helm provenance (README §1)', () => {
  it('the archives are the ones the README names', () => {
    expect(sha256(hashtest)).toBe(HASHTEST_DIGEST);
    expect(sha256(signtest)).toBe(SIGNTEST_DIGEST);
  });

  it.each(['helm-test-key.pub', 'helm-test-key.pub.asc', 'helm-mixed-keyring.pub'])(
    'hashtest-1.2.3.tgz.prov verifies with %s',
    async (file) => {
      const key = (await keyring(file)) as HelmPolicyKey;
      expect(key.keys.length).toBe(file === 'helm-mixed-keyring.pub' ? 2 : 1);
      const check = await checkSignatures([prov(hashtestProv)], helmOptions(key, sha256(hashtest)));
      expect(check).toEqual({
        signatures: [
          {
            kind: 'helm',
            verified: true,
            signer: HELM_SIGNER,
            identity: HELM_FINGERPRINT,
            digest: sha256(hashtestProv),
          },
        ],
        policy: 'passed',
      });
    },
  );

  it('the mixed keyring holds the RSA key and the Ed25519 key', async () => {
    const key = (await keyring('helm-mixed-keyring.pub')) as HelmPolicyKey;
    expect(key.keys.map((k) => k.getFingerprint().toUpperCase())).toEqual([
      HELM_FINGERPRINT,
      '4CBE754C25580C6C878DE711FB856812CE2FCB64',
    ]);
  });

  it('msgblock.yaml.asc (GnuPG) verifies against the hashtest archive', async () => {
    const key = await keyring('helm-test-key.pub');
    const check = await checkSignatures(
      [prov(read(PROVENANCE, 'msgblock.yaml.asc'))],
      helmOptions(key, sha256(hashtest)),
    );
    expect(check.signatures[0]).toMatchObject({
      verified: true,
      signer: HELM_SIGNER,
      identity: HELM_FINGERPRINT,
    });
    expect(check.policy).toBe('passed');
  });

  it('msgblock.yaml.tampered fails at the signature step, before any hash check', async () => {
    const key = await keyring('helm-test-key.pub.asc');
    const check = await checkSignatures(
      [prov(read(PROVENANCE, 'msgblock.yaml.tampered'))],
      helmOptions(key, sha256(hashtest)),
    );
    expect(check.signatures[0]!.verified).toBe(false);
    expect(check.signatures[0]!.reason).toMatch(/^openpgp: invalid signature: /);
    expect(check.signatures[0]!.reason).not.toMatch(/sha256/);
    expect(check.policyError?.code).toBe('SignatureInvalid');
  });

  it('signtest-0.1.0.tgz.prov verifies as `helm verify` prints it', async () => {
    const key = await keyring('helm-test-key.pub');
    const check = await checkSignatures(
      [prov(signtestProv, 'signtest-0.1.0.tgz')],
      helmOptions(key, sha256(signtest), 'signtest 0.1.0'),
    );
    const record = check.signatures[0]!;
    // Signed by: … / Using Key With Fingerprint: … / Chart Hash Verified: …
    expect(record.verified).toBe(true);
    expect(`Signed by: ${record.signer}`).toBe(
      'Signed by: Helm Testing (This key should only be used for testing. DO NOT TRUST.) <helm-testing@helm.sh>',
    );
    expect(`Using Key With Fingerprint: ${record.identity}`).toBe(
      'Using Key With Fingerprint: 5E615389B53CA37F0EE60BD3843BBF981FC18762',
    );
    expect(`Chart Hash Verified: ${sha256(signtest)}`).toBe(`Chart Hash Verified: ${SIGNTEST_DIGEST}`);
  });

  it('signtest archive with the hashtest .prov, under its own name: no SHA for that file', async () => {
    const key = await keyring('helm-test-key.pub');
    const check = await checkSignatures(
      [prov(hashtestProv, 'signtest-0.1.0.tgz')],
      helmOptions(key, sha256(signtest), 'signtest 0.1.0'),
    );
    expect(check.signatures[0]!.reason).toBe(
      'provenance does not contain a SHA for a file named "signtest-0.1.0.tgz"',
    );
    expect(check.policyError?.code).toBe('SignatureInvalid');
  });

  it('signtest bytes with the hashtest .prov, under the hashtest name: sha256 sum does not match', async () => {
    const key = await keyring('helm-test-key.pub');
    const check = await checkSignatures([prov(hashtestProv)], helmOptions(key, sha256(signtest)));
    expect(check.signatures[0]!.reason).toBe(
      `sha256 sum does not match for hashtest-1.2.3.tgz: "${HASHTEST_DIGEST}" != "${SIGNTEST_DIGEST}"`,
    );
  });

  it('an empty keyring, or one without 843BBF981FC18762: signature made by unknown entity', async () => {
    const mixed = (await keyring('helm-mixed-keyring.pub')) as HelmPolicyKey;
    const ed25519Only = mixed.keys.filter((k) => k.getFingerprint().toUpperCase() !== HELM_FINGERPRINT);
    expect(ed25519Only).toHaveLength(1);
    for (const keys of [[], ed25519Only]) {
      for (const [file, bytes] of [
        ['hashtest-1.2.3.tgz.prov', hashtestProv],
        ['signtest-0.1.0.tgz.prov', signtestProv],
      ] as const) {
        const result = await verifyHelmProvenance(bytes, file.replace('.prov', ''), undefined, {
          keys,
          path: 'keys/other.gpg',
        });
        expect(result.verified).toBe(false);
        expect(result.reason).toMatch(
          /^openpgp: signature made by unknown entity: it was made by key ID 843BBF981FC18762/,
        );
        expect(result.signer).toBe('key ID 843BBF981FC18762');
      }
    }
  });

  it('an empty keyring file is not a policy key (VerifyKeyInvalid)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'chartroom-real-signing-'));
    try {
      await writeFile(path.join(root, 'empty.gpg'), '');
      const error = await keyring('empty.gpg', root).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChartroomError);
      expect((error as ChartroomError).code).toBe('VerifyKeyInvalid');
      expect((error as ChartroomError).message).toContain(`${REGISTRY}: verify.key "empty.gpg"`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('msgblock.yaml given as a .prov: signature block not found', async () => {
    const key = await keyring('helm-test-key.pub');
    const check = await checkSignatures(
      [prov(read(PROVENANCE, 'msgblock.yaml'))],
      helmOptions(key, sha256(hashtest)),
    );
    expect(check.signatures[0]!.reason).toMatch(/^signature block not found/);
  });

  it('a chart with no .prov: SignatureMissing', async () => {
    const key = await keyring('helm-test-key.pub');
    const check = await checkSignatures([], helmOptions(key, sha256(hashtest)));
    expect(check.policyError?.code).toBe('SignatureMissing');
  });

  it('without a policy, each .prov is recorded with the key ID that signed it', async () => {
    const check = await checkSignatures(
      [prov(hashtestProv), prov(read(PROVENANCE, 'msgblock.yaml.asc'))],
      helmOptions(undefined, sha256(hashtest)),
    );
    expect(check.signatures.map((s) => [s.verified, s.signer])).toEqual([
      [false, 'key ID 843BBF981FC18762'],
      [false, 'key ID 843BBF981FC18762'],
    ]);
    expect(check.policy).toBeUndefined();
  });
});

/** containers/image's storage of one cosign layer: `\x00sigstore-json\n` + {mimeType, payload, annotations}. */
function readLayer(file: string): CosignLayer {
  const bytes = read(file);
  const prefix = Buffer.from('\x00sigstore-json\n', 'latin1');
  expect(bytes.subarray(0, prefix.length).equals(prefix)).toBe(true);
  const json = JSON.parse(bytes.subarray(prefix.length).toString('utf8')) as {
    mimeType: string;
    payload: string;
    annotations: Record<string, string>;
  };
  return {
    mediaType: json.mimeType,
    payload: Buffer.from(json.payload, 'base64'),
    annotations: json.annotations,
  };
}

const cosignKey = (file: 'cosign.pub' | 'cosign2.pub') =>
  loadPolicyKey(CONTAINERS, 'registries/containers.yaml', { provider: 'cosign', key: file, required: true });

async function cosignCheck(layerFile: string, manifestFile: string, keyFile: 'cosign.pub' | 'cosign2.pub') {
  const layer = readLayer(path.join(CONTAINERS, layerFile));
  const manifestDigest = sha256(read(CONTAINERS, manifestFile));
  const evidence: SignatureEvidence = {
    kind: 'cosign',
    digest: sha256(Buffer.from('the .sig manifest')),
    layers: [layer],
  };
  return checkSignatures([evidence], {
    subject: { manifestDigest },
    policy: pol(await cosignKey(keyFile), true),
    registryFile: 'registries/containers.yaml',
    what: 'image 1',
  });
}

describe('cosign key signatures from containers/image (README §3.1)', () => {
  it('the layer blobs are the payload files the README names', () => {
    const valid = readLayer(path.join(CONTAINERS, 'dir-img-cosign-valid', 'signature-1'));
    expect(valid.payload.equals(read(CONTAINERS, 'dir-img-cosign-valid', 'signature-1.payload.json'))).toBe(
      true,
    );
    expect(sha256(valid.payload)).toBe(
      'sha256:cf482371b51a7633b3f02e29b87fc3f4a18b3f127af61cb114af5f2c04fcdd75',
    );
    expect(sha256(read(CONTAINERS, 'dir-img-cosign-valid', 'manifest.json'))).toBe(
      'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00',
    );
  });

  it('dir-img-cosign-valid verifies with cosign.pub, not with cosign2.pub', async () => {
    const good = await cosignCheck(
      'dir-img-cosign-valid/signature-1',
      'dir-img-cosign-valid/manifest.json',
      'cosign.pub',
    );
    const key = await cosignKey('cosign.pub');
    expect(good.signatures).toEqual([
      {
        kind: 'cosign',
        verified: true,
        signer: 'cosign.pub',
        identity: (key as { identity: string }).identity,
        digest: expect.any(String) as string,
      },
    ]);
    expect(good.policy).toBe('passed');
    const bad = await cosignCheck(
      'dir-img-cosign-valid/signature-1',
      'dir-img-cosign-valid/manifest.json',
      'cosign2.pub',
    );
    expect(bad.signatures[0]!.reason).toMatch(/does not verify with the key cosign2\.pub/);
    expect(bad.policyError?.code).toBe('SignatureInvalid');
  });

  it('dir-img-cosign-valid-with-tag (written by skopeo) verifies with cosign.pub', async () => {
    const check = await cosignCheck(
      'dir-img-cosign-valid-with-tag/signature-1',
      'dir-img-cosign-valid-with-tag/manifest.json',
      'cosign.pub',
    );
    expect(check.policy).toBe('passed');
  });

  it('dir-img-cosign-key-rekor-valid verifies with cosign2.pub, not with cosign.pub', async () => {
    const dir = 'dir-img-cosign-key-rekor-valid';
    expect((await cosignCheck(`${dir}/signature-1`, `${dir}/manifest.json`, 'cosign2.pub')).policy).toBe(
      'passed',
    );
    const bad = await cosignCheck(`${dir}/signature-1`, `${dir}/manifest.json`, 'cosign.pub');
    expect(bad.signatures[0]!.reason).toMatch(/does not verify/);
  });

  it('dir-img-cosign-modified-manifest: the signature verifies, but the payload names another manifest', async () => {
    const dir = 'dir-img-cosign-modified-manifest';
    expect(sha256(read(CONTAINERS, dir, 'manifest.json'))).toMatch(/^sha256:d9dcafdb/);
    const check = await cosignCheck(`${dir}/signature-1`, `${dir}/manifest.json`, 'cosign.pub');
    expect(check.signatures[0]!.verified).toBe(false);
    expect(check.signatures[0]!.reason).toMatch(
      /^the signature verifies, but its payload is for "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00", not this version's manifest "sha256:d9dcafdb/,
    );
    expect(check.policyError?.code).toBe('SignatureInvalid');
  });

  it('unknown-cosign-key.signature fails with cosign.pub and with cosign2.pub', async () => {
    for (const key of ['cosign.pub', 'cosign2.pub'] as const) {
      const check = await cosignCheck(
        'unknown-cosign-key.signature',
        'dir-img-cosign-valid/manifest.json',
        key,
      );
      expect(check.signatures[0]!.verified).toBe(false);
      expect(check.signatures[0]!.reason).toMatch(/does not verify/);
    }
  });

  it('dir-img-cosign-fulcio-rekor-valid under a key-only policy: unverified, saying to add matchOIDCIdentity', async () => {
    const dir = 'dir-img-cosign-fulcio-rekor-valid';
    for (const key of ['cosign.pub', 'cosign2.pub'] as const) {
      const check = await cosignCheck(`${dir}/signature-1`, `${dir}/manifest.json`, key);
      expect(check.signatures[0]!.verified).toBe(false);
      expect(check.signatures[0]!.reason).toMatch(/names only a key; to verify it, add matchOIDCIdentity/);
      expect(check.policy).toBe('failed');
    }
  });
});
