import type { RegistryDefinition } from '../config/types.ts';
import type { Credential } from '../credentials/types.ts';
import { readChartArchive } from '../chart/archive.ts';
import { verifyDigest } from '../chart/digest.ts';
import type { HttpClient } from '../http/client.ts';
import type { HelmSource } from '../sources/helm/index.ts';
import { fetchOciChart } from '../sources/oci/index.ts';
import type { RegistrySource } from './source.ts';

/** An HTTP chart repository as a RegistrySource: download, verify the index digest, read the archive in memory. */
export function helmRegistrySource(
  source: HelmSource,
  registry: RegistryDefinition,
  credential: Credential | undefined,
  http: HttpClient,
): RegistrySource {
  const repo = {
    name: registry.name,
    url: registry.url,
    credential,
    passCredentials: registry.passCredentials,
  };
  return {
    async list(validators, hints) {
      const result = await source.fetchIndex(repo, validators, hints?.charts);
      if (result.notModified) return result;
      return { notModified: false, ...result.index, validators: result.validators };
    },
    async fetchVersion(meta) {
      // An index may list oci:// URLs (charts mirrored into a registry): those go through the OCI client.
      const oci = meta.urls.every((u) => u.startsWith('oci://'))
        ? await fetchOciChart(meta.urls[0]!, {
            http,
            registry: registry.name,
            insecure: registry.insecure,
            credential,
            ownHost: new URL(registry.url).host,
          })
        : undefined;
      const archive = oci?.archive ?? (await source.fetchArchive(repo, meta));
      const digest = verifyDigest(archive, meta.digest, `${registry.name}/${meta.chart} ${meta.version}`);
      const { files } = await readChartArchive(archive, { name: meta.chart, version: meta.version });
      return { digest, files, ...(oci ? { manifestDigest: oci.manifestDigest } : {}) };
    },
  };
}
