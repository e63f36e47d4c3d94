/** Pushes a chart as `helm push` does: config and chart layer blobs, then an OCI manifest under the version's tag (`+` as `_`). */
import { load } from 'js-yaml';
import { readChartArchive } from '../../src/chart/archive.ts';
import { sha256Digest } from '../../src/chart/digest.ts';
import type { TestRegistry } from './oci-registry.ts';

export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

async function pushBlob(
  registry: TestRegistry,
  repository: string,
  body: Buffer,
  auth: string | undefined,
): Promise<string> {
  const digest = sha256Digest(body);
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  const start = await fetch(`${registry.origin}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers,
  });
  if (start.status !== 202)
    throw new Error(`blob upload start answered ${start.status}: ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, registry.origin);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}: ${await put.text()}`);
  return digest;
}

export interface PushOptions {
  /** the tag's manifest layer media type (legacy pushes used application/tar+gzip) */
  layerType?: string;
  configType?: string;
  created?: string;
}

export async function pushChart(
  registry: TestRegistry,
  repository: string,
  archive: Buffer,
  version: string,
  options: PushOptions = {},
) {
  const name = repository.split('/').pop()!;
  const { files } = await readChartArchive(archive, { name, version });
  const config = Buffer.from(JSON.stringify(load(files.get('Chart.yaml')!.toString('utf8'))));
  const auth = await registry.pushAuth(repository);
  const configDigest = await pushBlob(registry, repository, config, auth);
  const layerDigest = await pushBlob(registry, repository, archive, auth);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: options.configType ?? HELM_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: options.layerType ?? HELM_LAYER, digest: layerDigest, size: archive.length }],
      annotations: {
        'org.opencontainers.image.title': name,
        'org.opencontainers.image.version': version,
        ...(options.created ? { 'org.opencontainers.image.created': options.created } : {}),
      },
    }),
  );
  const tag = version.replaceAll('+', '_');
  const res = await fetch(`${registry.origin}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: {
      ...(auth ? { authorization: auth } : {}),
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
    },
    body: new Uint8Array(manifest),
  });
  if (res.status !== 201) throw new Error(`manifest push answered ${res.status}: ${await res.text()}`);
  return { layerDigest, manifestDigest: sha256Digest(manifest) };
}
