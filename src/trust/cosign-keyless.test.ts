// Keyless `.sig` layers made by a private Sigstore deployment (testkit/sigstore.ts): verified
// through the chain annotation, refused for another identity, another CA, a forged chain, an
// expired certificate, another log, a missing entry, another manifest; hostile annotations bounded.
import { X509Certificate } from '@sigstore/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_ANNOTATION,
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  createSigstore,
  type KeylessLayer,
  type PrivateSigstore,
} from '../../testkit/sigstore.ts';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign-key.ts';
import { keylessSigner, verifyKeylessLayer, withVerifiedChain } from './cosign-keyless.ts';
import { sigstoreTrustFrom, type SigstoreTrust } from './sigstore-root.ts';
import type { CosignLayer, OidcIdentity } from './types.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;
const ME = { subject: 'release@example.test', issuer: 'https://token.actions.example.test' };
const WORKFLOW = {
  subject: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const MINE: OidcIdentity = {
  issuer: '^https://token\\.actions\\.example\\.test$',
  subject: '^release@example\\.test$',
};

let sigstore: PrivateSigstore;
let trust: SigstoreTrust;
beforeAll(() => {
  sigstore = createSigstore();
  // only the root in the CA chain: the leaf chains through the chain annotation's intermediate
  trust = rootTrust(sigstore, { chain: 'root' });
});

function rootTrust(
  s: PrivateSigstore,
  options: Parameters<PrivateSigstore['trustedRoot']>[0] = {},
): SigstoreTrust {
  return sigstoreTrustFrom(Buffer.from(JSON.stringify(s.trustedRoot(options))), 'test root', 'the test root');
}

const asLayer = (l: KeylessLayer): CosignLayer => ({
  mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
  payload: l.payload,
  annotations: { [SIGNATURE_ANNOTATION]: l.signature, ...l.annotations },
});

describe('verifyKeylessLayer', () => {
  it('verifies through the chain annotation (root-only CA chain) and with the full chain in the root', () => {
    const layer = asLayer(sigstore.keylessSigLayer(DIGEST, ME));
    expect(verifyKeylessLayer(layer, trust, [MINE], DIGEST)).toEqual({
      verified: true,
      identity: ME.subject,
      issuer: ME.issuer,
    });
    const { [CHAIN_ANNOTATION]: _chain, ...annotations } = layer.annotations;
    expect(verifyKeylessLayer({ ...layer, annotations }, rootTrust(sigstore), [MINE], DIGEST).verified).toBe(
      true,
    );
  });

  it('a URI SAN (a CI workflow) and a certificate with only the old issuer extension (.1.1)', () => {
    const id = { issuer: 'githubusercontent\\.com$', subject: '^https://github\\.com/acme/charts/' };
    expect(
      verifyKeylessLayer(asLayer(sigstore.keylessSigLayer(DIGEST, WORKFLOW)), trust, [id], DIGEST),
    ).toMatchObject({
      verified: true,
      identity: WORKFLOW.subject,
    });
    const v1 = asLayer(sigstore.keylessSigLayer(DIGEST, ME, { issuerV1Only: true }));
    expect(verifyKeylessLayer(v1, trust, [MINE], DIGEST)).toMatchObject({
      verified: true,
      issuer: ME.issuer,
    });
  });

  it('refuses another subject or issuer, naming the certificate and the policy', () => {
    const layer = asLayer(sigstore.keylessSigLayer(DIGEST, ME));
    for (const id of [
      { issuer: MINE.issuer, subject: '^someone@example\\.test$' },
      { issuer: 'accounts\\.google\\.com', subject: MINE.subject },
    ]) {
      const result = verifyKeylessLayer(layer, trust, [id], DIGEST);
      expect(result.verified).toBe(false);
      expect(result.reason).toContain('"release@example.test"');
      expect(result.reason).toContain('matches no entry of matchOIDCIdentity');
    }
  });

  it('refuses a payload for another manifest', () => {
    const result = verifyKeylessLayer(asLayer(sigstore.keylessSigLayer(OTHER, ME)), trust, [MINE], DIGEST);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/its payload is for/);
  });

  it('refuses a certificate of another CA, even with that CA’s chain in the annotation', () => {
    const other = createSigstore({ name: 'attacker' });
    // the attacker's log key is not in the root either; give the root their log to isolate the CA check
    const withTheirLog = rootTrust(sigstore, { chain: 'root', tlogs: [other.log.tlogJson(other.validFrom)] });
    const result = verifyKeylessLayer(
      asLayer(other.keylessSigLayer(DIGEST, ME)),
      withTheirLog,
      [MINE],
      DIGEST,
    );
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/CERTIFICATE_ERROR/);
  });

  it('refuses a certificate outside its validity at the log time (expired before it was logged)', () => {
    const at = new Date();
    const layer = sigstore.keylessSigLayer(DIGEST, ME, {
      at,
      notBefore: new Date(at.getTime() - 20 * 60_000),
      notAfter: new Date(at.getTime() - 10 * 60_000),
    });
    const result = verifyKeylessLayer(asLayer(layer), trust, [MINE], DIGEST);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/CERTIFICATE_ERROR/);
  });

  it('verifies a certificate long expired now that was valid at the log time', () => {
    const at = new Date(Date.now() - 3_600_000);
    const layer = asLayer(sigstore.keylessSigLayer(DIGEST, ME, { at }));
    expect(X509Certificate.parse(layer.annotations[CERTIFICATE_ANNOTATION]!).validForDate(new Date())).toBe(
      false,
    );
    expect(verifyKeylessLayer(layer, trust, [MINE], DIGEST).verified).toBe(true);
  });

  it('refuses an entry of another log (its key not in the root)', () => {
    const other = createSigstore({ name: 'other-log' });
    const root = rootTrust(sigstore, { chain: 'root', tlogs: [other.log.tlogJson(other.validFrom)] });
    const result = verifyKeylessLayer(asLayer(sigstore.keylessSigLayer(DIGEST, ME)), root, [MINE], DIGEST);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/TLOG/);
  });

  it('refuses a layer without its Rekor bundle, or without the chain when the root holds only the root CA', () => {
    const noBundle = asLayer(sigstore.keylessSigLayer(DIGEST, ME, { bundle: false }));
    expect(verifyKeylessLayer(noBundle, trust, [MINE], DIGEST).reason).toMatch(/no Rekor entry/);
    const noChain = asLayer(sigstore.keylessSigLayer(DIGEST, ME, { chain: false }));
    expect(verifyKeylessLayer(noChain, trust, [MINE], DIGEST).reason).toMatch(/CERTIFICATE_ERROR/);
  });

  it('requires an SCT when the root lists a CT log', () => {
    const withCt = rootTrust(sigstore, {
      chain: 'root',
      ctlogs: [sigstore.log.tlogJson(sigstore.validFrom)],
    });
    const result = verifyKeylessLayer(asLayer(sigstore.keylessSigLayer(DIGEST, ME)), withCt, [MINE], DIGEST);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/expected 1 SCTs, got 0/);
  });

  it('refuses a signature of other bytes, and hostile annotations without throwing', () => {
    const good = asLayer(sigstore.keylessSigLayer(DIGEST, ME));
    const swapped = {
      ...good,
      payload: Buffer.from(good.payload.toString().replace('"optional":null', '"optional":{}')),
    };
    expect(verifyKeylessLayer(swapped, trust, [MINE], DIGEST).verified).toBe(false);
    const variants: Array<Record<string, string>> = [
      { [CERTIFICATE_ANNOTATION]: 'not a certificate' },
      {
        [CERTIFICATE_ANNOTATION]: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(20_000)}\n-----END CERTIFICATE-----`,
      },
      { [CHAIN_ANNOTATION]: 'garbage' },
      { [CHAIN_ANNOTATION]: good.annotations[CHAIN_ANNOTATION]!.repeat(5) },
      { [BUNDLE_ANNOTATION]: '{"SignedEntryTimestamp":1}' },
      { [BUNDLE_ANNOTATION]: 'x'.repeat(70_000) },
      { [SIGNATURE_ANNOTATION]: '!!' },
    ];
    for (const v of variants) {
      const result = verifyKeylessLayer(
        { ...good, annotations: { ...good.annotations, ...v } },
        trust,
        [MINE],
        DIGEST,
      );
      expect(result.verified).toBe(false);
      expect(result.reason).toBeTypeOf('string');
    }
  });

  it('keylessSigner reads the certificate unverified; nothing for a broken one', () => {
    const layer = asLayer(sigstore.keylessSigLayer(DIGEST, ME));
    expect(keylessSigner(layer)).toEqual({ identity: ME.subject, issuer: ME.issuer });
    expect(keylessSigner({ ...layer, annotations: { [CERTIFICATE_ANNOTATION]: 'x' } })).toEqual({});
  });
});

describe('withVerifiedChain', () => {
  it('adds a chain certificate only when one already trusted signed it', () => {
    const s = createSigstore();
    const attacker = createSigstore({ name: 'attacker' });
    const material = rootTrust(s, { chain: 'root' }).material;
    const parse = (pem: string) => X509Certificate.parse(pem);
    const time = new Date();
    const extended = withVerifiedChain(
      material,
      [parse(attacker.intermediate.pem), parse(attacker.root.pem), parse(s.intermediate.pem)],
      time,
    );
    const chain = extended.certificateAuthorities[0]!.certChain;
    expect(chain).toHaveLength(2);
    expect(chain[1]!.equals(parse(s.intermediate.pem))).toBe(true);
    // the root's own material is not changed
    expect(material.certificateAuthorities[0]!.certChain).toHaveLength(1);
    // nothing valid at that time: nothing added
    const later = withVerifiedChain(
      material,
      [parse(s.intermediate.pem)],
      new Date(Date.now() + 20 * 365 * 86_400_000),
    );
    expect(later.certificateAuthorities[0]!.certChain).toHaveLength(1);
  });

  it('does not add a leaf (not a CA) even when the trusted CA signed it', () => {
    const s = createSigstore();
    const material = rootTrust(s).material;
    const leaf = X509Certificate.parse(s.issueLeaf(ME).pem);
    expect(withVerifiedChain(material, [leaf], new Date()).certificateAuthorities[0]!.certChain).toHaveLength(
      2,
    );
  });
});
