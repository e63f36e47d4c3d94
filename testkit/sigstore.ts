/**
 * A private Sigstore deployment for tests: what Fulcio, Rekor and the TUF-distributed trusted root
 * give a verifier, made in the test with keys made in the test (nothing from the public instance).
 * - CA: a root and an intermediate (ECDSA P-256; Fulcio's are P-384, which changes nothing here),
 *   basic constraints and key identifiers as Fulcio's have them, so sigstore-js builds the path
 *   through the trusted root's `certChain` by key identifier (DER written in sigstore-x509.ts).
 * - Leaf certificates as Fulcio issues them: empty subject, SAN email or URI (critical), key usage
 *   digitalSignature, EKU codeSigning, the OIDC issuer in 1.3.6.1.4.1.57264.1.1 (raw bytes, the
 *   deprecated form) and 1.3.6.1.4.1.57264.1.8 (a DER UTF8String), a chosen validity (10 minutes
 *   by default, as Fulcio).
 * - A Rekor-style log (sigstore-log.ts): SETs, inclusion proofs, signed checkpoints.
 * - `trustedRoot()`: the `application/vnd.dev.sigstore.trustedroot+json;version=0.1` JSON.
 * - `keylessSigLayer()`: the layer `cosign sign` (keyless, Rekor upload) adds to the `.sig` image:
 *   payload, signature annotation, certificate, chain and bundle annotations (cosign-layout.md §2.3).
 * - `bundleFor()`: Sigstore bundles v0.1 / v0.2 / v0.3, DSSE (an in-toto statement over the
 *   manifest digest, as cosign 3 signs an image) or messageSignature (over given bytes).
 * No SCTs: the trusted root lists no CT log, so a verifier's CT-log threshold is 0 for it.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { cosignPayload, type CosignLayerInput } from './signing.ts';
import { canonicalJson, TransparencyLog, type LogEntry, type TlogEntryJson } from './sigstore-log.ts';
import { certificate, CN, ext, name, O, pem, utf8 } from './sigstore-x509.ts';

export { canonicalJson, TransparencyLog } from './sigstore-log.ts';

export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
export const IN_TOTO = 'application/vnd.in-toto+json';
/** cosign 3's predicate type for `cosign sign` (pkg/types/predicate.go CosignSignPredicateType) */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export type BundleVersion = '0.1' | '0.2' | '0.3';

/** The media type of a bundle version as sigstore-js writes it (0.3: the `.v0.3+json` form). */
export function bundleMediaType(version: BundleVersion): string {
  return version === '0.3'
    ? 'application/vnd.dev.sigstore.bundle.v0.3+json'
    : `application/vnd.dev.sigstore.bundle+json;version=${version}`;
}

/** Who Fulcio certifies: the SAN and the OIDC issuer (as `OidcIdentity` in src/trust/types.ts). */
export interface FulcioIdentity {
  /** the SAN: an email, or a URI (e.g. a GitHub workflow) */
  subject: string;
  issuer: string;
  /** default: `uri` when the subject has `://`, else `email` */
  san?: 'email' | 'uri';
}

export interface SignOptions {
  /** the signing time = the log's integrated time (default now) */
  at?: Date;
  /** the certificate's validity (default: 5 s before `at`, for 10 minutes) */
  notBefore?: Date;
  notAfter?: Date;
  /** leave out the 1.3.6.1.4.1.57264.1.8 issuer extension (older Fulcio certificates) */
  issuerV1Only?: boolean;
}

export interface Leaf {
  der: Buffer;
  pem: string;
  privateKey: KeyObject;
}

export interface KeylessLayer extends CosignLayerInput {
  annotations: Record<string, string>;
  leaf: Leaf;
  entry: LogEntry;
}

export interface SigstoreBundleJson {
  mediaType: string;
  verificationMaterial: Record<string, unknown> & { tlogEntries: TlogEntryJson[] };
  messageSignature?: { messageDigest: { algorithm: 'SHA2_256'; digest: string }; signature: string };
  dsseEnvelope?: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] };
}

