/**
 * Resolves the credential a registry names: `registries/credentials/<name>.yaml`, either a SOPS
 * file (age) decrypted in memory with its MAC verified, or a plain file whose values are
 * environment references (`password: {env: ECR_TOKEN}`) for tokens CI mints. Either way the
 * credential's `hosts` must list the registry's host, so a pull request cannot point a new
 * registry at its own server and reuse a credential. An environment reference reads only a
 * variable the sync's own environment binds to the registry's host (`CHARTROOM_ENV_HOSTS`, see
 * env-hosts.ts), since the same pull request writes the registry and the credential file. Every
 * secret resolved is registered with the redactor before it is used.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { leadsOutside } from '../inside-repository.ts';
import { parseLocated } from '../config/yaml-errors.ts';
import { ChartroomError, hintOf, isChartroomError } from '../errors.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { basicAuthHeader, type Credential } from '../http/basic-auth.ts';
import { ENV_HOSTS, parseEnvHosts, refusal } from './env-hosts.ts';
import { hostAllowed, registryHost } from './hosts.ts';
import type { Redactor } from './redact.ts';
import { loadIdentities, type Env, type Identities } from './sops/age-identities.ts';
import { decryptSops } from './sops/decrypt.ts';

export type { Env };
export { hostAllowed, registryHost };

export const CREDENTIALS_DIR = path.posix.join('registries', 'credentials');
export const credentialFile = (name: string) => path.posix.join(CREDENTIALS_DIR, `${name}.yaml`);

export interface CredentialResolver {
  resolve(registry: RegistryDefinition): Promise<Credential>;
}

/** The credential file's text, read only from inside the repository (see inside-repository.ts). */
async function readCredentialFile(root: string, registry: RegistryDefinition, file: string): Promise<string> {
  const add = `chartroom credential add ${registry.credential!} --host ${registryHost(registry)}`;
  if (await leadsOutside(root, file))
    throw new ChartroomError(
      'CredentialUnavailable',
      `credential file ${file} is a symbolic link that leads outside the repository, so it is not read`,
      { hint: `make it a file of its own: ${add}` },
    );
  try {
    return await readFile(path.join(root, file), 'utf8');
  } catch {
    throw new ChartroomError('CredentialUnavailable', `credential file ${file} does not exist`, {
      hint: `create it with: ${add}`,
    });
  }
}

export function createCredentialResolver(options: {
  root: string;
  env: Env;
  redactor: Redactor;
}): CredentialResolver {
  let identities: Promise<Identities> | undefined;
  return {
    async resolve(registry) {
      const name = registry.credential!;
      const file = credentialFile(name);
      const text = await readCredentialFile(options.root, registry, file);
      let doc: Record<string, unknown>;
      if (/^sops:/m.test(text) || /"sops"\s*:/.test(text)) {
        identities ??= loadIdentities(options.env);
        try {
          doc = await decryptSops(text, file, await identities);
        } catch (error) {
          // the same error (the sync shows it beside the registry's name), coded even when it is not ours
          throw new ChartroomError(
            isChartroomError(error) ? error.code : 'CredentialUnavailable',
            (error as Error).message,
            { hint: hintOf(error), cause: error },
          );
        }
      } else {
        const { doc: parsed, syntax } = parseLocated(text);
        if (syntax) {
          throw new ChartroomError(
            'CredentialUnavailable',
            `${file}:${syntax.at.line}:${syntax.at.column} does not parse: ${syntax.message}`,
            { hint: syntax.hint },
          );
        }
        try {
          doc = (parsed.toJS({ maxAliasCount: 0 }) ?? {}) as Record<string, unknown>;
        } catch {
          throw new ChartroomError(
            'CredentialUnavailable',
            `${file} does not parse: YAML aliases are not allowed in a credential file`,
          );
        }
        for (const field of ['username', 'password']) {
          if (isPlainValue(doc[field])) {
            throw new ChartroomError(
              'CredentialPlaintext',
              `${file} holds a plaintext ${field}; refusing it`,
              {
                hint: `encrypt it (chartroom credential add ${name} --host …) or write ${field}: {env: VARIABLE}`,
              },
            );
          }
        }
      }
      checkHosts(registry, file, doc.hosts);
      const username = resolveValue(doc.username, 'username', registry, file, options.env) ?? '';
      const password = resolveValue(doc.password, 'password', registry, file, options.env);
      if (password === undefined) {
        throw new ChartroomError('CredentialUnavailable', `${file} has no password`);
      }
      return registered({ username, password }, options.redactor);
    },
  };
}

/** Every form the credential is sent in: the password, user:password, the Basic header made of them. */
function registered(credential: Credential, redactor: Redactor): Credential {
  redactor.add(credential.password);
  redactor.add(`${credential.username}:${credential.password}`);
  redactor.add(basicAuthHeader(credential));
  return credential;
}

function resolveValue(
  value: unknown,
  field: string,
  registry: RegistryDefinition,
  file: string,
  env: Env,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && typeof (value as { env?: unknown }).env === 'string') {
    const variable = (value as { env: string }).env;
    const refused = refusal(variable, registryHost(registry), parseEnvHosts(env[ENV_HOSTS]));
    if (refused) {
      throw new ChartroomError('CredentialEnvUnbound', `${file} ${field} refers to $${variable}, ${refused}`);
    }
    const resolved = env[variable];
    if (resolved === undefined || resolved === '') {
      throw new ChartroomError(
        'CredentialUnavailable',
        `${file} ${field} refers to $${variable}, which is not set`,
        {
          hint: `set ${variable} in the environment of the sync (a CI secret or an OIDC step)`,
        },
      );
    }
    return resolved;
  }
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new ChartroomError('CredentialUnavailable', `${file} ${field} is neither a value nor {env: NAME}`);
}

function checkHosts(registry: RegistryDefinition, file: string, hosts: unknown): void {
  const list = Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
  const host = registryHost(registry);
  if (!hostAllowed(list, host)) {
    throw new ChartroomError(
      'CredentialHostMismatch',
      `credential ${file} may not be used for host ${host} (its hosts: ${list.join(', ') || 'none'})`,
      { hint: "add the host to the credential's hosts (a reviewed change), or use another credential" },
    );
  }
}

/** A value written in the file itself (a number is as much a secret as a string), not a reference. */
export const isPlainValue = (value: unknown): boolean =>
  (typeof value === 'string' && value !== '') || typeof value === 'number' || typeof value === 'bigint';
