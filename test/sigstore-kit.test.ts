// testkit/sigstore.ts makes what the public Sigstore instance would: @sigstore/verify (the verifier
// chartroom uses) accepts its bundles and keyless `.sig` layers, and refuses them where the real
// fixtures are refused (other identity, expired certificate, other log key, no path to the root).
import { createHash } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type Signer } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosignPayload } from '../testkit/signing.ts';
import {
  BUNDLE_ANNOTATION,
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  createSigstore,
  type BundleVersion,
  type KeylessLayer,
  type PrivateSigstore,
} from '../testkit/sigstore.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const ME = { subject: 'release@example.test', issuer: 'https://token.actions.example.test' };
const WORKFLOW = {
  subject: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};

let sigstore: PrivateSigstore;
beforeAll(() => {
  sigstore = createSigstore();
});

function verify(bundle: unknown, root: unknown, artifact?: Buffer): Signer {
  const material = toTrustMaterial(TrustedRoot.fromJSON(root));
  const verifier = new Verifier(material, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 });
  return verifier.verify(toSignedEntity(bundleFromJSON(bundle), artifact));
}

/** The VerificationError code a verification fails with (undefined: it passed). */
function failure(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** The v0.1 bundle the trust helper makes of a keyless `.sig` layer (BRIEF "Decisions"). */
function layerBundle(layer: KeylessLayer): unknown {
  const cosignBundle = JSON.parse(layer.annotations[BUNDLE_ANNOTATION]!) as {
    SignedEntryTimestamp: string;
    Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
  };
  const der = Buffer.from(
    layer.annotations[CERTIFICATE_ANNOTATION]!.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''),
    'base64',
  );
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: der.toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(cosignBundle.Payload.logIndex),
          logId: { keyId: Buffer.from(cosignBundle.Payload.logID, 'hex').toString('base64') },
          kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
          integratedTime: String(cosignBundle.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: cosignBundle.SignedEntryTimestamp },
          canonicalizedBody: cosignBundle.Payload.body,
        },
      ],
    },
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: createHash('sha256').update(layer.payload).digest('base64'),
      },
      signature: layer.signature,
    },
  };
}

describe('bundles', () => {
  for (const version of ['0.1', '0.2', '0.3'] as BundleVersion[]) {
    it(`v${version} DSSE over a manifest digest verifies, signer = SAN + issuer`, () => {
      const bundle = sigstore.bundleFor(DIGEST, ME, { version });
      const signer = verify(bundle, sigstore.trustedRoot());
      expect(signer.identity?.subjectAlternativeName).toBe(ME.subject);
      expect(signer.identity?.extensions?.issuer).toBe(ME.issuer);
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope!.payload, 'base64').toString()) as {
        subject: { digest: { sha256: string } }[];
      };
      expect(statement.subject[0]!.digest.sha256).toBe('ab'.repeat(32));
    });

    it(`v${version} messageSignature verifies with its artifact, not with another`, () => {
      const artifact = Buffer.from('{"schemaVersion":2}');
      const bundle = sigstore.bundleFor(artifact, WORKFLOW, { content: 'messageSignature', version });
      const signer = verify(bundle, sigstore.trustedRoot(), artifact);
      expect(signer.identity?.subjectAlternativeName).toBe(WORKFLOW.subject);
      expect(signer.identity?.extensions?.issuer).toBe(WORKFLOW.issuer);
      expect(failure(() => verify(bundle, sigstore.trustedRoot(), Buffer.from('other')))).toMatch(
        /SIGNATURE_ERROR/,
      );
    });
  }

  it('the v0.2 and v0.3 proofs are checked: a tampered proof hash or checkpoint fails', () => {
    for (let i = 0; i < 4; i++) sigstore.bundleFor(DIGEST, ME); // a tree with siblings
    const bundle = sigstore.bundleFor(DIGEST, ME, { version: '0.3' });
    const entry = bundle.verificationMaterial.tlogEntries[0]!;
    expect(entry.inclusionProof!.hashes.length).toBeGreaterThan(0);
    verify(bundle, sigstore.trustedRoot());
    const badHash = structuredClone(bundle);
    badHash.verificationMaterial.tlogEntries[0]!.inclusionProof!.hashes[0] =
      Buffer.alloc(32).toString('base64');
    expect(failure(() => verify(badHash, sigstore.trustedRoot()))).toMatch(/TLOG_INCLUSION_PROOF_ERROR/);
    const badNote = structuredClone(bundle);
    const proof = badNote.verificationMaterial.tlogEntries[0]!.inclusionProof!;
    proof.checkpoint.envelope = proof.checkpoint.envelope.replace(
      /\n(\d+)\n/,
      (_, n: string) => `\n${Number(n) + 1}\n`,
    );
    expect(failure(() => verify(badNote, sigstore.trustedRoot()))).toMatch(/TLOG_INCLUSION_PROOF_ERROR/);
  });

  it("another deployment's root refuses it (CA and log key unknown)", () => {
    const other = createSigstore();
    const bundle = sigstore.bundleFor(DIGEST, ME);
    expect(failure(() => verify(bundle, other.trustedRoot()))).toMatch(/CERTIFICATE_ERROR/);
    const otherLog = sigstore.trustedRoot({ tlogs: other.trustedRoot().tlogs as unknown[] });
    expect(failure(() => verify(bundle, otherLog))).toMatch(/TLOG/);
  });

  it('a certificate expired before the log time is refused', () => {
    const at = new Date();
    const bundle = sigstore.bundleFor(DIGEST, ME, {
      at,
      notBefore: new Date(at.getTime() - 3_600_000),
      notAfter: new Date(at.getTime() - 3_000_000),
    });
    expect(failure(() => verify(bundle, sigstore.trustedRoot()))).toMatch(/CERTIFICATE_ERROR/);
  });

  it('an old signature verifies at its log time, the certificate long expired', () => {
    const at = new Date(Date.now() - 3_600_000);
    const bundle = sigstore.bundleFor(DIGEST, ME, { at, version: '0.1' });
    verify(bundle, sigstore.trustedRoot());
  });

  it('issuer only in the deprecated .1.1 extension is still read', () => {
    const bundle = sigstore.bundleFor(DIGEST, ME, { issuerV1Only: true });
    expect(verify(bundle, sigstore.trustedRoot()).identity?.extensions?.issuer).toBe(ME.issuer);
  });
});

