/**
 * OCI referrers of a chart version's manifest (OCI distribution spec 1.1): the manifests whose
 * `subject` is the version, as cosign 3 (Sigstore bundles), cosign's OCI-1.1 mode and Notation
 * push them. Found, bounded and digest-checked here; verified (or, Notation, recorded) in trust/.
 *
 * Discovery: `GET /v2/<name>/referrers/<digest>` where the registry has the API. A registry
 * without it (docker-registry 2.8 answers 404) is probed once per run (the source lives for one
 * registry in one sync; concurrent look-ups wait on the one probe); then the "referrers tag
 * schema" fallback: the image index under the tag `sha256-<hex>` that cosign and oras keep up to
 * date on such registries, looked up in the tags the listing read (an absent tag costs nothing).
 *
 * Each referrer is classified by its `artifactType`, else its `config.mediaType`:
 * - a Sigstore bundle: exactly one layer whose media type starts with
 *   `application/vnd.dev.sigstore.bundle` (cosign's own reading; other shapes are ignored);
 * - a cosign signature in OCI-1.1 mode: the layers of a `.sig` image (read as signatures.ts does);
 * - a Notation signature: the manifest alone (envelope media type, certificate thumbprints);
 * - anything else (SBOMs, attestations of other tools): ignored.
 * A referrer whose digest is `known` (recorded before) is `unchanged`: no blob is read, and no
 * request at all when the index names its artifact type. Referrers of referrers are not followed,
 * so an index cannot lead into a loop; an entry listed twice is read once.
 *
 * Bounds: the index 1 MiB (API pages followed on the registry's origin, at most 8), at most 16 referrers read per version, each manifest 256 KiB, a
 * bundle 256 KiB; a referrer whose manifest does not hash to the index's digest, or whose
 * subject is another manifest, is not the version's.
 */
import { ChartroomError } from '../../errors.ts';
import type { NotationEvidence, SignatureEvidence, SignatureKind } from '../../trust/types.ts';
import type { Manifest, OciClient } from './client.ts';
import { OCI_INDEX, REFERRER_MANIFEST_TYPES } from './client.ts';
import { readCosignLayers } from './signatures.ts';
import { unreadable } from '../signature-evidence.ts';

export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const COSIGN_SIGNATURE_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const NOTATION_SIGNATURE = 'application/vnd.cncf.notary.signature';
export const NOTATION_THUMBPRINTS = 'io.cncf.notary.x509chain.thumbprint#S256';

/** the referrers index, all its pages together */
export const MAX_REFERRERS_INDEX_BYTES = 1024 * 1024;
export const MAX_REFERRERS_PAGES = 8;
export const MAX_REFERRERS = 16;
export const MAX_REFERRER_MANIFEST_BYTES = 256 * 1024;
/** a bundle with a certificate chain, a tlog entry and its inclusion proof is a few KiB */
export const MAX_BUNDLE_BYTES = 256 * 1024;
/** a Notation chain longer than this is not a chain a signer sends */
const MAX_THUMBPRINTS = 16;

type ReferrerKind = 'sigstore' | 'cosign' | 'notation';

/** The fallback tag of a manifest digest: `sha256:abc…` → `sha256-abc…` */
export function referrersTag(manifestDigest: string): string | undefined {
  const match = /^(sha256|sha512):([0-9a-f]{64,128})$/.exec(manifestDigest);
  return match ? `${match[1]}-${match[2]}` : undefined;
}

/** What kind of signature an artifact type (or a config media type) names, if any. */
export function referrerKind(type: string | undefined): ReferrerKind | undefined {
  if (type === undefined) return undefined;
  if (type.startsWith(SIGSTORE_BUNDLE_PREFIX)) return 'sigstore';
  if (type === COSIGN_SIGNATURE_ARTIFACT) return 'cosign';
  if (type === NOTATION_SIGNATURE) return 'notation';
  return undefined;
}

/**
 * Whether the registry has the referrers API, learnt by the first look-up of a run (the probe)
 * and shared by the others. A probe that fails (a 5xx, no answer) teaches nothing: the next
 * look-up probes again.
 */
