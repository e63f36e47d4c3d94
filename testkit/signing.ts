/**
 * Signatures as the signing tools publish them, made in the test with keys made in the test:
 * - cosign: the `.sig` image `cosign sign --key` pushes (legacy tag scheme; see
 *   ../shared/fixtures/signing/cosign-layout.md §2): tag `sha256-<hex>.sig`, an OCI image manifest,
 *   the config go-containerregistry's empty image becomes with one diff_id and one empty history
 *   entry per layer, and one simple-signing layer per signature with its signature annotation;
 *   the payload bytes exactly as cosign marshals them (§2.4), signed with a node:crypto key.
 * - Helm: a provenance file as `helm package --sign` writes it (Chart.yaml metadata, `...`, the
 *   archive's sha256 under `files:`), clearsigned with an OpenPGP key made by openpgp.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { dump } from 'js-yaml';
import * as openpgp from 'openpgp';
import { readChartArchive } from '../src/chart/archive.ts';
import { sha256Digest } from '../src/chart/digest.ts';
import { pushBlob, pushManifest, type PushTarget } from '../src/demo/oci-push.ts';
import type { TestRegistry } from './oci-registry.ts';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The config blob of a cosign signature image with these layers' diff_ids (each the sha256 of its
 * payload): go-containerregistry's `empty.Image` after one `mutate.Append` per layer. For one
 * layer it is the 233-byte blob of cosign-layout.md §2.2.
 */
export function cosignConfig(diffIds: readonly string[]): Buffer {
  const history = diffIds.map(() => `{"created":"${ZERO_TIME}"}`).join(',');
  const ids = diffIds.map((d) => JSON.stringify(d)).join(',');
  return Buffer.from(
    `{"architecture":"","created":"${ZERO_TIME}","history":[${history}],"os":"","rootfs":{"type":"layers","diff_ids":[${ids}]},"config":{}}`,
  );
}

/**
 * cosign's simple-signing payload for a manifest digest, byte for byte as `cosign sign` writes it
 * (`payload.Cosign.MarshalJSON`): `optional` is null without annotations.
 */
export function cosignPayload(options: {
  /** the repository the image is in, e.g. `127.0.0.1:5000/charts/alpha` (cosign ignores it) */
  dockerReference: string;
  manifestDigest: string;
  optional?: Record<string, unknown> | undefined;
}): Buffer {
  const critical = {
    identity: { 'docker-reference': options.dockerReference },
    image: { 'docker-manifest-digest': options.manifestDigest },
    type: 'cosign container image signature',
  };
  return Buffer.from(JSON.stringify({ critical, optional: options.optional ?? null }));
}

/** A cosign key pair as `cosign generate-key-pair` makes (ECDSA P-256); the public key as PEM. */
export function cosignKeyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The signature annotation's value: base64 of the ASN.1 DER ECDSA (or RSA, Ed25519) signature over the payload. */
export function signCosignPayload(payload: Buffer, privateKey: KeyObject): string {
  const algorithm = privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return sign(algorithm, payload, privateKey).toString('base64');
}

export interface CosignLayerInput {
  payload: Buffer;
  /** the `dev.cosignproject.cosign/signature` annotation */
  signature: string;
  /** more annotations (keyless: certificate, chain, bundle) */
  annotations?: Record<string, string>;
  /** another layer media type (a foreign or broken layer) */
  mediaType?: string;
}

export interface CosignSignatureImage {
  tag: string;
  manifest: Buffer;
  config: Buffer;
}

/**
 * The manifest and config of a `.sig` image over these layers, as go-containerregistry marshals
 * them (fields in Go struct order). `docker`: COSIGN_DOCKER_MEDIA_TYPES=true; `noMediaType`: no
 * top-level mediaType (Harbor's first sample).
 */
