/**
 * The catalog format (formatVersion 1). These field names are a published contract (see
 * schemas/catalog-*.schema.json): add fields, never rename. This folder imports no other part of
 * chartroom (except errors and failpoints), so these types stand alone.
 */

export const FORMAT_VERSION = 1;

/** catalog/catalog.json */
export interface CatalogFormat {
  formatVersion: typeof FORMAT_VERSION;
  /**
   * "Chart.yaml": every chart.json takes its metadata from the stored Chart.yaml where there is
   * one. Written once, by the sync that corrected a catalog written before (or with a new one).
   */
  chartMetadata?: typeof CHART_METADATA;
}

export const CHART_METADATA = 'Chart.yaml';

/** As Chart.yaml gives it; chart/metadata.ts has the same shape for what it reads. */
export interface CatalogMaintainer {
  name?: string;
  email?: string;
  url?: string;
}

export interface CatalogVersion {
  version: string;
  appVersion?: string;
  /** "sha256:<hex>" of the chart archive */
  digest?: string;
  /** OCI only */
  manifestDigest?: string;
  /** ISO 8601: the index `created`, OCI's image.created, else when chartroom first saw it */
  created: string;
  /** present (true) only when `created` is when chartroom first saw the version: the source gave no date */
  firstSeen?: true;
  deprecated: boolean;
  /** gone upstream; kept here */
  removed: boolean;
  /** the kept files present under <version>/ */
  files: string[];
  /**
   * the signatures found for this version, verified or not; [] = checked, unsigned; absent =
   * not checked (an older catalog, or a version outside `keep` of a registry without a policy)
   */
  signatures?: CatalogSignature[];
  /** only when the registry has a `verify:` policy: whether this version passes it */
  policy?: 'passed' | 'failed';
  /** policy failed: SignatureMissing or SignatureInvalid, and what to do */
  policyError?: { code: string; message: string };
}

/** One signature of a version (trust/types.ts SignatureRecord has the same shape). */
export interface CatalogSignature {
  kind: 'helm' | 'cosign' | 'sigstore' | 'notation';
  verified: boolean;
  signer?: string;
  identity?: string;
  issuer?: string;
  /** when not verified: why, and what to do */
  reason?: string;
  /** sha256:<hex> of the .prov file, or the digest of the cosign .sig manifest */
  digest?: string;
}

/** The registry file's `verify:` policy as the sync applied it. */
export interface CatalogVerifyPolicy {
  provider: 'helm' | 'cosign';
  /** the key's path in the catalog repository (absent: a keyless-only cosign policy) */
  key?: string;
  required: boolean;
  /** sha256:<hex> of the key file's bytes: a changed key re-checks every version */
  keyDigest?: string;
  /** cosign: the identities keyless signatures and bundles must have, as the registry file gives them */
  matchOIDCIdentity?: { issuer: string; subject: string }[];
  /** cosign (any policy: bundles signed with the key are checked against the log too): the Sigstore trusted root, in words, and the sha256:<hex> of its file */
  sigstoreRoot?: string;
  sigstoreRootDigest?: string;
}

/** A version whose signatures disappeared or changed since they were recorded: flagged like a republished digest. */
export interface SignatureChange {
  chart: string;
  version: string;
  change: 'removed' | 'changed';
  /** what was recorded before */
  previous: CatalogSignature[];
  /** ISO 8601: the sync that saw it */
  detected: string;
}

export interface CatalogChart {
  name: string;
  registry: string;
  description?: string;
  icon?: string;
  home?: string;
  sources: string[];
  keywords: string[];
  maintainers: CatalogMaintainer[];
  deprecated: boolean;
  latest?: string;
  updated?: string;
  /** newest first, semver order */
  versions: CatalogVersion[];
  /**
   * the kept files every version listed with files was read for (sorted); absent: the first
   * four (a catalog written before CHANGELOG.md was kept), fetched again once (sync/kept-files.ts)
   */
  keptFiles?: string[];
}

export interface FailedVersion {
  chart: string;
  version: string;
  code: string;
  message: string;
  attempts: number;
  firstFailure: string;
  lastFailure: string;
  nextRetry: string;
  gaveUp: boolean;
}

export interface Republished {
  chart: string;
  version: string;
  digest: string;
  previousDigest: string;
}

export interface CatalogRegistry {
  name: string;
  url: string;
  kind: 'http' | 'oci';
  description?: string;
  private: boolean;
  /** the registry file sets `insecure: true` (plain http allowed; an OCI registry is then reached over http); absent otherwise */
  insecure?: boolean;
  charts: number;
  versions: number;
  lastChange?: string;
  error?: { code: string; message: string };
  failedVersions: FailedVersion[];
  republished: Republished[];
  /** charts that could not be listed in the last sync (e.g. `name unknown`); their catalog part is kept */
  chartErrors?: Array<{ chart: string; code: string; message: string }>;
  /** the registry file's `verify:` policy, as the versions' `policy` was decided under it */
  verify?: CatalogVerifyPolicy;
  /** signatures that disappeared or changed upstream */
  signatureChanges?: SignatureChange[];
  /** every chart of the registry has this `keptFiles` (see CatalogChart); absent: not yet */
  keptFiles?: string[];
}
