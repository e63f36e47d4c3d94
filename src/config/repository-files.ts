/**
 * The files a registry file names (`caFile`, `verify.key`): part of the configuration, so a sync
 * must not start without them. Each is checked once the registry files are read, and a problem
 * is placed at the field's value.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { leadsOutside } from '../inside-repository.ts';
import { MAX_KEY_FILE_BYTES } from '../trust/keys.ts';
import { fieldPosition } from './field-positions.ts';
import type { RegistryDefinition } from './types.ts';

const MAX_CA_BYTES = 10 * 1024 * 1024;

interface RepositoryFileCheck {
  /** the field as the file names it: `caFile`, `verify.key` */
  field: string;
  value: string;
  /** what the file must be, for the hints: "a PEM file with the CA certificates" */
  what: string;
  maxBytes: number;
  /** what to commit, for the hint of a missing file: "the PEM file" */
  commit: string;
  /** how to remove the field, for the hint of a missing file */
  remove: string;
  /** the file must be inside the repository, after every symbolic link */
  inside: boolean;
}

/**
 * A file a registry file names (caFile, verify.key) is part of the configuration: a sync must
 * not start without it. Returns its bytes, or the error placed at the field's value.
 */
async function readRepositoryFile(
  root: string,
  registry: RegistryDefinition,
  check: RepositoryFileCheck,
): Promise<Buffer | ConfigError> {
  const where = fieldPosition(registry, check.field);
  const fail = (why: string, hint: string) =>
    new ConfigError(registry.file, where, `${check.field} "${check.value}" ${why}`, hint);
  const full = path.resolve(root, check.value);
  let info;
  try {
    info = await stat(full);
  } catch {
    return fail(
      'does not exist',
      `commit ${check.commit} and give its path relative to the repository root, or remove ${check.remove}`,
    );
  }
  if (check.inside && (await leadsOutside(root, check.value)))
    return fail('leads outside the repository (a symbolic link)', `commit ${check.what} itself, not a link`);
  if (!info.isFile()) return fail('is not a file', `give the path of ${check.what}`);
  if (info.size > check.maxBytes)
    return fail(`is over ${check.maxBytes / 1024 / 1024} MiB`, `give the path of ${check.what}`);
  return readFile(full);
}

export async function checkCaFile(root: string, registry: RegistryDefinition): Promise<ConfigError[]> {
  const what = 'a PEM file with the CA certificates';
  const read = await readRepositoryFile(root, registry, {
    field: 'caFile',
    value: registry.caFile!,
    what,
    maxBytes: MAX_CA_BYTES,
    commit: 'the PEM file',
    remove: 'caFile',
    inside: false,
  });
  if (read instanceof ConfigError) return [read];
  if (!read.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) {
    return [
      new ConfigError(
        registry.file,
        fieldPosition(registry, 'caFile'),
        `caFile "${registry.caFile}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
        `give the path of ${what}`,
      ),
    ];
  }
  return [];
}

/**
 * verify.key exists in the repository and is a file of a key's size; whether it parses as a
 * key is loadPolicyKey's (trust/keys.ts), which `validate` and the sync call.
 */
export async function checkVerifyKey(root: string, registry: RegistryDefinition): Promise<ConfigError[]> {
  const { provider, key = '' } = registry.verify!;
  const read = await readRepositoryFile(root, registry, {
    field: 'verify.key',
    value: key,
    what:
      provider === 'helm'
        ? 'the OpenPGP public keyring (gpg --export, armored or binary)'
        : 'the cosign public key (cosign.pub, PEM)',
    maxBytes: MAX_KEY_FILE_BYTES,
    commit: provider === 'helm' ? 'the keyring' : 'the public key',
    remove: 'verify:',
    inside: true,
  });
  return read instanceof ConfigError ? [read] : [];
}
