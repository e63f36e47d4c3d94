import { createHash, generateKeyPairSync, sign as signBytes, type KeyObject } from 'node:crypto';
import { createCleartextMessage, generateKey, sign, type Key, type PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSignatures, evaluatePolicy, type CheckOptions } from './check.ts';
import { MAX_PAYLOAD_BYTES, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign-key.ts';
import { parsePublicKey, type CosignPolicyKey, type HelmPolicyKey, type PolicyKey } from './keys.ts';
import type { CheckPolicy } from './policy.ts';
import type { CosignLayer, CosignSignatureEvidence, SignatureEvidence, SignatureRecord } from './types.ts';

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
/** A policy with only a key, as loadCheckPolicy makes it. */
const pol = (key: PolicyKey, required: boolean): CheckPolicy => ({ provider: key.provider, key, required });
const REGISTRY = 'registries/signed.yaml';
const WHAT = 'demo 1.0.0';
const MANIFEST = sha256('the chart manifest of demo 1.0.0');
const SIG_DIGEST = sha256('the .sig manifest');

/** A simple-signing payload byte for byte as cosign writes it (cosign-layout.md §2.4). */
const payloadFor = (digest: string, ref = '127.0.0.1:5000/charts/demo') =>
  Buffer.from(
    `{"critical":{"identity":{"docker-reference":"${ref}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
  );

function signLayer(
  payload: Buffer,
  privateKey: KeyObject,
  annotations: Record<string, string> = {},
): CosignLayer {
  const algorithm = privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload,
    annotations: {
      [SIGNATURE_ANNOTATION]: signBytes(algorithm, payload, privateKey).toString('base64'),
      ...annotations,
    },
  };
}

const cosignEvidence = (...layers: CosignLayer[]): CosignSignatureEvidence => ({
  kind: 'cosign',
  digest: SIG_DIGEST,
  layers,
});

function cosignKey(publicKey: KeyObject, path = 'keys/cosign.pub'): CosignPolicyKey {
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return {
    provider: 'cosign',
    path,
    digest: sha256(pem),
    ...parsePublicKey(Buffer.from(pem), REGISTRY, path),
  };
}

const options = (policy?: CheckOptions['policy'], extra: Partial<CheckOptions> = {}): CheckOptions => ({
  subject: { digest: ARCHIVE_DIGEST, manifestDigest: MANIFEST },
  policy,
  registryFile: REGISTRY,
  what: WHAT,
  ...extra,
});

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecOther = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('checkSignatures: cosign layers under a key policy', () => {
  const ecKey = cosignKey(ec.publicKey);
  const policy = pol(ecKey, true);

  it.each([
    ['ECDSA P-256', ec],
    ['Ed25519', generateKeyPairSync('ed25519')],
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])(
    'verifies a %s signature for the manifest digest: signer the key path, identity its SPKI digest',
    async (_, pair) => {
      const key = cosignKey(pair.publicKey);
      const check = await checkSignatures(
        [cosignEvidence(signLayer(payloadFor(MANIFEST), pair.privateKey))],
        {
          ...options(pol(key, true)),
        },
      );
      expect(check).toEqual({
        signatures: [
          {
            kind: 'cosign',
            verified: true,
            signer: 'keys/cosign.pub',
            identity: key.identity,
            digest: SIG_DIGEST,
          },
        ],
        policy: 'passed',
      });
      expect(key.identity).toBe(sha256(pair.publicKey.export({ type: 'spki', format: 'der' })));
    },
  );

  it('a wrong key: not verified, SignatureInvalid with the reason', async () => {
    const check = await checkSignatures(
      [cosignEvidence(signLayer(payloadFor(MANIFEST), ecOther.privateKey))],
      options(policy),
    );
    expect(check.signatures).toEqual([
      {
        kind: 'cosign',
        verified: false,
        digest: SIG_DIGEST,
        reason: expect.stringMatching(/does not verify with the key keys\/cosign.pub/) as string,
      },
    ]);
    expect(check.policy).toBe('failed');
    expect(check.policyError?.code).toBe('SignatureInvalid');
    expect(check.policyError?.message).toMatch(
      /^no cosign signature verifies for demo 1\.0\.0 under the verify: policy of registries\/signed\.yaml: the signature does not verify/,
    );
    expect(check.policyError?.message).toMatch(/check that keys\/cosign\.pub is the publisher's key/);
    expect(check.policyError?.message).toMatch(
      /refused; or set `required: false` in registries\/signed\.yaml/,
    );
  });

  it('a payload for another digest: the signature verifies, the version is not the one signed', async () => {
    const other = sha256('another manifest');
    const check = await checkSignatures(
      [cosignEvidence(signLayer(payloadFor(other), ec.privateKey))],
      options(policy),
    );
    expect(check.signatures[0]!.verified).toBe(false);
    expect(check.signatures[0]!.reason).toContain(
      `the signature verifies, but its payload is for "${other}", not this version's manifest "${MANIFEST}"`,
    );
    expect(check.policyError?.code).toBe('SignatureInvalid');
  });

  it('a payload changed after signing fails', async () => {
    const layer = signLayer(payloadFor(MANIFEST), ec.privateKey);
    const tampered = { ...layer, payload: payloadFor(MANIFEST, 'evil.example/other') };
    const check = await checkSignatures([cosignEvidence(tampered)], options(policy));
    expect(check.signatures[0]!.reason).toMatch(/does not verify/);
    expect(check.policy).toBe('failed');
  });

  it('a foreign layer beside a good one is recorded unverified and the version passes', async () => {
    const foreign: CosignLayer = {
      mediaType: 'application/vnd.example.thing+json',
      payload: Buffer.from('{}'),
      annotations: {},
    };
    const check = await checkSignatures(
      [cosignEvidence(foreign, signLayer(payloadFor(MANIFEST), ec.privateKey))],
      options(policy),
    );
    expect(check.signatures.map((s) => s.verified)).toEqual([false, true]);
    expect(check.signatures[0]!.reason).toBe(
      'the layer is not a cosign simple-signing signature (media type "application/vnd.example.thing+json"): not checked',
    );
    expect(check.policy).toBe('passed');
  });

  it('quotes and cuts short a hostile media type in the reason', async () => {
    const mediaType = `<img src=x onerror=alert(1)>\u0000\n${'x'.repeat(5000)}`;
    const check = await checkSignatures(
      [cosignEvidence({ mediaType, payload: Buffer.from('{}'), annotations: {} })],
      options(policy),
    );
    const reason = check.signatures[0]!.reason!;
    expect(reason.length).toBeLessThan(300);
    expect(reason.includes('\u0000') || reason.includes('\n')).toBe(false);
    expect(reason).toContain('\\u0000\\n');
  });

  it('a keyless layer under a key-only policy: unverified, saying to add matchOIDCIdentity', async () => {
    const keyless = signLayer(payloadFor(MANIFEST), ecOther.privateKey, {
      'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    const check = await checkSignatures([cosignEvidence(keyless)], options(policy));
    expect(check.signatures[0]).toMatchObject({ kind: 'cosign', verified: false });
    expect(check.signatures[0]!.reason).toMatch(/names only a key; to verify it, add matchOIDCIdentity/);
    expect(check.policyError?.code).toBe('SignatureInvalid');
  });

  it('no signature annotation, a signature that is not base64, a payload of another type, a payload not JSON', async () => {
    const good = signLayer(payloadFor(MANIFEST), ec.privateKey);
    const notType = Buffer.from(
      payloadFor(MANIFEST).toString().replace('cosign container image signature', 'something else'),
    );
    const notJson = Buffer.from('not json at all');
    const cases: Array<[CosignLayer, RegExp]> = [
      [{ ...good, annotations: {} }, /has no dev\.cosignproject\.cosign\/signature annotation/],
      [{ ...good, annotations: { [SIGNATURE_ANNOTATION]: 'not*base64' } }, /is not a base64 signature/],
      [signLayer(notType, ec.privateKey), /critical\.type is "something else"/],
      [signLayer(notJson, ec.privateKey), /payload is not JSON/],
      [
        { ...good, annotations: { [SIGNATURE_ANNOTATION]: Buffer.from('short').toString('base64') } },
        /does not verify/,
      ],
    ];
    for (const [layer, reason] of cases) {
      const check = await checkSignatures([cosignEvidence(layer)], options(policy));
      expect(check.signatures[0]!.verified).toBe(false);
      expect(check.signatures[0]!.reason).toMatch(reason);
    }
  });

  it('does not read a payload over 64 KiB', async () => {
    const big = Buffer.from(
      `${payloadFor(MANIFEST).toString().slice(0, -1)},"pad":"${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`,
    );
    const check = await checkSignatures([cosignEvidence(signLayer(big, ec.privateKey))], options(policy));
    expect(check.signatures[0]!.reason).toMatch(/more than 65536: not read/);
    expect(check.policy).toBe('failed');
  });

  it('an empty .sig image, and no .sig at all: SignatureMissing', async () => {
    for (const evidence of [[cosignEvidence()], []]) {
      const check = await checkSignatures(evidence, options(policy));
      expect(check.signatures).toEqual([]);
      expect(check.policyError?.code).toBe('SignatureMissing');
      expect(check.policyError?.message).toMatch(
        /^no cosign signature for demo 1\.0\.0: the verify: policy of registries\/signed\.yaml needs one that verifies with keys\/cosign\.pub; sign the version's manifest with `cosign sign --key`/,
      );
    }
  });

  it('an unchanged .sig image keeps the records of that digest (and gives none without them)', async () => {
    const recorded: SignatureRecord[] = [
      {
        kind: 'cosign',
        verified: true,
        signer: 'keys/cosign.pub',
        identity: ecKey.identity,
        digest: SIG_DIGEST,
      },
      { kind: 'cosign', verified: false, reason: 'old', digest: sha256('an older .sig') },
      { kind: 'helm', verified: false, reason: 'x', digest: SIG_DIGEST },
    ];
    const unchanged: SignatureEvidence = { kind: 'cosign', digest: SIG_DIGEST, unchanged: true, layers: [] };
    const check = await checkSignatures([unchanged], options(policy, { recorded }));
    expect(check).toEqual({ signatures: [recorded[0]], policy: 'passed' });
    expect((await checkSignatures([unchanged], options(policy))).signatures).toEqual([]);
    // the caller that merges itself evaluates the merged records
    expect(evaluatePolicy([recorded[0]!], options(policy))).toEqual({ policy: 'passed' });
  });
});

