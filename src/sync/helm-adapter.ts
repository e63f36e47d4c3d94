import type { RegistryDefinition } from '../config/types.ts';
import type { Credential } from '../credentials/types.ts';
import { readChartArchive } from '../chart/archive.ts';
import { verifyDigest } from '../chart/digest.ts';
import type { HelmSource } from '../sources/helm/index.ts';
import type { RegistrySource } from './source.ts';

/** An HTTP chart repository as a RegistrySource: download, verify the index digest, read the archive in memory. */
export function helmRegistrySource(
  source: HelmSource,
  registry: RegistryDefinition,
  credential?: Credential,
): RegistrySource {
  const repo = {
    name: registry.name,
    url: registry.url,
    credential,
    passCredentials: registry.passCredentials,
  };
  return {
    async list(validators) {
      const result = await source.fetchIndex(repo, validators);
      if (result.notModified) return result;
      return { notModified: false, ...result.index, validators: result.validators };
    },
    async fetchVersion(meta) {
      const archive = await source.fetchArchive(repo, meta);
      const digest = verifyDigest(archive, meta.digest, `${registry.name}/${meta.chart} ${meta.version}`);
      const { files } = await readChartArchive(archive, { name: meta.chart, version: meta.version });
      return { digest, files };
    },
  };
}