const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const TEN_MINUTES = 10 * 60_000;

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
const ecKeys = (): { privateKey: KeyObject; publicKey: KeyObject } =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const serial = (): Buffer => randomBytes(16);

/** A CA certificate with its key and DER name. */
export interface CaCertificate {
  der: Buffer;
  pem: string;
  name: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** DSSE pre-authentication encoding (the bytes a DSSE signature covers). */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ]);
}

/** An in-toto v1 statement over one sha256 digest, as cosign 3 signs an image. */
export function inTotoStatement(
  digest: string,
  options: { name?: string; predicateType?: string; predicate?: unknown } = {},
): Buffer {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: options.name ?? 'image', digest: { sha256: digest.replace(/^sha256:/, '') } }],
    predicateType: options.predicateType ?? COSIGN_SIGN_PREDICATE,
    predicate: options.predicate ?? {},
  };
  return Buffer.from(JSON.stringify(statement));
}

export class PrivateSigstore {
  readonly root: CaCertificate;
  readonly intermediate: CaCertificate;
  readonly log: TransparencyLog;
  /** the CA's validity, also the trusted root's `validFor` */
  readonly validFrom: Date;
  readonly validTo: Date;

  constructor(parts: {
    root: CaCertificate;
    intermediate: CaCertificate;
    log: TransparencyLog;
    validFrom: Date;
    validTo: Date;
  }) {
    this.root = parts.root;
    this.intermediate = parts.intermediate;
    this.log = parts.log;
    this.validFrom = parts.validFrom;
    this.validTo = parts.validTo;
  }

  /** The chain annotation's value: intermediate then root, PEM, as cosign writes it. */
  get chainPem(): string {
    return `${this.intermediate.pem}${this.root.pem}`;
  }

  /**
   * The trusted root JSON. `chain: 'root'` lists only the root in the CA's `certChain` (as a root
   * built from fulcio_v1.crt.pem), so a leaf verifies only through the chain annotation's
   * intermediate; `tlogs`/`ctlogs`/`certificateAuthorities` replace those lists (another log's
   * key, a CT log, several CAs).
   */
  trustedRoot(
    options: {
      chain?: 'full' | 'root';
      tlogs?: unknown[];
      ctlogs?: unknown[];
      certificateAuthorities?: unknown[];
    } = {},
  ): Record<string, unknown> {
    const chain = options.chain === 'root' ? [this.root] : [this.intermediate, this.root];
    return {
      mediaType: TRUSTED_ROOT_MEDIA_TYPE,
      tlogs: options.tlogs ?? [this.log.tlogJson(this.validFrom)],
      certificateAuthorities: options.certificateAuthorities ?? [this.caJson(chain)],
      ctlogs: options.ctlogs ?? [],
      timestampAuthorities: [],
    };
  }

  /** A trusted root's `certificateAuthorities[]` item for this CA. */
  caJson(chain: readonly CaCertificate[] = [this.intermediate, this.root]): Record<string, unknown> {
    return {
      subject: { organization: 'chartroom.test', commonName: 'chartroom-test' },
      uri: 'https://fulcio.chartroom.test',
      certChain: { certificates: chain.map((c) => ({ rawBytes: b64(c.der) })) },
      validFor: { start: this.validFrom.toISOString(), end: this.validTo.toISOString() },
    };
  }

  /** A Fulcio-style leaf certificate for an identity, and its key. */
  issueLeaf(identity: FulcioIdentity, options: SignOptions = {}): Leaf {
    const at = options.at ?? new Date();
    const notBefore = options.notBefore ?? new Date((seconds(at) - 5) * 1000);
    const notAfter = options.notAfter ?? new Date(notBefore.getTime() + TEN_MINUTES);
    const { privateKey, publicKey } = ecKeys();
    const san = identity.san ?? (identity.subject.includes('://') ? 'uri' : 'email');
    const extensions = [
      ext.keyUsageDigitalSignature(),
      ext.extendedKeyUsage(CODE_SIGNING),
      ext.subjectKeyId(publicKey),
      ext.authorityKeyId(this.intermediate.publicKey),
      ext.subjectAltName(san, identity.subject),
      // Fulcio writes the deprecated .1.1 as the raw string, .1.8 as a DER UTF8String
      ext.raw(OID_ISSUER_V1, Buffer.from(identity.issuer)),
      ...(options.issuerV1Only ? [] : [ext.raw(OID_ISSUER_V2, utf8(identity.issuer))]),
    ];
    const bytes = certificate({
      serial: serial(),
      issuer: this.intermediate.name,
      subject: name([]),
      notBefore,
      notAfter,
      publicKey,
      extensions,
      signingKey: this.intermediate.privateKey,
    });
    return { der: bytes, pem: pem(bytes), privateKey };
  }

