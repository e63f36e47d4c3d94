/**
 * One OCI referrer of a chart version (referrers.ts finds them): its manifest, read by the digest
 * the index names (256 KiB at most) and checked against it, kept only when its own `subject` is
 * the version, classified by `artifactType`, else `config.mediaType`, then what its kind needs:
 * - a Sigstore bundle: exactly one layer whose media type starts with
 *   `application/vnd.dev.sigstore.bundle` (cosign's own reading; another shape is no bundle), its
 *   blob 256 KiB at most, digest-checked;
 * - a cosign signature in OCI-1.1 mode: the layers of a `.sig` image (read as signatures.ts does);
 * - a Notation signature: the manifest alone (envelope media type, certificate thumbprints);
 * - anything else: ignored.
 * A digest already recorded (`known`) is `unchanged`: no blob, and no request at all when the index
 * names its type.
 */
import { ChartroomError } from '../../errors.ts';
import type { NotationEvidence, SignatureEvidence, SignatureKind } from '../../trust/types.ts';
import type { Manifest, OciClient } from './client.ts';
import { REFERRER_MANIFEST_TYPES } from './client.ts';
import { readCosignLayers } from './signatures.ts';
import { unreadable } from '../signature-evidence.ts';
// trust's own cap: a source never reads a bundle trust would refuse to parse
import { MAX_BUNDLE_BYTES } from '../../trust/sigstore-bundle.ts';

export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const COSIGN_SIGNATURE_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const NOTATION_SIGNATURE = 'application/vnd.cncf.notary.signature';
export const NOTATION_THUMBPRINTS = 'io.cncf.notary.x509chain.thumbprint#S256';

export const MAX_REFERRER_MANIFEST_BYTES = 256 * 1024;
/** a Notation chain longer than this is not a chain a signer sends */
const MAX_THUMBPRINTS = 16;

type ReferrerKind = 'sigstore' | 'cosign' | 'notation';

/** What kind of signature an artifact type (or a config media type) names, if any. */
export function referrerKind(type: string | undefined): ReferrerKind | undefined {
  if (type === undefined) return undefined;
  if (type.startsWith(SIGSTORE_BUNDLE_PREFIX)) return 'sigstore';
  if (type === COSIGN_SIGNATURE_ARTIFACT) return 'cosign';
  if (type === NOTATION_SIGNATURE) return 'notation';
  return undefined;
}

/** An entry of a referrers index, as far as it was checked (a sha256 digest). */
export interface ReferrerDescriptor {
  digest: string;
  size: number;
  artifactType: string | undefined;
}

export interface ReferrerLookup {
  client: OciClient;
  repo: string;
  /** the version's manifest digest: a referrer's subject must be it */
  manifestDigest: string;
  known: readonly string[];
}

/** One referrer: its manifest (unless known and typed by the index), then what its kind needs. */
export async function readReferrer(
  lookup: ReferrerLookup,
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

export function invalid(kind: SignatureKind, message: string): SignatureEvidence {
  return { kind, unreadable: { code: 'OCIInvalid', message } };
}
