/**
 * The port: what the sync needs from a registry, whatever its protocol, and what a source is
 * given. sources/helm and sources/oci implement it; sources/index.ts picks one for a registry.
 * Nothing here names a protocol, the registry files or the credential files.
 */
import type { ChartVersionMeta } from '../chart/metadata.ts';
import type { Credential } from '../http/basic-auth.ts';
import type { SignatureEvidence } from '../trust/types.ts';

/** A registry as its source sees it: the sync maps a registry definition and its credential to this. */
export interface SourceDefinition {
  /** the registry's name in chartroom, for messages */
  name: string;
  /** https://… for a chart repository, oci://host[:port][/namespace] for an OCI registry */
  url: string;
  /** the chart repositories of an OCI registry; undefined: discover them (/v2/_catalog) */
  charts: string[] | undefined;
  /** plain http to the registry is allowed */
  insecure: boolean;
  /** Helm's --pass-credentials: the credential also goes to chart URLs on other hosts */
  passCredentials: boolean;
  credential: Credential | undefined;
  /**
   * Called with every secret derived from the credential (a bearer or refresh token) the moment
   * it is received, before it is sent anywhere, so that it is redacted from every message.
   */
  registerSecret?: ((secret: string) => void) | undefined;
}

/** What the last listing answered, for a conditional request (HTTP ETag / Last-Modified). */
export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** One entry of a listing that was dropped, and why: the rest of the listing stands. */
export interface IndexProblem {
  chart?: string;
  version?: string;
  message: string;
}

export type ListResult =
  | { notModified: true }
  | {
      notModified: false;
      versions: ChartVersionMeta[];
      problems: IndexProblem[];
      /** charts that could not be listed this run: their catalog part is left as it is */
      chartErrors?: ChartError[];
      validators: Validators;
      /** per-chart digests of the listing, to pass back next time (see ListHints) */
      chartDigests?: Record<string, string>;
      /** charts whose listing is unchanged since `ListHints.charts`: not in `versions`, keep as they are */
      unchanged?: string[];
    };

/** What the last listing left, so the source can skip work. */
export interface ListHints {
  /** chart -> digest of its part of the last listing, for charts the catalog holds in full */
  charts?: Record<string, string>;
}

export interface ChartError {
  chart: string;
  code: string;
  message: string;
}

export interface FetchedVersion {
  /** "sha256:<hex>" of the chart archive, verified */
  digest: string;
  manifestDigest?: string;
  files: Map<string, Buffer>;
  /** metadata known only once fetched (OCI config blob and manifest annotations) */
  meta?: Partial<ChartVersionMeta>;
}

/** What a version's manifest alone says (OCI): its date and digests, without its archive. */
export interface VersionDescription {
  /** "sha256:<hex>" of the chart archive (the chart layer's digest) */
  digest?: string;
  manifestDigest?: string;
  /** ISO 8601, from the manifest's `org.opencontainers.image.created`; undefined when it has none */
  created?: string;
}

export interface RegistrySource {
  list(validators: Validators, hints?: ListHints): Promise<ListResult>;
  /**
   * A listed version's date and digests without its files, for a version outside `keep` whose
   * listing says nothing of them (an OCI tag): one manifest request. Sources whose listing has
   * them (an HTTP index) do not implement it.
   */
  describeVersion?(meta: ChartVersionMeta): Promise<VersionDescription>;
  /** one version's archive, its digest verified and its files read (see archive.ts) */
  fetchVersion(meta: ChartVersionMeta): Promise<FetchedVersion>;
  /**
   * The signatures published for a version, unverified (trust/ verifies them): HTTP, the
   * `.prov` beside the archive (one request; a 404 is none); OCI, the manifest's provenance
   * layer and the cosign `sha256-<hex>.sig` tag of `subject.manifestDigest`, found in the tags
   * already listed (an absent tag costs no request). A signature that cannot be read is
   * UnreadableEvidence, not a throw; a throw is the whole look-up failing (the registry is down).
   */
  findSignatures?(meta: ChartVersionMeta, subject: SignatureSubject): Promise<SignatureEvidence[]>;
}

/** What a signature must name: the digests the catalog holds for the version. */
export interface SignatureSubject {
  /** sha256:<hex> of the archive (a .prov's `files:` entry must equal it) */
  digest?: string | undefined;
  /** OCI: the version's manifest digest (a cosign payload's docker-manifest-digest must equal it) */
  manifestDigest?: string | undefined;
  /** signature digests recorded before (CatalogSignature.digest): a source may skip reading what did not change */
  known?: readonly string[] | undefined;
}

/** What reaching a registry answered (`validate --connect`): the request that proves a sync can list it. */
export interface ConnectionCheck {
  /** e.g. "index.yaml reachable (200, 1.2 MB)" or "/v2/ and the tags of charts/alpha reachable (3 tags)" */
  summary: string;
}
