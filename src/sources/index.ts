/**
 * Where the protocols meet: which source serves a registry, by its URL, and which client fetches
 * the oci:// chart URLs an HTTP repository's index may list. sources/helm and sources/oci do not
 * import each other; the sync only ever holds a RegistrySource (types.ts).
 */
import type { HttpClient } from '../http/client.ts';
import { createHelmSource } from './helm/index.ts';
import { createOciSource, fetchOciChart } from './oci/index.ts';
import { isOciUrl } from './oci/reference.ts';
import type { RegistrySource, SourceDefinition } from './types.ts';

export function sourceFor(definition: SourceDefinition, http: HttpClient): RegistrySource {
  if (isOciUrl(definition.url)) return createOciSource(definition, http);
  return createHelmSource(definition, http, (reference) => fetchOciChart(reference, definition, http));
}