describe('checkSignatures: without a policy of the signature’s kind', () => {
  it('records cosign layers unverified, saying which verify: block would verify them', async () => {
    const check = await checkSignatures(
      [cosignEvidence(signLayer(payloadFor(MANIFEST), ec.privateKey))],
      options(),
    );
    expect(check).toEqual({
      signatures: [
        {
          kind: 'cosign',
          verified: false,
          digest: SIG_DIGEST,
          reason:
            'not verified: registries/signed.yaml has no verify: policy; to verify it, add verify: {provider: cosign, key: <a cosign public key (PEM) in the repository>}',
        },
      ],
    });
    expect(check.policy).toBeUndefined();
  });
});

// Helm provenance through checkSignatures
const ARCHIVE = Buffer.from('demo-1.0.0.tgz bytes');
const ARCHIVE_DIGEST = sha256(ARCHIVE);
let helmPair: { publicKey: Key; privateKey: PrivateKey };
let prov: Buffer;
const helmKey = (): HelmPolicyKey => ({
  provider: 'helm',
  path: 'keys/helm.gpg',
  digest: sha256('keyring'),
  keys: [helmPair.publicKey],
});

beforeAll(async () => {
  helmPair = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Chart Publisher', email: 'publisher@example.invalid' }],
    format: 'object',
  });
  const text = `apiVersion: v2\nname: demo\nversion: 1.0.0\n\n...\nfiles:\n  demo-1.0.0.tgz: ${ARCHIVE_DIGEST}\n`;
  const armored = await sign({
    message: await createCleartextMessage({ text }),
    signingKeys: helmPair.privateKey,
  });
  prov = Buffer.from(armored.replace(/\r\n/g, '\n'));
});