export function createReferrersSupport() {
  let probe: Promise<boolean> | undefined;
  return {
    /**
     * The referrers index through the API (`first` asks for its first page, undefined: no API;
     * `rest` reads the pages after it), or undefined when the registry has none. The first page
     * answers the probe: a later page that fails does not unlearn the API.
     */
    async index<P extends object>(
      first: () => Promise<P | undefined>,
      rest: (page: P) => Promise<unknown>,
    ): Promise<unknown> {
      for (;;) {
        const pending = probe;
        if (!pending) break;
        let hasApi: boolean;
        try {
          hasApi = await pending;
        } catch {
          if (probe === pending) probe = undefined;
          continue;
        }
        if (!hasApi) return undefined;
        const page = await first();
        return page === undefined ? undefined : rest(page);
      }
      const answer = first();
      const mine = answer.then((page) => page !== undefined);
      probe = mine;
      mine.catch(() => undefined);
      const page = await answer;
      return page === undefined ? undefined : rest(page);
    },
  };
}
export type ReferrersSupport = ReturnType<typeof createReferrersSupport>;

interface ReferrerDescriptor {
  digest: string;
  size: number;
  artifactType: string | undefined;
}

export interface ReferrersLookup {
  client: OciClient;
  repo: string;
  manifestDigest: string;
  /** the tags the listing read (the fallback tag is looked for among them) */
  tags: ReadonlySet<string>;
  known: readonly string[];
  support: ReferrersSupport;
}

/** The signatures among the referrers of `manifestDigest`. */
export async function findReferrers(lookup: ReferrersLookup): Promise<SignatureEvidence[]> {
  const { client, repo, manifestDigest } = lookup;
  let index: unknown;
  let where: string;
  try {
    index = await lookup.support.index(
      () => client.referrers(repo, manifestDigest, { maxBytes: MAX_REFERRERS_INDEX_BYTES }),
      (first) => laterPages(client, repo, manifestDigest, first),
    );
    where = `${client.origin}/v2/${repo}/referrers/${manifestDigest}`;
    if (index === undefined) {
      const tag = referrersTag(manifestDigest);
      if (!tag || !lookup.tags.has(tag)) return [];
      where = `${client.origin}/${repo}:${tag}`;
      index = await readFallbackIndex(client, repo, tag);
      if (index === undefined) return [];
    }
  } catch (error) {
    return [unreadable('sigstore', error)];
  }
  const listed = indexEntries(index, manifestDigest);
  if (typeof listed === 'string') return [invalid('sigstore', `${where}: ${listed}`)];
  const out: SignatureEvidence[] = [];
  for (const descriptor of listed.slice(0, MAX_REFERRERS)) {
    out.push(...(await readReferrer(lookup, descriptor)));
  }
  if (listed.length > MAX_REFERRERS) {
    out.push({
      kind: 'sigstore',
      unreadable: {
        code: 'TooLarge',
        message: `${where}: ${listed.length} referrers may be signatures; only the first ${MAX_REFERRERS} were read`,
      },
    });
  }
  return out;
}

/**
 * The referrers API's answer after its first page, every page of it (`Link: <…>; rel="next"`, on
 * the registry's origin, no page twice), as one index: at most MAX_REFERRERS_PAGES pages and
 * MAX_REFERRERS_INDEX_BYTES together.
 */
async function laterPages(
  client: OciClient,
  repo: string,
  digest: string,
  first: { index: unknown; next: string | undefined; bytes: number },
): Promise<unknown> {
  let { index, next } = first;
  let left = MAX_REFERRERS_INDEX_BYTES - first.bytes;
  const seen = new Set<string>();
  for (let pages = 1; next !== undefined; pages++) {
    const where = `${client.origin}/v2/${repo}/referrers/${digest}`;
    if (pages >= MAX_REFERRERS_PAGES || left <= 0 || seen.has(next)) {
      throw new ChartroomError(
        'TooManyPages',
        `${where}: the referrers index goes on past ${pages} pages or 1 MiB, or leads back to a page already read; not taken`,
      );
    }
    seen.add(next);
    const page = await client.referrers(repo, digest, { maxBytes: left, url: next });
    if (page === undefined) break;
    index = mergeIndexes(index, page.index);
    left -= page.bytes;
    next = page.next;
  }
  return index;
}