describe('keyless .sig layers', () => {
  it('carry payload, signature, certificate, chain and bundle as cosign writes them, and verify', () => {
    const layer = sigstore.keylessSigLayer(DIGEST, ME, { dockerReference: '127.0.0.1:5000/charts/alpha' });
    expect(layer.payload).toEqual(
      cosignPayload({ dockerReference: '127.0.0.1:5000/charts/alpha', manifestDigest: DIGEST }),
    );
    expect(Object.keys(layer.annotations).sort()).toEqual([
      BUNDLE_ANNOTATION,
      CERTIFICATE_ANNOTATION,
      CHAIN_ANNOTATION,
    ]);
    expect(layer.annotations[CHAIN_ANNOTATION]!.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const cosignBundle = JSON.parse(layer.annotations[BUNDLE_ANNOTATION]!) as { Payload: { body: string } };
    expect(Object.keys(cosignBundle.Payload)).toEqual(['body', 'integratedTime', 'logIndex', 'logID']);
    const body = JSON.parse(Buffer.from(cosignBundle.Payload.body, 'base64').toString()) as {
      spec: { data: { hash: { value: string } }; signature: { content: string } };
    };
    expect(body.spec.signature.content).toBe(layer.signature);
    expect(body.spec.data.hash.value).toBe(createHash('sha256').update(layer.payload).digest('hex'));
    const signer = verify(layerBundle(layer), sigstore.trustedRoot(), layer.payload);
    expect(signer.identity?.subjectAlternativeName).toBe(ME.subject);
    expect(signer.identity?.extensions?.issuer).toBe(ME.issuer);
  });

  it('with only the root in the trusted root, the leaf has no path (the chain annotation is needed)', () => {
    const layer = sigstore.keylessSigLayer(DIGEST, ME);
    expect(
      failure(() => verify(layerBundle(layer), sigstore.trustedRoot({ chain: 'root' }), layer.payload)),
    ).toMatch(/CERTIFICATE_ERROR/);
  });

  it("with the chain annotation's intermediate added to that root's certChain, it verifies", () => {
    const layer = sigstore.keylessSigLayer(DIGEST, ME);
    const pems = layer.annotations[CHAIN_ANNOTATION]!.match(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
    )!;
    const ders = pems.map((p) =>
      Buffer.from(p.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64'),
    );
    expect(ders[0]).toEqual(sigstore.intermediate.der);
    const ca = sigstore.caJson([sigstore.root]) as { certChain: { certificates: { rawBytes: string }[] } };
    ca.certChain.certificates.unshift({ rawBytes: ders[0]!.toString('base64') });
    const root = sigstore.trustedRoot({ certificateAuthorities: [ca] });
    expect(verify(layerBundle(layer), root, layer.payload).identity?.subjectAlternativeName).toBe(ME.subject);
  });

  it('a layer whose certificate expired before its log time is refused', () => {
    const at = new Date();
    const layer = sigstore.keylessSigLayer(DIGEST, ME, {
      at,
      notBefore: new Date(at.getTime() - 7_200_000),
      notAfter: new Date(at.getTime() - 6_600_000),
    });
    expect(failure(() => verify(layerBundle(layer), sigstore.trustedRoot(), layer.payload))).toMatch(
      /CERTIFICATE_ERROR/,
    );
  });

  it('chain: false and bundle: false leave those annotations out', () => {
    const layer = sigstore.keylessSigLayer(DIGEST, ME, { chain: false, bundle: false });
    expect(Object.keys(layer.annotations)).toEqual([CERTIFICATE_ANNOTATION]);
  });
});
