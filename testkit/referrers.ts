/**
 * OCI 1.1 referrers as the signing tools push them (cosign-layout.md §3–§5), to the test
 * distribution registry or through the referrers front (referrers-front.ts):
 * - the referrer manifest (with `subject`) and its blobs are pushed by digest;
 * - a registry with the referrers API answers the manifest PUT with `OCI-Subject` and indexes it;
 * - on one without (docker-registry 2.8), the client keeps the "referrers tag schema" index up to
 *   date itself, as cosign and oras do: the image index under the tag `sha256-<hex>` of the
 *   subject, read (or started empty), the referrer's descriptor added, pushed again.
 * Pushers: a Sigstore bundle (cosign 3's default), a cosign signature in OCI-1.1 mode, a Notation
 * signature, and `pushReferrer` for any other shape (hostile ones included).
 */
import { sha256Digest } from '../src/chart/digest.ts';
import { pushBlob, pushManifest, type PushTarget } from '../src/demo/oci-push.ts';
import type { TestRegistry } from './oci-registry.ts';
import {
  cosignConfig,
  COSIGN_SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING,
  type CosignLayerInput,
} from './signing.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const COSIGN_SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const NOTATION_ARTIFACT = 'application/vnd.cncf.notary.signature';
const EMPTY_CONFIG = Buffer.from('{}');

