/**
 * Where the protocols meet: which source serves a registry, by its URL, and which client fetches
 * the oci:// chart URLs an HTTP repository's index may list. sources/helm and sources/oci do not
 * import each other; the sync only ever holds a RegistrySource (types.ts).
 */
import type { HttpClient } from '../http/client.ts';
import { checkHelmRepository, createHelmSource } from './helm/index.ts';
import { checkOciRegistry, createOciSource, fetchOciChart } from './oci/index.ts';
import { isOciUrl } from './oci/reference.ts';
import type { ConnectionCheck, RegistrySource, SourceDefinition } from './types.ts';

export function sourceFor(definition: SourceDefinition, http: HttpClient): RegistrySource {
  if (isOciUrl(definition.url)) return createOciSource(definition, http);
  return createHelmSource(definition, http, (reference) => fetchOciChart(reference, definition, http));
}

/** Reaches a registry with its credential as a sync would, fetching as little as proves it (`validate --connect`). */
export function checkConnection(definition: SourceDefinition, http: HttpClient): Promise<ConnectionCheck> {
  return isOciUrl(definition.url)
    ? checkOciRegistry(definition, http)
    : checkHelmRepository(definition, http);
}
