import type { RegistryDefinition } from '../config/types.ts';
import type { Credential } from '../credentials/types.ts';
import type { HttpClient } from '../http/client.ts';
import { createOciSource } from '../sources/oci/index.ts';
import type { RegistrySource } from './source.ts';

/** An OCI registry as a RegistrySource. OCI has no conditional listing: the tags requests are the cheap check. */
export function ociRegistrySource(
  registry: RegistryDefinition,
  credential: Credential | undefined,
  http: HttpClient,
): RegistrySource {
  const source = createOciSource(
    {
      name: registry.name,
      url: registry.url,
      charts: registry.charts,
      insecure: registry.insecure,
      credential,
    },
    http,
  );
  return {
    async list() {
      const { versions, chartErrors } = await source.list();
      return { notModified: false, versions, problems: [], chartErrors, validators: {} };
    },
    fetchVersion: (meta) => source.fetchVersion(meta),
  };
}
