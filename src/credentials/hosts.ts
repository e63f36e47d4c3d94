/** The host a registry's credential is sent to, and whether a `hosts` list allows it. */
import type { RegistryDefinition } from '../config/types.ts';
import { isOciUrl, parseOciReference } from '../sources/oci/reference.ts';

/** `hosts` entries: a hostname matches any port; host:port matches that port only. */
export function hostAllowed(hosts: readonly string[], host: string): boolean {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  return hosts.some((entry) => {
    const e = entry.toLowerCase();
    return /:\d+$/.test(e) ? e === host.toLowerCase() : e === hostname;
  });
}

export function registryHost(registry: Pick<RegistryDefinition, 'kind' | 'url'>): string {
  if (registry.kind === 'oci') return parseOciReference(registry.url).host;
  return new URL(registry.url).host;
}

/** The host of a registry URL as a file wrote it, or undefined when it does not parse. */
export function hostOfUrl(url: string): string | undefined {
  try {
    return registryHost({ kind: isOciUrl(url) ? 'oci' : 'http', url });
  } catch {
    return undefined;
  }
}