/** Two pages of an index as one: the later page's `manifests` after the earlier's (copied one by one). */
function mergeIndexes(a: unknown, b: unknown): unknown {
  const list = (x: unknown): unknown[] => {
    const m = x !== null && typeof x === 'object' ? (x as Record<string, unknown>).manifests : undefined;
    return Array.isArray(m) ? (m as unknown[]) : [];
  };
  // a first page that is no index stays what it is (refused by indexEntries)
  if (a === null || typeof a !== 'object' || !Array.isArray((a as Record<string, unknown>).manifests))
    return a;
  const manifests: unknown[] = [];
  for (const entry of list(a)) manifests.push(entry);
  for (const entry of list(b)) manifests.push(entry);
  return { manifests };
}

/** The index under the fallback tag; undefined when the tag went away since the listing. */
async function readFallbackIndex(client: OciClient, repo: string, tag: string): Promise<unknown> {
  try {
    const manifest = await client.manifest(repo, tag, {
      accept: [OCI_INDEX],
      maxBytes: MAX_REFERRERS_INDEX_BYTES,
    });
    return manifest.json;
  } catch (error) {
    if (error instanceof ChartroomError && error.code === 'ManifestUnknown') return undefined;
    throw error;
  }
}

/**
 * The index's entries that may be signatures: well-formed descriptors of manifests, not the
 * version itself, each digest once; an entry whose artifact type names something else than a
 * signature is left out without being read.
 */
function indexEntries(index: unknown, manifestDigest: string): ReferrerDescriptor[] | string {
  if (index === null || typeof index !== 'object' || Array.isArray(index))
    return 'the referrers index is not a JSON object';
  const manifests = (index as Record<string, unknown>).manifests;
  if (manifests === undefined || manifests === null) return [];
  if (!Array.isArray(manifests)) return 'the referrers index has no manifests list';
  const seen = new Set<string>([manifestDigest]);
  const out: ReferrerDescriptor[] = [];
  for (const entry of manifests as unknown[]) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const d = entry as Record<string, unknown>;
    if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest)) continue;
    if (typeof d.mediaType === 'string' && !REFERRER_MANIFEST_TYPES.includes(d.mediaType)) continue;
    const artifactType = typeof d.artifactType === 'string' ? d.artifactType : undefined;
    if (artifactType !== undefined && referrerKind(artifactType) === undefined) continue;
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    out.push({ digest: d.digest, size: typeof d.size === 'number' ? d.size : 0, artifactType });
  }
  return out;
}

/** One referrer: its manifest (unless known and typed by the index), then what its kind needs. */
async function readReferrer(
  lookup: ReferrersLookup,
  descriptor: ReferrerDescriptor,
): Promise<SignatureEvidence[]> {
  const { client, repo } = lookup;
  const where = `${client.origin}/${repo}@${descriptor.digest}`;
  const typed = referrerKind(descriptor.artifactType);
  const known = lookup.known.includes(descriptor.digest);
  if (known && (typed === 'sigstore' || typed === 'cosign'))
    return [unchanged(typed, descriptor.digest, descriptor.artifactType)];
  const guess: SignatureKind = typed ?? 'sigstore';
  if (descriptor.size > MAX_REFERRER_MANIFEST_BYTES) {
    return [
      {
        kind: guess,
        unreadable: {
          code: 'TooLarge',
          message: `${where}: the referrer manifest is ${descriptor.size} bytes, over the 256 KiB cap; not read`,
        },
      },
    ];
  }
  let manifest: Manifest;
  try {
    manifest = await client.manifest(repo, descriptor.digest, {
      accept: REFERRER_MANIFEST_TYPES,
      maxBytes: MAX_REFERRER_MANIFEST_BYTES,
    });
  } catch (error) {
    // deleted since the index was written: no signature
    if (error instanceof ChartroomError && error.code === 'ManifestUnknown') return [];
    return [unreadable(guess, error)];
  }
  if (manifest.digest !== descriptor.digest) {
    return [
      {
        kind: guess,
        unreadable: {
          code: 'DigestMismatch',
          message: `digest mismatch: the referrers index names ${descriptor.digest}, the manifest ${where} read is ${manifest.digest}`,
        },
      },
    ];
  }
  const json = manifest.json;
  // the index is the registry's word; the manifest's own subject is what makes it the version's
  if (subjectDigest(json) !== lookup.manifestDigest) return [];
  const type = stringField(json, 'artifactType') ?? configMediaType(json);
  const kind = referrerKind(type);
  if (kind === undefined) return [];
  if (kind === 'notation') return [notation(manifest)];
  if (known) return [unchanged(kind, descriptor.digest, type)];
  if (kind === 'cosign') return readCosignLayers(client, repo, where, manifest);
  return readBundle(client, repo, where, manifest);
}

