/**
 * What `chartroom validate` checks of credentials, without needing the age key (pull requests
 * run without secrets): each file a registry names exists; no file holds a plaintext secret; SOPS
 * files are encrypted to the recipients `.sops.yaml` names; the credential's `hosts` list the
 * registry's host; a plain file's `{env: NAME}` never names `SOPS_AGE_KEY*`, and, when
 * `CHARTROOM_ENV_HOSTS` is set here (the sync's bindings, which are not secret), each reference is
 * bound to its registry's host. With an age key in the environment it also decrypts each file and
 * verifies its MAC.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar } from 'yaml';
import { ConfigError, hintOf, isChartroomError } from '../errors.ts';
import { leadsOutside } from '../inside-repository.ts';
import { fieldPosition } from '../config/field-positions.ts';
import { unknownFieldOf } from '../config/schema-errors.ts';
import { parseLocated, type LocatedYaml } from '../config/yaml-errors.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { ENV_HOSTS, neverBound, parseEnvHosts, refusal, type EnvBindings } from './env-hosts.ts';
import { hostAllowed, registryHost } from './hosts.ts';
import { credentialFile, CREDENTIALS_DIR, isPlainValue } from './resolve.ts';
import { loadIdentities, type Env, type Identities } from './sops/age-identities.ts';
import { creationRuleFor } from './sops/config.ts';
import { decryptSops, parseSopsDocument } from './sops/decrypt.ts';
import { leaves } from './sops/tree.ts';
import { isEncrypted } from './sops/value.ts';

export interface CredentialCheck {
  errors: ConfigError[];
  notes: string[];
}

/** A plain file's `{env: NAME}`: which field, which variable, where. */
interface EnvReference {
  field: string;
  variable: string;
  at: { line: number; column: number } | undefined;
}

/** What a credential file says that its registries are checked against. */
interface FileFacts {
  hosts?: string[];
  references: EnvReference[];
}

/** One credential file's text, where it is, and where its problems are collected. */
interface CheckedFile extends LocatedYaml {
  file: string;
  text: string;
  errors: ConfigError[];
}

export async function checkCredentials(
  root: string,
  registries: RegistryDefinition[],
  env: Env,
): Promise<CredentialCheck> {
  const errors: ConfigError[] = [];
  const notes: string[] = [];
  const facts = new Map<string, FileFacts>();
  let names: string[] = [];
  try {
    names = (await readdir(path.join(root, CREDENTIALS_DIR))).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    // no credentials folder: fine when no registry names one
  }
  let unreadableKey: string | undefined;
  const identities =
    env.SOPS_AGE_KEY || env.SOPS_AGE_KEY_FILE
      ? await loadIdentities(env).catch((error: Error) => void (unreadableKey = error.message))
      : undefined;
  let decrypted = 0;

  for (const name of names) {
    const file = path.posix.join(CREDENTIALS_DIR, name);
    if (await leadsOutside(root, file)) {
      errors.push(
        new ConfigError(
          file,
          undefined,
          'is a symbolic link that leads outside the repository, so it is not read',
          'make it a file of its own (chartroom credential add NAME --host H)',
        ),
      );
      continue;
    }
    const text = await readFile(path.join(root, file), 'utf8');
    const checked = await checkFile(root, { file, text, errors, ...parseLocated(text) }, identities);
    facts.set(file, {
      references: checked.references ?? [],
      ...(checked.hosts ? { hosts: checked.hosts } : {}),
    });
    if (checked.decrypted) decrypted++;
  }
  if (names.length > 0) {
    notes.push(
      identities
        ? `${decrypted} SOPS credential file(s) decrypted, MAC verified`
        : `${unreadableKey ?? 'no age key in the environment'}: SOPS files checked for structure and recipients, not decrypted`,
    );
  }
  const bindings = envBindingsHere(env, facts, errors, notes);
  for (const registry of registries) checkBinding(registry, names, facts, errors, bindings);
  return { errors, notes };
}