export function cosignSignatureImage(
  subjectDigest: string,
  layers: readonly CosignLayerInput[],
  options: { docker?: boolean; noMediaType?: boolean } = {},
): CosignSignatureImage {
  const config = cosignConfig(layers.map((l) => sha256Digest(l.payload)));
  const manifest = {
    schemaVersion: 2,
    ...(options.noMediaType ? {} : { mediaType: options.docker ? DOCKER_MANIFEST : OCI_MANIFEST }),
    config: {
      mediaType: options.docker ? DOCKER_CONFIG : OCI_CONFIG,
      size: config.length,
      digest: sha256Digest(config),
    },
    layers: layers.map((l) => ({
      mediaType: l.mediaType ?? SIMPLE_SIGNING,
      size: l.payload.length,
      digest: sha256Digest(l.payload),
      annotations: { [COSIGN_SIGNATURE_ANNOTATION]: l.signature, ...l.annotations },
    })),
  };
  return {
    tag: `${subjectDigest.replace(':', '-')}.sig`,
    manifest: Buffer.from(JSON.stringify(manifest)),
    config,
  };
}

/**
 * Pushes a cosign signature image for `subjectDigest` (a manifest digest in `repository`) as
 * `cosign sign --key` does: config and payload blobs, then the manifest under `sha256-<hex>.sig`.
 * Signing again with more layers replaces the image, as cosign appends to it.
 */
export async function pushCosignSignature(options: {
  registry: TestRegistry | PushTarget;
  repository: string;
  subjectDigest: string;
  layers: readonly CosignLayerInput[];
  docker?: boolean;
  noMediaType?: boolean;
}): Promise<{ tag: string; digest: string; manifest: Buffer }> {
  const target = await pushTarget(options.registry, options.repository);
  const image = cosignSignatureImage(options.subjectDigest, options.layers, options);
  await pushBlob(target, options.repository, image.config);
  for (const layer of options.layers) await pushBlob(target, options.repository, layer.payload);
  const mediaType = options.docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const digest = await pushManifest(target, options.repository, image.tag, image.manifest, mediaType);
  return { tag: image.tag, digest, manifest: image.manifest };
}

/** A signed payload layer for a digest, in one call. */
export function cosignLayer(
  privateKey: KeyObject,
  dockerReference: string,
  manifestDigest: string,
): CosignLayerInput {
  const payload = cosignPayload({ dockerReference, manifestDigest });
  return { payload, signature: signCosignPayload(payload, privateKey) };
}

async function pushTarget(registry: TestRegistry | PushTarget, repository: string): Promise<PushTarget> {
  if ('pushAuth' in registry) return { origin: registry.origin, auth: await registry.pushAuth(repository) };
  return registry;
}

/** An OpenPGP key pair for signing provenance files (Ed25519, no passphrase). */
export async function openpgpKeyPair(
  name = 'Chartroom Test Signer',
  email = 'signer@example.invalid',
): Promise<{ privateKey: openpgp.PrivateKey; publicKeyArmored: string; fingerprint: string }> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ name, email }],
    format: 'object',
  });
  return {
    privateKey,
    publicKeyArmored: publicKey.armor(),
    fingerprint: publicKey.getFingerprint().toUpperCase(),
  };
}

/**
 * Helm's message block for an archive (pkg/provenance `messageBlock`): the chart's metadata as
 * YAML, the YAML document end `...`, and `files:` with the archive's sha256 under its base name
 * (`<chart>-<version>.tgz` unless `fileName` says otherwise).
 */
export async function provenanceMessage(chart: ProvenanceChart): Promise<string> {
  const { files } = await readChartArchive(chart.archive, { name: chart.name, version: chart.version });
  const metadata = files.get('Chart.yaml')?.toString('utf8') ?? '';
  const fileName = chart.fileName ?? `${chart.name}-${chart.version}.tgz`;
  return `${metadata.trimEnd()}\n\n...\n${dump({ files: { [fileName]: sha256Digest(chart.archive) } })}`;
}

export interface ProvenanceChart {
  archive: Buffer;
  name: string;
  version: string;
  fileName?: string;
}

/** A `.prov` as `helm package --sign` writes it: the message block (or `text`), clearsigned. */
export async function signProvenance(
  chart: ProvenanceChart,
  privateKey: openpgp.PrivateKey,
  text?: string,
): Promise<Buffer> {
  const message = await openpgp.createCleartextMessage({ text: text ?? (await provenanceMessage(chart)) });
  return Buffer.from(await openpgp.sign({ message, signingKeys: privateKey }));
}