  /**
   * The layer keyless `cosign sign` adds for a manifest digest (payload, signature, certificate,
   * chain, Rekor bundle with a hashedrekord 0.0.1 entry); push it with `pushCosignSignature`.
   * `chain: false` / `bundle: false` leave those annotations out.
   */
  keylessSigLayer(
    manifestDigest: string,
    identity: FulcioIdentity,
    options: SignOptions & { dockerReference?: string; chain?: boolean; bundle?: boolean } = {},
  ): KeylessLayer {
    const at = options.at ?? new Date();
    const leaf = this.issueLeaf(identity, { ...options, at });
    const payload = cosignPayload({
      dockerReference: options.dockerReference ?? '127.0.0.1:5000/charts/chart',
      manifestDigest,
    });
    const signature = sign('sha256', payload, leaf.privateKey);
    const entry = this.log.append(hashedRekordBody(sha256(payload), signature, leaf.pem), seconds(at));
    const annotations: Record<string, string> = { [CERTIFICATE_ANNOTATION]: leaf.pem };
    if (options.chain !== false) annotations[CHAIN_ANNOTATION] = this.chainPem;
    if (options.bundle !== false) annotations[BUNDLE_ANNOTATION] = this.log.cosignBundleAnnotation(entry);
    return { payload, signature: b64(signature), annotations, leaf, entry };
  }

  /**
   * A Sigstore bundle. `dsse` (default): an in-toto statement whose subject is `target` (a
   * manifest digest), payloadType application/vnd.in-toto+json, a dsse 0.0.1 log entry.
   * `messageSignature`: a signature over `target`'s bytes (a Buffer), messageDigest its sha256, a
   * hashedrekord 0.0.1 entry. v0.1: chain [leaf, intermediate, root] and SET only; v0.2: chain
   * [leaf], SET + proof + checkpoint; v0.3 (default): `certificate`, SET + proof + checkpoint.
   */
  bundleFor(
    target: string | Buffer,
    identity: FulcioIdentity,
    options: SignOptions & {
      content?: 'dsse' | 'messageSignature';
      version?: BundleVersion;
      /** the statement's subject name and predicate type (DSSE) */
      subjectName?: string;
      predicateType?: string;
    } = {},
  ): SigstoreBundleJson {
    const content = options.content ?? 'dsse';
    const version = options.version ?? '0.3';
    const at = options.at ?? new Date();
    const leaf = this.issueLeaf(identity, { ...options, at });
    let body: Buffer;
    let kind: string;
    const bundle: Partial<SigstoreBundleJson> = { mediaType: bundleMediaType(version) };
    if (content === 'messageSignature') {
      if (typeof target === 'string')
        throw new Error('bundleFor: a messageSignature bundle signs bytes; pass a Buffer');
      const signature = sign('sha256', target, leaf.privateKey);
      body = hashedRekordBody(sha256(target), signature, leaf.pem);
      kind = 'hashedrekord';
      bundle.messageSignature = {
        messageDigest: { algorithm: 'SHA2_256', digest: b64(sha256(target)) },
        signature: b64(signature),
      };
    } else {
      const digest = typeof target === 'string' ? target : `sha256:${sha256(target).toString('hex')}`;
      const payload = inTotoStatement(digest, {
        name: options.subjectName,
        predicateType: options.predicateType,
      });
      const signature = sign('sha256', preAuthEncoding(IN_TOTO, payload), leaf.privateKey);
      const envelope = {
        payload: b64(payload),
        payloadType: IN_TOTO,
        signatures: [{ sig: b64(signature), keyid: '' }],
      };
      body = dsseBody(envelope, payload, signature, leaf.pem);
      kind = 'dsse';
      bundle.dsseEnvelope = envelope;
    }
    const entry = this.log.append(body, seconds(at));
    const tlogEntry = this.log.entryJson(entry, kind, { proof: version !== '0.1' });
    const chain = version === '0.1' ? [leaf.der, this.intermediate.der, this.root.der] : [leaf.der];
    const key =
      version === '0.3'
        ? { certificate: { rawBytes: b64(leaf.der) } }
        : { x509CertificateChain: { certificates: chain.map((d) => ({ rawBytes: b64(d) })) } };
    bundle.verificationMaterial = {
      ...key,
      tlogEntries: [tlogEntry],
      timestampVerificationData: { rfc3161Timestamps: [] },
    };
    return bundle as SigstoreBundleJson;
  }
}