/** A credential file on its own: YAML, hosts, and then as a SOPS file or as a plain one. */
async function checkFile(
  root: string,
  checked: CheckedFile,
  identities: Identities | undefined,
): Promise<{ hosts?: string[]; decrypted?: boolean; references?: EnvReference[] }> {
  const { file, doc, at, syntax, errors } = checked;
  if (syntax) {
    errors.push(new ConfigError(file, syntax.at, `YAML syntax: ${syntax.message}`, syntax.hint));
    return {};
  }
  if (!isMap(doc.contents)) {
    errors.push(
      new ConfigError(
        file,
        at(doc.contents?.range?.[0]) ?? { line: 1, column: 1 },
        'not a YAML mapping with hosts, username and password',
      ),
    );
    return {};
  }
  unknownFields(checked);
  const hosts = doc.get('hosts', true);
  const hostList = (hosts as { toJSON?: () => unknown } | undefined)?.toJSON?.();
  const valid = Array.isArray(hostList) && !hostList.some((h) => typeof h !== 'string' || isEncrypted(h));
  if (!valid) {
    errors.push(
      new ConfigError(
        file,
        undefined,
        'hosts must be an unencrypted list of the registry hosts this credential may be sent to',
      ),
    );
  }
  const result = valid ? { hosts: hostList as string[] } : {};
  if (!doc.has('sops')) return { ...result, references: checkPlainFile(checked) };
  return { ...result, decrypted: await checkSopsFile(root, checked, identities) };
}

const CREDENTIAL_FIELDS = ['hosts', 'username', 'password'];

/** Every field a credential file does not have, each at its key with a did-you-mean (a typo'd `passwrod:`). */
function unknownFields({ file, doc, at, errors }: CheckedFile): void {
  if (!isMap(doc.contents)) return;
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key : undefined;
    if (!key || typeof key.value !== 'string') continue;
    if (key.value === 'sops' || CREDENTIAL_FIELDS.includes(key.value)) continue;
    const { message, hint } = unknownFieldOf(key.value, CREDENTIAL_FIELDS, {}, 'the fields are');
    errors.push(new ConfigError(file, at(key.range?.[0]), message, hint));
  }
}

/**
 * A SOPS file: no plaintext where sops encrypts, the recipients .sops.yaml names, and with a key, its
 * MAC.
 */
async function checkSopsFile(
  root: string,
  { file, text, doc, at, errors }: CheckedFile,
  identities: Identities | undefined,
): Promise<boolean> {
  let meta;
  try {
    meta = parseSopsDocument(text, file).meta;
  } catch (error) {
    errors.push(new ConfigError(file, undefined, (error as Error).message, hintOf(error), error));
    return false;
  }
  for (const leaf of leaves(doc.contents, meta)) {
    if (leaf.encrypted && leaf.node.value !== '' && !isEncrypted(leaf.node.value)) {
      errors.push(
        new ConfigError(
          file,
          at(leaf.node.range?.[0]),
          `${leaf.path.join('.')} is a plaintext value in a SOPS file`,
          'encrypt the file again with sops or chartroom credential add',
        ),
      );
    }
  }
  try {
    const rule = await creationRuleFor(root, file);
    const want = [...rule.recipients].sort().join(', ');
    const have = [...meta.recipients].sort().join(', ');
    if (want !== have) {
      errors.push(
        new ConfigError(
          file,
          undefined,
          `encrypted to ${have || 'no age recipients'}, but .sops.yaml names ${want}`,
          'run chartroom credential rotate (with a key that can decrypt it)',
        ),
      );
    }
  } catch (error) {
    errors.push(new ConfigError(file, undefined, (error as Error).message, hintOf(error), error));
  }
  if (!identities) return false;
  try {
    await decryptSops(text, file, identities);
    return true;
  } catch (error) {
    errors.push(new ConfigError(file, undefined, withoutFileName(error, file), hintOf(error), error));
    return false;
  }
}

