/**
 * What to do about a refused credential, said of the registry's own files: the sources say what
 * the registry refused (sources/unauthorized.ts); only the sync knows which credential file the
 * registry names and which host it must list, so the exact `credential add` to run is added here.
 */
import type { RegistryDefinition } from '../config/types.ts';
import { credentialFile, registryHost } from '../credentials/resolve.ts';

export function credentialAdvice(registry: RegistryDefinition): string {
  const host = registryHost(registry);
  if (registry.credential) {
    const name = registry.credential;
    return `check the username and password (or token) in ${credentialFile(name)}; to replace it: chartroom credential add ${name} --host ${host}`;
  }
  return `if the registry is private, give it a credential: chartroom credential add NAME --host ${host}, then credential: NAME in ${registry.file}`;
}

/** A recorded error with the advice appended when it is a refused credential. */
export function advised<T extends { code: string; message: string }>(
  registry: RegistryDefinition,
  error: T,
): T {
  return error.code === 'AuthenticationFailed'
    ? { ...error, message: `${error.message}; ${credentialAdvice(registry)}` }
    : error;
}
