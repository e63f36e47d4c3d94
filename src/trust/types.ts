/**
 * Signatures of chart versions: what a source found (evidence: the bytes, unverified), the
 * policy a registry file sets, and what verifying the one against the other recorded. This
 * folder verifies bytes it is given (openpgp, node:crypto): it makes no request and imports no
 * other part of chartroom but the errors. Sources find the evidence; the sync decides when.
 */

/**
 * One entry of `verify.matchOIDCIdentity`, as in Flux: RE2 regular expressions (Go's syntax, the
 * one Flux and cosign use) matched against a keyless signature's certificate: `issuer` against the
 * OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, else .1.1), `subject` against its SAN.
 */
export interface OidcIdentity {
  issuer: string;
  subject: string;
}

/** `verify:` in a registry file, in Flux's words (HelmChart/OCIRepository `spec.verify`). */
export interface VerifyPolicy {
  /** helm: OpenPGP provenance files (.prov); cosign: cosign signatures and Sigstore bundles of the OCI manifest */
  provider: 'helm' | 'cosign';
  /**
   * repository-relative path: an OpenPGP keyring, armored or binary (helm, required), or a PEM
   * public key (cosign). cosign needs `key`, `matchOIDCIdentity` or both (either may pass it).
   */
  key?: string | undefined;
  /** cosign: keyless signatures and bundles pass when their certificate matches one entry */
  matchOIDCIdentity?: OidcIdentity[] | undefined;
  /** true: a version that does not pass is refused (kept in chart.json, left out of latest and snippets) */
  required: boolean;
}

export type SignatureKind = 'helm' | 'cosign' | 'sigstore' | 'notation';

/** One signature of one version as the catalog records it (catalog/types.ts CatalogSignature). */
export interface SignatureRecord {
  kind: SignatureKind;
  verified: boolean;
  /** who signed, in words: an OpenPGP user ID, the key file that verified a cosign signature */
  signer?: string;
  /** the key's fingerprint (OpenPGP, upper-case hex) or `sha256:<hex>` of a public key's DER; a certificate's SAN (keyless) */
  identity?: string;
  /** keyless only: the OIDC issuer */
  issuer?: string;
  /** when not verified: why, and what to do */
  reason?: string;
  /** sha256:<hex> of the .prov file, or the digest of the cosign .sig manifest: a change is seen without verifying again */
  digest?: string;
}

/** A Helm provenance file found for a version (HTTP: `<archive URL>.prov`; OCI: the provenance layer). */
export interface HelmProvenanceEvidence {
  kind: 'helm';
  provenance: Buffer;
  /** the archive's base name, the key of the .prov's `files:` map (e.g. `nginx-1.2.3.tgz`) */
  fileName: string;
}

/** One layer of a cosign signature image (`sha256-<hex>.sig`): the payload blob and the layer's annotations. */
export interface CosignLayer {
  mediaType: string;
  /** the layer blob: the simple-signing payload, digest-checked by the source */
  payload: Buffer;
  /** `dev.cosignproject.cosign/signature` (base64) and, keyless, certificate/chain/bundle */
  annotations: Record<string, string>;
}

/** A cosign signature image found for a version's manifest digest. */
export interface CosignSignatureEvidence {
  kind: 'cosign';
  /** digest of the .sig manifest */
  digest: string;
  /** the digest is one recorded before (SignatureSubject.known): its layers were not read, the records stand */
  unchanged?: true;
  layers: CosignLayer[];
}

/**
 * A Sigstore bundle attached to a version's manifest as an OCI 1.1 referrer (cosign 3's default):
 * the referrer manifest's one layer whose media type starts with `application/vnd.dev.sigstore.bundle`.
 */
export interface SigstoreBundleEvidence {
  kind: 'sigstore';
  /** digest of the referrer manifest */
  digest: string;
  /** the digest is one recorded before (SignatureSubject.known): the bundle was not read, the record stands */
  unchanged?: true;
  /** the layer's media type: `application/vnd.dev.sigstore.bundle.v0.3+json`, `…bundle+json;version=0.1`, … */
  mediaType: string;
  /** the layer blob (protobuf-JSON bundle), digest-checked and bounded by the source; empty when unchanged */
  bundle: Buffer;
}

/** A Notation signature among a version's referrers: detected and recorded, not verified. */
export interface NotationEvidence {
  kind: 'notation';
  /** digest of the signature manifest */
  digest: string;
  /** the envelope's media type (`application/jose+json`, `application/cose`), when the manifest names it */
  envelope?: string;
  /** `io.cncf.notary.x509chain.thumbprint#S256`: sha256 of each certificate, leaf first */
  thumbprints?: string[];
}

/** A signature that was there but could not be read (a 5xx, a blob too big): checked again later. */
export interface UnreadableEvidence {
  kind: SignatureKind;
  unreadable: { code: string; message: string };
}

export type SignatureEvidence =
  | HelmProvenanceEvidence
  | CosignSignatureEvidence
  | SigstoreBundleEvidence
  | NotationEvidence
  | UnreadableEvidence;

/** What a version's signatures came to under its registry's policy. */
export interface SignatureCheck {
  signatures: SignatureRecord[];
  /** only when the registry has a policy */
  policy?: 'passed' | 'failed';
  /** policy failed: SignatureMissing or SignatureInvalid, with what to do */
  policyError?: { code: string; message: string };
}