/** A decryption error's message without the file name, which the ConfigError puts first. */
function withoutFileName(error: unknown, file: string): string {
  return isChartroomError(error)
    ? error.message
        .replace(`cannot decrypt ${file}: `, 'cannot decrypt: ')
        .replace(`${file} is refused: `, 'refused: ')
        .replace(`${file}: `, '')
        .replace(`${file} `, '')
    : String(error);
}

/**
 * A plain credential file: username and password must be environment references, not values,
 * and never to `SOPS_AGE_KEY*`. Returns its references.
 */
function checkPlainFile({ file, doc, at, errors }: CheckedFile): EnvReference[] {
  const references: EnvReference[] = [];
  for (const field of ['username', 'password']) {
    const node = doc.get(field, true);
    const variable = isMap(node) ? node.get('env', true) : undefined;
    if (isScalar(variable) && typeof variable.value === 'string') {
      const reference = { field, variable: variable.value, at: at(variable.range?.[0]) };
      references.push(reference);
      if (neverBound(reference.variable)) {
        errors.push(
          new ConfigError(
            file,
            reference.at,
            `${field} refers to $${reference.variable}, ${refusal(reference.variable, '', { hosts: new Map(), problems: [] })}`,
          ),
        );
      }
    }
    if (isScalar(node) && isPlainValue(node.value)) {
      errors.push(
        new ConfigError(
          file,
          at(node.range?.[0]),
          `${field} is a plaintext secret`,
          `encrypt it (chartroom credential add) or write ${field}: {env: VARIABLE}`,
        ),
      );
    }
  }
  return references;
}

/**
 * The sync's bindings when this environment has them (`CHARTROOM_ENV_HOSTS` set, e.g. by the
 * Action's env-hosts input), its unreadable entries as errors; undefined, with a note, when it
 * has none but a file refers to the environment.
 */
function envBindingsHere(
  env: Env,
  facts: Map<string, FileFacts>,
  errors: ConfigError[],
  notes: string[],
): EnvBindings | undefined {
  const text = env[ENV_HOSTS]?.trim();
  if (!text) {
    if ([...facts.values()].some((f) => f.references.length > 0)) {
      notes.push(
        `${ENV_HOSTS} is not set here: {env: NAME} references are listed, not checked against the sync's bindings`,
      );
    }
    return undefined;
  }
  const bindings = parseEnvHosts(text);
  for (const problem of bindings.problems) {
    errors.push(
      new ConfigError(
        ENV_HOSTS,
        undefined,
        problem,
        `write entries NAME=host[,host…], separated by newlines, spaces or ;`,
      ),
    );
  }
  return bindings;
}

/** A registry's `credential:` names a file that exists, whose hosts list the registry's host, and whose references are bound to it. */
function checkBinding(
  registry: RegistryDefinition,
  names: string[],
  facts: Map<string, FileFacts>,
  errors: ConfigError[],
  bindings: EnvBindings | undefined,
): void {
  if (!registry.credential) return;
  const file = credentialFile(registry.credential);
  if (!names.includes(`${registry.credential}.yaml`)) {
    errors.push(
      new ConfigError(
        registry.file,
        fieldPosition(registry, 'credential'),
        `credential "${registry.credential}" names ${file}, which does not exist`,
        `create it with chartroom credential add ${registry.credential} --host ${registryHost(registry)}`,
      ),
    );
    return;
  }
  const { hosts, references = [] } = facts.get(file) ?? {};
  for (const reference of bindings ? references : []) {
    const refused = neverBound(reference.variable)
      ? undefined
      : refusal(reference.variable, registryHost(registry), bindings!);
    if (refused) {
      errors.push(
        new ConfigError(
          file,
          reference.at,
          `${reference.field} refers to $${reference.variable} for registry ${registry.name}, ${refused}`,
        ),
      );
    }
  }
  if (hosts && !hostAllowed(hosts, registryHost(registry))) {
    errors.push(
      new ConfigError(
        registry.file,
        fieldPosition(registry, 'credential'),
        `credential ${file} may not be used for host ${registryHost(registry)} (its hosts: ${hosts.join(', ') || 'none'})`,
        "add the host to the credential's hosts, or use another credential",
      ),
    );
  }
}
