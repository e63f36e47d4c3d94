/**
 * The signatures of an OCI chart version, as published beside it: the provenance layer `helm push`
 * writes into the chart's own manifest, and cosign's signature image under the tag
 * `sha256-<hex>.sig` of the version's manifest digest (cosign's legacy tag scheme, its default
 * up to cosign 2). Found, bounded and digest-checked here; verified in trust/.
 *
 * Costs: the provenance layer is one blob request when the manifest names one (the manifest
 * itself is the one fetchVersion or describeVersion read); the cosign tag is looked up in the
 * tags the listing read, so an unsigned version costs no request, a signature image already
 * recorded (its manifest digest is `known`) costs its manifest, and a new one its manifest and
 * one blob per layer. OCI 1.1 referrers (Sigstore bundles, cosign's OCI-1.1 mode, Notation) are
 * found by referrers.ts; both are looked at.
 */
import { ChartroomError } from '../../errors.ts';
import type { CosignLayer, CosignSignatureEvidence, SignatureEvidence } from '../../trust/types.ts';
import type { Manifest, OciClient } from './client.ts';
import { IMAGE_MANIFEST_TYPES } from './client.ts';
import type { Descriptor } from './schema.ts';
import { MAX_PAYLOAD_BYTES } from '../../trust/cosign-key.ts';
import { MAX_PROVENANCE_BYTES } from '../../trust/helm-provenance.ts';
import { unreadable } from '../signature-evidence.ts';

/** cosign writes one layer per signature: more than this in one image is not read. */
export const MAX_SIGNATURE_LAYERS = 16;
/** a `.sig` manifest with 16 keyless layers (certificate, chain and Rekor bundle each) stays far under this */
export const MAX_SIGNATURE_MANIFEST_BYTES = 256 * 1024;

/** cosign's tag for the signatures of a manifest digest: `sha256:abc…` → `sha256-abc….sig` */
export function cosignSignatureTag(manifestDigest: string): string | undefined {
  const match = /^(sha256|sha512):([0-9a-f]{64,128})$/.exec(manifestDigest);
  return match ? `${match[1]}-${match[2]}.sig` : undefined;
}

/** The provenance layer's blob, fileName as `helm pull` writes the archive beside it. */
export async function readProvenanceLayer(
  client: OciClient,
  repo: string,
  layer: Descriptor,
  fileName: string,
): Promise<SignatureEvidence> {
  if (layer.size > MAX_PROVENANCE_BYTES) {
    return {
      kind: 'helm',
      unreadable: {
        code: 'TooLarge',
        message: `${client.origin}/${repo}: the provenance layer ${layer.digest} is ${layer.size} bytes, over the 1 MiB cap of a provenance file; not read`,
      },
    };
  }
  try {
    return {
      kind: 'helm',
      provenance: await client.blob(repo, layer.digest, MAX_PROVENANCE_BYTES),
      fileName,
    };
  } catch (error) {
    return unreadable('helm', error);
  }
}

/**
 * The cosign signature image under `tag`: its manifest (image manifests only, OCI or Docker, with
 * or without a top-level mediaType) and, unless its digest is one already recorded, each layer's
 * blob. A layer that cannot be read is unreadable evidence of its own, so a foreign layer too big
 * to read does not hide a good one beside it; a tag deleted since the listing is no signature.
 */
export async function readCosignSignature(
  client: OciClient,
  repo: string,
  tag: string,
  known: readonly string[],
): Promise<SignatureEvidence[]> {
  let manifest: Manifest;
  try {
    manifest = await client.manifest(repo, tag, {
      accept: IMAGE_MANIFEST_TYPES,
      maxBytes: MAX_SIGNATURE_MANIFEST_BYTES,
    });
  } catch (error) {
    if (error instanceof ChartroomError && error.code === 'ManifestUnknown') return [];
    return [unreadable('cosign', error)];
  }
  if (known.includes(manifest.digest)) {
    return [{ kind: 'cosign', digest: manifest.digest, unchanged: true, layers: [] }];
  }
  return readCosignLayers(client, repo, `${client.origin}/${repo}:${tag}`, manifest);
}

/**
 * The layers of a cosign signature manifest (a `.sig` image, or a cosign OCI-1.1 referrer, whose
 * layout is the same): one evidence for the manifest with each layer read, and one unreadable
 * evidence per layer that could not be.
 */
export async function readCosignLayers(
  client: OciClient,
  repo: string,
  where: string,
  manifest: Manifest,
): Promise<SignatureEvidence[]> {
  const raw = manifest.json.layers;
  if (!Array.isArray(raw)) {
    return [
      {
        kind: 'cosign',
        unreadable: { code: 'OCIInvalid', message: `${where}: the signature manifest has no layers list` },
      },
    ];
  }
  const evidence: CosignSignatureEvidence = { kind: 'cosign', digest: manifest.digest, layers: [] };
  const out: SignatureEvidence[] = [evidence];
  for (const entry of (raw as unknown[]).slice(0, MAX_SIGNATURE_LAYERS)) {
    const layer = signatureLayer(entry);
    if (typeof layer === 'string') {
      out.push({ kind: 'cosign', unreadable: { code: 'OCIInvalid', message: `${where}: ${layer}` } });
      continue;
    }
    if (layer.size > MAX_PAYLOAD_BYTES) {
      out.push({
        kind: 'cosign',
        unreadable: {
          code: 'TooLarge',
          message: `${where}: the signature layer ${layer.digest} is ${layer.size} bytes, over the 64 KiB cap of a signature payload; not read`,
        },
      });
      continue;
    }
    try {
      const payload = await client.blob(repo, layer.digest, MAX_PAYLOAD_BYTES);
      evidence.layers.push({ mediaType: layer.mediaType, payload, annotations: layer.annotations });
    } catch (error) {
      out.push(unreadable('cosign', error));
    }
  }
  if (raw.length > MAX_SIGNATURE_LAYERS) {
    out.push({
      kind: 'cosign',
      unreadable: {
        code: 'TooLarge',
        message: `${where}: the signature image has ${raw.length} layers; only the first ${MAX_SIGNATURE_LAYERS} were read`,
      },
    });
  }
  return out;
}

/** A layer descriptor of a signature image, or what is wrong with it. */
function signatureLayer(value: unknown): (Descriptor & { annotations: CosignLayer['annotations'] }) | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a layer is not an object';
  const d = value as Record<string, unknown>;
  if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest))
    return 'a layer has no sha256 digest';
  const annotations: Record<string, string> = {};
  if (d.annotations !== null && typeof d.annotations === 'object' && !Array.isArray(d.annotations)) {
    for (const [key, v] of Object.entries(d.annotations as Record<string, unknown>))
      if (typeof v === 'string' && key !== '__proto__') annotations[key] = v;
  }
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: typeof d.size === 'number' ? d.size : 0,
    annotations,
  };
}
