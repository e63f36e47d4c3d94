/** Pushes a chart as `helm push` does: config and chart layer blobs, then an OCI manifest under the version's tag (`+` as `_`). */
import { load } from 'js-yaml';
import { readChartArchive } from '../chart/archive.ts';
import { sha256Digest } from '../chart/digest.ts';

export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
/** the layer `helm push` adds when a `.prov` sits beside the archive */
export const HELM_PROVENANCE_LAYER = 'application/vnd.cncf.helm.chart.provenance.v1.prov';

export interface PushTarget {
  origin: string;
  /** an Authorization header that may push to the repository */
  auth?: string | undefined;
}

export interface PushOptions {
  /** the manifest's layer media type (legacy pushes used application/tar+gzip) */
  layerType?: string;
  configType?: string;
  created?: string;
  /** a provenance file to push as the chart's provenance layer, after the chart layer (as `helm push` does) */
  provenance?: Buffer;
}

export async function pushBlob(target: PushTarget, repository: string, body: Buffer): Promise<string> {
  const digest = sha256Digest(body);
  const headers: Record<string, string> = target.auth ? { authorization: target.auth } : {};
  const start = await fetch(`${target.origin}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  if (start.status !== 202)
    throw new Error(`blob upload start answered ${start.status}: ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, target.origin);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}: ${await put.text()}`);
  return digest;
}

export async function pushChartArchive(
  target: PushTarget,
  repository: string,
  archive: Buffer,
  version: string,
  options: PushOptions = {},
) {
  const name = repository.split('/').pop()!;
  const { files } = await readChartArchive(archive, { name, version });
  const config = Buffer.from(JSON.stringify(load(files.get('Chart.yaml')!.toString('utf8'))));
  const configDigest = await pushBlob(target, repository, config);
  const layerDigest = await pushBlob(target, repository, archive);
  const provenance = options.provenance
    ? [
        {
          mediaType: HELM_PROVENANCE_LAYER,
          digest: await pushBlob(target, repository, options.provenance),
          size: options.provenance.length,
        },
      ]
    : [];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: options.configType ?? HELM_CONFIG, digest: configDigest, size: config.length },
      layers: [
        { mediaType: options.layerType ?? HELM_LAYER, digest: layerDigest, size: archive.length },
        ...provenance,
      ],
      annotations: {
        'org.opencontainers.image.title': name,
        'org.opencontainers.image.version': version,
        ...(options.created ? { 'org.opencontainers.image.created': options.created } : {}),
      },
    }),
  );
  await pushManifest(target, repository, version.replaceAll('+', '_'), manifest);
  return { layerDigest, manifestDigest: sha256Digest(manifest) };
}

/** PUTs manifest bytes as they are under a tag (or digest); returns their digest. */
export async function pushManifest(
  target: PushTarget,
  repository: string,
  reference: string,
  manifest: Buffer,
  mediaType = 'application/vnd.oci.image.manifest.v1+json',
): Promise<string> {
  const res = await fetch(`${target.origin}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...(target.auth ? { authorization: target.auth } : {}), 'content-type': mediaType },
    body: new Uint8Array(manifest),
  });
  if (res.status !== 201) throw new Error(`manifest push answered ${res.status}: ${await res.text()}`);
  return sha256Digest(manifest);
}