function unchanged(kind: 'sigstore' | 'cosign', digest: string, type: string | undefined): SignatureEvidence {
  return kind === 'cosign'
    ? { kind, digest, unchanged: true, layers: [] }
    : { kind, digest, unchanged: true, mediaType: type ?? SIGSTORE_BUNDLE_PREFIX, bundle: Buffer.alloc(0) };
}

/** A bundle referrer's one bundle layer, as cosign reads it; another shape is no bundle. */
async function readBundle(
  client: OciClient,
  repo: string,
  where: string,
  manifest: Manifest,
): Promise<SignatureEvidence[]> {
  const layers = manifest.json.layers;
  if (!Array.isArray(layers) || layers.length !== 1) return [];
  const layer = layers[0] as unknown;
  if (layer === null || typeof layer !== 'object') return [];
  const d = layer as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || !d.mediaType.startsWith(SIGSTORE_BUNDLE_PREFIX)) return [];
  if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest))
    return [invalid('sigstore', `${where}: the bundle layer has no sha256 digest`)];
  const size = typeof d.size === 'number' ? d.size : 0;
  if (size > MAX_BUNDLE_BYTES) {
    return [
      {
        kind: 'sigstore',
        unreadable: {
          code: 'TooLarge',
          message: `${where}: the bundle layer ${d.digest} is ${size} bytes, over the 256 KiB cap of a Sigstore bundle; not read`,
        },
      },
    ];
  }
  try {
    const bundle = await client.blob(repo, d.digest, MAX_BUNDLE_BYTES);
    return [{ kind: 'sigstore', digest: manifest.digest, mediaType: d.mediaType, bundle }];
  } catch (error) {
    return [unreadable('sigstore', error)];
  }
}

/** A Notation signature from its manifest alone: the envelope's media type and the chain's thumbprints. */
function notation(manifest: Manifest): NotationEvidence {
  const evidence: NotationEvidence = { kind: 'notation', digest: manifest.digest };
  // an image manifest's layers, or (notation-go reads these too) an artifact manifest's blobs
  const layers = manifest.json.layers ?? manifest.json.blobs;
  const first = Array.isArray(layers) ? (layers[0] as unknown) : undefined;
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const type = (first as Record<string, unknown>).mediaType;
    if (typeof type === 'string' && /^[\w.+/-]{1,100}$/.test(type)) evidence.envelope = type;
  }
  const annotations = manifest.json.annotations;
  if (annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)) {
    const value = (annotations as Record<string, unknown>)[NOTATION_THUMBPRINTS];
    const thumbprints = typeof value === 'string' ? parseThumbprints(value) : undefined;
    if (thumbprints) evidence.thumbprints = thumbprints;
  }
  return evidence;
}

/** A JSON array of sha256 hex strings (upper or lower case), lower-cased; anything else is none. */
function parseThumbprints(value: string): string[] | undefined {
  if (value.length > 100 * MAX_THUMBPRINTS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_THUMBPRINTS) return undefined;
  if (!parsed.every((t) => typeof t === 'string' && /^[0-9a-fA-F]{64}$/.test(t))) return undefined;
  return (parsed as string[]).map((t) => t.toLowerCase());
}

function subjectDigest(json: Record<string, unknown>): string | undefined {
  const subject = json.subject;
  if (subject === null || typeof subject !== 'object' || Array.isArray(subject)) return undefined;
  const digest = (subject as Record<string, unknown>).digest;
  return typeof digest === 'string' ? digest : undefined;
}

function configMediaType(json: Record<string, unknown>): string | undefined {
  const config = json.config;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return undefined;
  return stringField(config as Record<string, unknown>, 'mediaType');
}

function stringField(json: Record<string, unknown>, key: string): string | undefined {
  const value = json[key];
  return typeof value === 'string' ? value : undefined;
}

function invalid(kind: SignatureKind, message: string): SignatureEvidence {
  return { kind, unreadable: { code: 'OCIInvalid', message } };
}