describe('checkSignatures: Helm provenance', () => {
  const helm = (): SignatureEvidence => ({ kind: 'helm', provenance: prov, fileName: 'demo-1.0.0.tgz' });

  it('verified under a helm policy', async () => {
    const check = await checkSignatures([helm()], options(pol(helmKey(), true)));
    expect(check).toEqual({
      signatures: [
        {
          kind: 'helm',
          verified: true,
          signer: 'Chart Publisher <publisher@example.invalid>',
          identity: helmPair.publicKey.getFingerprint().toUpperCase(),
          digest: sha256(prov),
        },
      ],
      policy: 'passed',
    });
  });

  it('an archive digest other than the one signed: SignatureInvalid, Helm’s words', async () => {
    const check = await checkSignatures(
      [helm()],
      options(pol(helmKey(), false), { subject: { digest: sha256('other') } }),
    );
    expect(check.policy).toBe('failed');
    expect(check.policyError?.code).toBe('SignatureInvalid');
    expect(check.policyError?.message).toContain('sha256 sum does not match for demo-1.0.0.tgz: ');
    expect(check.policyError?.message).toMatch(/offered all the same \(`required: false`\)$/);
  });

  it('no policy: recorded with the key ID of the signature as signer', async () => {
    const check = await checkSignatures([helm()], options());
    expect(check.signatures).toEqual([
      {
        kind: 'helm',
        verified: false,
        signer: `key ID ${helmPair.publicKey.getKeyID().toHex().toUpperCase()}`,
        digest: sha256(prov),
        reason:
          'not verified: registries/signed.yaml has no verify: policy; to verify it, add verify: {provider: helm, key: <an OpenPGP keyring in the repository>}',
      },
    ]);
  });

  it('under a cosign policy: the .prov is recorded, the version has no cosign signature', async () => {
    const check = await checkSignatures([helm()], options(pol(cosignKey(ec.publicKey), true)));
    expect(check.signatures[0]!.reason).toMatch(
      /^not verified: the verify: policy of registries\/signed\.yaml is for cosign signatures; a helm signature is verified under verify: \{provider: helm/,
    );
    expect(check.policyError?.code).toBe('SignatureMissing');
  });

  it('a helm signature passes a helm policy even with a bad cosign one beside it, not the other way round', async () => {
    const badCosign = cosignEvidence(signLayer(payloadFor(MANIFEST), ecOther.privateKey));
    expect((await checkSignatures([badCosign, helm()], options(pol(helmKey(), true)))).policy).toBe('passed');
  });

  it('no .prov: SignatureMissing, saying how to publish one', async () => {
    const check = await checkSignatures([], options(pol(helmKey(), true)));
    expect(check).toEqual({
      signatures: [],
      policy: 'failed',
      policyError: {
        code: 'SignatureMissing',
        message:
          'no helm signature for demo 1.0.0: the verify: policy of registries/signed.yaml needs one that verifies with keys/helm.gpg; publish it signed: `helm package --sign` and its .prov beside the archive (OCI: `helm push` of the signed package); until then it is refused; or set `required: false` in registries/signed.yaml',
      },
    });
  });
});

describe('checkSignatures: evidence that could not be read', () => {
  it('is recorded unverified, checked again, and counts as missing', async () => {
    const evidence: SignatureEvidence[] = [
      {
        kind: 'helm',
        unreadable: { code: 'HTTPError', message: 'HTTP 503 for https://charts.example/demo-1.0.0.tgz.prov' },
      },
    ];
    const check = await checkSignatures(evidence, options(pol(helmKey(), true)));
    expect(check.signatures).toEqual([
      {
        kind: 'helm',
        verified: false,
        reason: 'HTTP 503 for https://charts.example/demo-1.0.0.tgz.prov; checked again at the next sync',
      },
    ]);
    expect(check.policyError?.code).toBe('SignatureMissing');
    expect(check.policyError?.message).toContain('(the one found could not be read: HTTP 503');
    // without a policy: recorded, no policy result
    expect(await checkSignatures(evidence, options())).toEqual({ signatures: check.signatures });
  });

  it('beside a readable one that does not verify: SignatureInvalid with that one’s reason', async () => {
    const check = await checkSignatures(
      [
        { kind: 'cosign', unreadable: { code: 'TooLarge', message: 'the layer blob is over 64 KiB' } },
        cosignEvidence(signLayer(payloadFor(MANIFEST), ecOther.privateKey)),
      ],
      options(pol(cosignKey(ec.publicKey), true)),
    );
    expect(check.policyError?.code).toBe('SignatureInvalid');
    expect(check.policyError?.message).toMatch(/: the signature does not verify with the key/);
  });
});