/** The descriptor of a manifest a referrer names as its subject. */
export interface Subject {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ReferrerLayer {
  mediaType: string;
  body: Buffer;
  annotations?: Record<string, string>;
}

export interface ReferrerInput {
  registry: TestRegistry | PushTarget;
  repository: string;
  /** the version's manifest digest (its descriptor is read from the registry) or its descriptor */
  subject: string | Subject;
  /** top-level `artifactType`; undefined: none (the config media type says what it is) */
  artifactType?: string | undefined;
  /** the config: `{}` as application/vnd.oci.empty.v1+json unless given */
  config?: { mediaType: string; body: Buffer; artifactType?: string };
  layers: ReferrerLayer[];
  annotations?: Record<string, string>;
  /**
   * without `OCI-Subject` in the registry's answer, update the fallback index (the default, as
   * cosign and oras do); false: push the manifest alone (a referrer no index names)
   */
  fallback?: boolean;
  /** the manifest as bytes of the test's own (then the fields above only give its blobs) */
  manifest?: Buffer;
}

export interface PushedReferrer {
  digest: string;
  manifest: Buffer;
  /** the descriptor an index lists for it */
  descriptor: Record<string, unknown>;
  /** the registry answered with OCI-Subject: it has the referrers API and indexed the referrer */
  viaApi: boolean;
  /** the fallback tag updated, when it was */
  fallbackTag?: string;
}

/** The fallback tag of a digest: `sha256:abc…` → `sha256-abc…` */
export const fallbackTag = (digest: string) => digest.replace(':', '-');

async function target(registry: TestRegistry | PushTarget, repository: string): Promise<PushTarget> {
  if ('pushAuth' in registry) return { origin: registry.origin, auth: await registry.pushAuth(repository) };
  return registry;
}

const headers = (t: PushTarget, more: Record<string, string> = {}) => ({
  ...(t.auth ? { authorization: t.auth } : {}),
  ...more,
});

/** The descriptor of a manifest in the registry (HEAD: its media type and size). */
export async function subjectOf(
  registry: TestRegistry | PushTarget,
  repository: string,
  digest: string,
): Promise<Subject> {
  const t = await target(registry, repository);
  const res = await fetch(`${t.origin}/v2/${repository}/manifests/${digest}`, {
    method: 'HEAD',
    headers: headers(t, { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` }),
  });
  if (res.status !== 200) throw new Error(`HEAD of the subject ${digest} answered ${res.status}`);
  return {
    mediaType: (res.headers.get('content-type') ?? OCI_MANIFEST).split(';')[0]!,
    digest,
    size: Number(res.headers.get('content-length')),
  };
}

/** The manifest bytes of a referrer, as go-containerregistry and oras lay it out. */
export function referrerManifest(
  subject: Subject,
  input: Pick<ReferrerInput, 'artifactType' | 'config' | 'layers' | 'annotations'>,
): Buffer {
  const config = input.config ?? { mediaType: OCI_EMPTY, body: EMPTY_CONFIG };
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: config.mediaType,
        size: config.body.length,
        digest: sha256Digest(config.body),
        ...(config.artifactType ? { artifactType: config.artifactType } : {}),
      },
      layers: input.layers.map((l) => ({
        mediaType: l.mediaType,
        size: l.body.length,
        digest: sha256Digest(l.body),
        ...(l.annotations ? { annotations: l.annotations } : {}),
      })),
      subject,
      ...(input.annotations ? { annotations: input.annotations } : {}),
      ...(input.artifactType ? { artifactType: input.artifactType } : {}),
    }),
  );
}

/** Pushes a referrer: its blobs, its manifest by digest, then (without the API) the fallback index. */
export async function pushReferrer(input: ReferrerInput): Promise<PushedReferrer> {
  const t = await target(input.registry, input.repository);
  const subject =
    typeof input.subject === 'string' ? await subjectOf(t, input.repository, input.subject) : input.subject;
  const config = input.config ?? { mediaType: OCI_EMPTY, body: EMPTY_CONFIG };
  await pushBlob(t, input.repository, config.body);
  for (const layer of input.layers) await pushBlob(t, input.repository, layer.body);
  const manifest = input.manifest ?? referrerManifest(subject, input);
  const digest = sha256Digest(manifest);
  const res = await fetch(`${t.origin}/v2/${input.repository}/manifests/${digest}`, {
    method: 'PUT',
    headers: headers(t, { 'content-type': OCI_MANIFEST }),
    body: new Uint8Array(manifest),
  });
  if (res.status !== 201) throw new Error(`referrer push answered ${res.status}: ${await res.text()}`);
  const parsed = JSON.parse(manifest.toString()) as {
    artifactType?: string;
    config?: { mediaType?: string };
    annotations?: Record<string, string>;
  };
  const descriptor: Record<string, unknown> = {
    mediaType: OCI_MANIFEST,
    digest,
    size: manifest.length,
    ...((parsed.artifactType ?? parsed.config?.mediaType)
      ? { artifactType: parsed.artifactType ?? parsed.config?.mediaType }
      : {}),
    ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
  };
  const viaApi = res.headers.get('oci-subject') !== null;
  if (viaApi || input.fallback === false) return { digest, manifest, descriptor, viaApi };
  const tag = fallbackTag(subject.digest);
  await addToFallbackIndex(t, input.repository, tag, descriptor);
  return { digest, manifest, descriptor, viaApi, fallbackTag: tag };
}

/** The fallback index under `tag`, as the registry holds it (undefined: none yet). */
export async function readFallbackIndex(
  registry: TestRegistry | PushTarget,
  repository: string,
  tag: string,
): Promise<{ manifests: Array<Record<string, unknown>> } | undefined> {
  const t = await target(registry, repository);
  const res = await fetch(`${t.origin}/v2/${repository}/manifests/${tag}`, {
    headers: headers(t, { accept: OCI_INDEX }),
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET of the fallback index ${tag} answered ${res.status}`);
  return (await res.json()) as { manifests: Array<Record<string, unknown>> };
}

/** Adds a descriptor to the fallback index under `tag` (read, appended unless there, pushed). */
async function addToFallbackIndex(
  t: PushTarget,
  repository: string,
  tag: string,
  descriptor: Record<string, unknown>,
): Promise<void> {
  const index = (await readFallbackIndex(t, repository, tag)) ?? { manifests: [] };
  if (index.manifests.some((m) => m.digest === descriptor.digest)) return;
  const next = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...index.manifests, descriptor] };
  await pushManifest(t, repository, tag, Buffer.from(JSON.stringify(next)), OCI_INDEX);
}

/** Pushes an image index of the test's own under the fallback tag (any bytes: a hostile index). */
export async function pushFallbackIndex(
  registry: TestRegistry | PushTarget,
  repository: string,
  subjectDigest: string,
  index: Buffer,
): Promise<string> {
  const t = await target(registry, repository);
  return pushManifest(t, repository, fallbackTag(subjectDigest), index, OCI_INDEX);
}

type Common = Pick<ReferrerInput, 'registry' | 'repository' | 'subject' | 'fallback'>;

/**
 * A Sigstore bundle as `cosign sign` (cosign 3, --new-bundle-format) attaches it: artifact type
 * and layer media type the bundle's, config `{}` carrying the artifact type too, and cosign's
 * manifest annotations.
 */
export function pushBundleReferrer(
  input: Common & {
    bundle: Buffer;
    mediaType?: string;
    predicateType?: string;
    content?: 'dsse-envelope' | 'message-signature';
  },
): Promise<PushedReferrer> {
  const mediaType = input.mediaType ?? SIGSTORE_BUNDLE_V03;
  return pushReferrer({
    ...input,
    artifactType: mediaType,
    config: { mediaType: OCI_EMPTY, body: EMPTY_CONFIG, artifactType: mediaType },
    layers: [{ mediaType, body: input.bundle }],
    annotations: {
      'dev.sigstore.bundle.content': input.content ?? 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': input.predicateType ?? 'https://sigstore.dev/cosign/sign/v1',
      'org.opencontainers.image.created': '2026-12-02T12:00:00Z',
    },
  });
}

/**
 * A cosign signature in OCI-1.1 mode (`--registry-referrers-mode=oci-1-1`): the `.sig` image's
 * layout with config media type (and top-level artifact type) the cosign sig artifact type.
 */
export function pushCosignReferrer(
  input: Common & { layers: readonly CosignLayerInput[]; noArtifactType?: boolean },
): Promise<PushedReferrer> {
  const config = cosignConfig(input.layers.map((l) => sha256Digest(l.payload)));
  return pushReferrer({
    ...input,
    artifactType: input.noArtifactType ? undefined : COSIGN_SIG_ARTIFACT,
    config: { mediaType: COSIGN_SIG_ARTIFACT, body: config },
    layers: input.layers.map((l) => ({
      mediaType: l.mediaType ?? SIMPLE_SIGNING,
      body: l.payload,
      annotations: { [COSIGN_SIGNATURE_ANNOTATION]: l.signature, ...l.annotations },
    })),
  });
}

/**
 * A Notation signature as `notation sign` pushes it: artifact type the Notation signature's,
 * config `{}`, one envelope layer (JWS or COSE), the chain's thumbprints in the annotations.
 * `legacy`: no artifactType, config media type the signature's (the spec's older sample).
 */
export function pushNotationSignature(
  input: Common & {
    envelope?: Buffer;
    envelopeType?: 'application/jose+json' | 'application/cose';
    thumbprints?: string[];
    legacy?: boolean;
  },
): Promise<PushedReferrer> {
  const envelope = input.envelope ?? Buffer.from('{"payload":"e30","protected":"e30","signature":"c2ln"}');
  return pushReferrer({
    ...input,
    artifactType: input.legacy ? undefined : NOTATION_ARTIFACT,
    config: { mediaType: input.legacy ? NOTATION_ARTIFACT : OCI_EMPTY, body: EMPTY_CONFIG },
    layers: [{ mediaType: input.envelopeType ?? 'application/jose+json', body: envelope }],
    annotations: {
      'io.cncf.notary.x509chain.thumbprint#S256': JSON.stringify(input.thumbprints ?? ['ab'.repeat(32)]),
      'org.opencontainers.image.created': '2026-12-02T12:00:00Z',
    },
  });
}
