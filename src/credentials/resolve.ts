/**
 * Resolves the credential a registry names. This version reads plain credential files whose
 * values are environment references (`password: {env: ECR_TOKEN}`); SOPS-encrypted files are
 * refused with a clear error until SOPS support lands (issue: credentials). In both cases the
 * credential's `hosts` must list the registry's host, so a pull request cannot point a new
 * registry at its own server and reuse a credential.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ChartroomError } from '../errors.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { Credential } from './types.ts';

export const CREDENTIALS_DIR = path.join('registries', 'credentials');

export type Env = Record<string, string | undefined>;

export async function resolveCredential(
  root: string,
  registry: RegistryDefinition,
  env: Env = process.env,
): Promise<Credential> {
  const name = registry.credential!;
  const file = path.posix.join('registries', 'credentials', `${name}.yaml`);
  let data: unknown;
  try {
    data = parse(await readFile(path.join(root, file), 'utf8'), { maxAliasCount: 0 });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'does not parse';
    throw new ChartroomError(
      'CredentialUnavailable',
      `registry ${registry.name}: credential file ${file} ${reason}`,
      {
        hint: `create it with: chartroom credential add ${name} --host HOST`,
      },
    );
  }
  if (data === null || typeof data !== 'object') {
    throw new ChartroomError('CredentialUnavailable', `registry ${registry.name}: ${file} is not a mapping`);
  }
  const doc = data as Record<string, unknown>;
  if ('sops' in doc) {
    throw new ChartroomError(
      'CredentialUnsupported',
      `registry ${registry.name}: ${file} is SOPS-encrypted, which this chartroom version cannot decrypt yet`,
      { hint: 'use environment references (password: {env: NAME}) until SOPS support lands' },
    );
  }
  checkHosts(registry, file, doc.hosts);
  return {
    username: resolveValue(doc.username, 'username', registry, file, env),
    password: resolveValue(doc.password, 'password', registry, file, env),
  };
}

function resolveValue(
  value: unknown,
  field: string,
  registry: RegistryDefinition,
  file: string,
  env: Env,
): string {
  if (value !== null && typeof value === 'object' && typeof (value as { env?: unknown }).env === 'string') {
    const variable = (value as { env: string }).env;
    const resolved = env[variable];
    if (resolved === undefined || resolved === '') {
      throw new ChartroomError(
        'CredentialUnavailable',
        `registry ${registry.name}: ${file} ${field} refers to $${variable}, which is not set`,
        {
          hint: `set ${variable} in the environment of the sync (a CI secret or an OIDC step)`,
        },
      );
    }
    return resolved;
  }
  throw new ChartroomError(
    'CredentialPlaintext',
    `registry ${registry.name}: ${file} ${field} is not an environment reference; plaintext secrets are refused`,
    { hint: `write ${field}: {env: VARIABLE}` },
  );
}

/** `hosts` entries: a hostname matches any port; host:port matches that port only. */
export function hostAllowed(hosts: readonly string[], host: string): boolean {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  return hosts.some((entry) => {
    const e = entry.toLowerCase();
    return /:\d+$/.test(e) ? e === host.toLowerCase() : e === hostname;
  });
}

export function registryHost(registry: RegistryDefinition): string {
  if (registry.kind === 'oci') return registry.url.slice('oci://'.length).split('/')[0]!;
  return new URL(registry.url).host;
}

function checkHosts(registry: RegistryDefinition, file: string, hosts: unknown): void {
  const list = Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
  const host = registryHost(registry);
  if (!hostAllowed(list, host)) {
    throw new ChartroomError(
      'CredentialHostMismatch',
      `registry ${registry.name}: credential ${file} may not be used for host ${host} (its hosts: ${list.join(', ') || 'none'})`,
      { hint: "add the host to the credential's hosts (a reviewed change), or use another credential" },
    );
  }
}