/** Rekor's hashedrekord 0.0.1 body (canonical JSON), the key being the PEM certificate. */
export function hashedRekordBody(digest: Buffer, signature: Buffer, certificatePem: string): Buffer {
  return Buffer.from(
    canonicalJson({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
        signature: { content: b64(signature), publicKey: { content: b64(certificatePem) } },
      },
    }),
  );
}

/** Rekor's dsse 0.0.1 body: hashes of the envelope and payload, the signature and its verifier. */
export function dsseBody(
  envelope: unknown,
  payload: Buffer,
  signature: Buffer,
  certificatePem: string,
): Buffer {
  return Buffer.from(
    canonicalJson({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: {
          algorithm: 'sha256',
          value: sha256(Buffer.from(JSON.stringify(envelope))).toString('hex'),
        },
        payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
        signatures: [{ signature: b64(signature), verifier: b64(certificatePem) }],
      },
    }),
  );
}

function caCertificate(input: {
  subject: Buffer;
  issuer?: CaCertificate;
  pathLen: number;
  validFrom: Date;
  validTo: Date;
  codeSigning?: boolean;
}): CaCertificate {
  const { privateKey, publicKey } = ecKeys();
  const bytes = certificate({
    serial: serial(),
    issuer: input.issuer?.name ?? input.subject,
    subject: input.subject,
    notBefore: input.validFrom,
    notAfter: input.validTo,
    publicKey,
    extensions: [
      ext.keyUsageCa(),
      ...(input.codeSigning ? [ext.extendedKeyUsage(CODE_SIGNING)] : []),
      ext.basicConstraintsCa(input.pathLen),
      ext.subjectKeyId(publicKey),
      ext.authorityKeyId(input.issuer?.publicKey ?? publicKey),
    ],
    signingKey: input.issuer?.privateKey ?? privateKey,
  });
  return { der: bytes, pem: pem(bytes), name: input.subject, privateKey, publicKey };
}

/**
 * Makes a deployment: a root CA and an intermediate valid from `validFrom` (default a day ago) to
 * `validTo` (default in ten years), and a log.
 */
export function createSigstore(
  options: { validFrom?: Date; validTo?: Date; logHost?: string; name?: string } = {},
): PrivateSigstore {
  const validFrom = options.validFrom ?? new Date(Date.now() - 86_400_000);
  const validTo = options.validTo ?? new Date(Date.now() + 10 * 365 * 86_400_000);
  const label = options.name ?? 'chartroom-test';
  const root = caCertificate({
    subject: name([
      [O, 'chartroom.test'],
      [CN, label],
    ]),
    pathLen: 1,
    validFrom,
    validTo,
  });
  const intermediate = caCertificate({
    subject: name([
      [O, 'chartroom.test'],
      [CN, `${label}-intermediate`],
    ]),
    issuer: root,
    pathLen: 0,
    validFrom,
    validTo,
    codeSigning: true,
  });
  return new PrivateSigstore({
    root,
    intermediate,
    log: new TransparencyLog({ host: options.logHost }),
    validFrom,
    validTo,
  });
}
