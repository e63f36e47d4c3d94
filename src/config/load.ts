/**
 * Loads `registries/*.yaml`: each file parsed with positions, checked against the schema, turned
 * into a RegistryDefinition.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import semver from 'semver';
import { isNode, visit, type Document } from 'yaml';
import { ChartroomError, ConfigError } from '../errors.ts';
import { shownUrl } from '../http/safe-url.ts';
import { parseInterval } from './duration.ts';
import { FIELD_HELP, mostUseful, schemaError, VERIFY_HELP } from './schema-errors.ts';
import { checkIdentityPattern } from '../trust/identity.ts';
import { parseLocated, type LocatedYaml, type Position } from './yaml-errors.ts';
import { detectKind } from './reference.ts';
import { DEFAULTS, type RegistryDefinition } from './types.ts';
import { rememberPositions } from './field-positions.ts';
import { checkCaFile, checkVerifyKey } from './repository-files.ts';
import type { OidcIdentity, VerifyPolicy } from '../trust/types.ts';

const require = createRequire(import.meta.url);
const registrySchema = require('../../schemas/registry.schema.json') as object;

// The published schema (schemas/registry.schema.json, which editors check against too) is the
// first check of a parsed file; strict mode refuses a schema keyword ajv does not know, and
// allErrors reports every problem of a file at once (mostUseful picks the one of each field).
const ajv = new Ajv({ allErrors: true, strict: true });
const validateSchema = ajv.compile(registrySchema);

export const REGISTRY_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const REGISTRIES_DIR = 'registries';

export interface LoadResult {
  registries: RegistryDefinition[];
  errors: ConfigError[];
}

/** Loads and validates every `registries/*.yaml`. Collects all errors rather than stopping at the first. */
export async function loadRegistries(root: string): Promise<LoadResult> {
  const dir = path.join(root, REGISTRIES_DIR);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { registries: [], errors: [] };
    throw error;
  }
  const registries: RegistryDefinition[] = [];
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.posix.join(REGISTRIES_DIR, name);
    const source = await readFile(path.join(dir, name), 'utf8');
    const checked = checkRegistryFile(file, source);
    errors.push(...checked.errors);
    const registry = checked.registry;
    if (!registry) continue;
    try {
      const other = seen.get(registry.name);
      if (other) {
        throw new ConfigError(
          file,
          undefined,
          `registry "${registry.name}" is also defined in ${other}`,
          'keep one of the two files',
        );
      }
      const fileErrors = [
        ...(registry.caFile ? await checkCaFile(root, registry) : []),
        ...(registry.verify?.key !== undefined ? await checkVerifyKey(root, registry) : []),
      ];
      if (fileErrors.length > 0) {
        errors.push(...fileErrors);
        continue;
      }
      seen.set(registry.name, file);
      registries.push(registry);
    } catch (error) {
      if (error instanceof ConfigError) errors.push(error);
      else throw error;
    }
  }
  return { registries, errors };
}

/**
 * Parses one registry file. `file` is the path shown in errors; its base name is the registry's
 * name. Throws the first of its problems (checkRegistryFile gives every one).
 */
export function parseRegistryFile(file: string, source: string): RegistryDefinition {
  const { registry, errors } = checkRegistryFile(file, source);
  if (errors[0]) throw errors[0];
  return registry!;
}

/**
 * One registry file's definition, or every problem it has, each at its file:line:col: unknown
 * fields and wrong types all at once, then the checks of the values the schema accepted.
 */
export function checkRegistryFile(
  file: string,
  source: string,
): { registry: RegistryDefinition | undefined; errors: ConfigError[] } {
  const fail = (error: ConfigError) => ({ registry: undefined, errors: [error] });
  const name = path.posix.basename(file).replace(/\.ya?ml$/, '');
  if (!REGISTRY_NAME.test(name)) {
    return fail(
      new ConfigError(
        file,
        undefined,
        `"${name}" is not a valid registry name`,
        'rename the file to lowercase letters, digits and dashes, starting with a letter or digit (e.g. registries/bitnami.yaml)',
      ),
    );
  }
  const located = parseLocated(source);
  const { doc, at, syntax } = located;
  if (syntax) return fail(new ConfigError(file, syntax.at, `YAML syntax: ${syntax.message}`, syntax.hint));
  let raw: Record<string, unknown>;
  try {
    raw = mapping(file, located, plainData(file, located));
  } catch (error) {
    if (error instanceof ConfigError) return fail(error);
    throw error;
  }
  // `verify.key` is the value of key under verify
  const pos = (key: string) => positionOf(doc, at, { instancePath: `/${key.replaceAll('.', '/')}` });
  const schema = schemaErrors(file, located, raw);
  const refused = new Set(schema.map((s) => s.field));
  const { registry, errors: valueErrors } = definition(file, name, raw, pos, refused);
  const errors = [...schema.map((s) => s.error), ...valueErrors].sort(byPlace);
  if (errors.length > 0 || !registry) return { registry: undefined, errors };
  const fields = [
    ...Object.keys(raw),
    ...(registry.verify
      ? ['verify', 'verify.provider', 'verify.key', 'verify.matchOIDCIdentity', 'verify.required']
      : []),
  ];
  rememberPositions(registry, new Map(fields.map((key) => [key, pos(key)])));
  return { registry, errors: [] };
}

const byPlace = (a: ConfigError, b: ConfigError) =>
  (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);

/**
 * The document as plain data; aliases to no anchor, or that expand without bound, are refused, not
 * thrown through.
 */
function plainData(file: string, { doc, at }: LocatedYaml): unknown {
  try {
    return doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    const alias = firstAlias(doc);
    const unresolved = /Unresolved alias/.test((error as Error).message);
    throw new ConfigError(
      file,
      at(alias?.offset),
      unresolved
        ? `YAML syntax: the alias *${alias?.name ?? ''} refers to no anchor defined before it`
        : 'YAML aliases here expand too far (more than 50 values): a registry file needs no aliases',
      'write the values out instead of using & anchors and * aliases',
    );
  }
}

/** The data when it is a mapping; an empty file, a list or a single value is refused with what to write. */
function mapping(file: string, { doc, at }: LocatedYaml, data: unknown): Record<string, unknown> {
  if (data !== null && typeof data === 'object' && !Array.isArray(data))
    return data as Record<string, unknown>;
  const start = doc.contents && isNode(doc.contents) ? doc.contents.range?.[0] : undefined;
  const what =
    data === null || data === undefined
      ? 'the file is empty'
      : Array.isArray(data)
        ? 'the file is a list'
        : 'the file is a single value';
  throw new ConfigError(
    file,
    at(start) ?? { line: 1, column: 1 },
    `${what}: a registry file must be a mapping with at least \`url:\``,
    Array.isArray(data)
      ? 'write the fields as key: value lines starting in column 1, without "- " (e.g. url: https://charts.example.org)'
      : 'write the fields as key: value lines, at least url: https://… (a chart repository) or url: oci://host/namespace (an OCI registry)',
  );
}

/**
 * Every schema error, one per field (ajv reports each failed branch of a oneOf: mostUseful picks
 * the one a person can act on) and one per unknown field, each placed at its field. `field` is the
 * top-level field it is about ('' for the file as a whole), whose value checks are then skipped.
 */
function schemaErrors(
  file: string,
  { doc, at }: LocatedYaml,
  data: Record<string, unknown>,
): Array<{ field: string; error: ConfigError }> {
  if (validateSchema(data)) return [];
  const groups = new Map<string, ErrorObject[]>();
  for (const error of validateSchema.errors ?? []) {
    const extra =
      error.keyword === 'additionalProperties'
        ? `+${(error.params as { additionalProperty: string }).additionalProperty}`
        : '';
    // one error per field; inside verify: one per field of it (and of each matchOIDCIdentity
    // entry), so each of its problems is told
    const [top = '', ...sub] = error.instancePath.split('/').slice(1);
    const key = `${top}${top === 'verify' && sub.length > 0 ? `/${sub.join('/')}` : ''}${extra}`;
    groups.set(key, [...(groups.get(key) ?? []), error]);
  }
  return [...groups.entries()].map(([key, errors]) => {
    const error = mostUseful(errors);
    const described = schemaError(error, data);
    return {
      field: key.startsWith('+') ? key : key.split(/[+/]/)[0]!,
      error: new ConfigError(
        file,
        positionOf(doc, at, described.at ?? error),
        described.message,
        described.hint,
      ),
    };
  });
}

/**
 * The definition from the fields: the URL's kind, the interval and the versions range are checked
 * here, each unless the schema already refused it (`refused`); every problem is returned.
 */
function definition(
  file: string,
  name: string,
  raw: Record<string, unknown>,
  pos: (key: string) => Position,
  refused: ReadonlySet<string>,
): { registry: RegistryDefinition | undefined; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const field = (key: string) => raw[key] as string | undefined;
  const checked = (key: string) => raw[key] !== undefined && !refused.has(key) && !refused.has('');
  const insecure = raw.insecure === true;
  const url = field('url')!;
  let kind: RegistryDefinition['kind'] = 'http';
  let kindKnown = false;
  if (checked('url')) {
    try {
      kind = detectKind(url, insecure);
      kindKnown = true;
    } catch (error) {
      errors.push(new ConfigError(file, pos('url'), (error as Error).message, FIELD_HELP.url.hint, error));
    }
  }
  if (kindKnown && kind === 'http' && /\/index\.ya?ml$/i.test(new URL(url).pathname)) {
    // Helm's repo URL is the folder; chartroom (like helm repo add) appends /index.yaml itself
    errors.push(
      new ConfigError(
        file,
        pos('url'),
        `"${shownUrl(url)}" names the index file: drop /index.yaml from the URL`,
        'write the chart repository URL as helm repo add takes it, e.g. url: https://charts.example.org/stable',
      ),
    );
  }
  let intervalMs: number = DEFAULTS.intervalMs;
  if (checked('interval')) {
    try {
      intervalMs = parseInterval(raw.interval as string | number);
    } catch (error) {
      const message = (error as ChartroomError).message;
      errors.push(new ConfigError(file, pos('interval'), message, FIELD_HELP.interval.hint, error));
    }
  }
  const versions = field('versions');
  if (checked('versions') && semver.validRange(versions, { loose: true }) === null) {
    errors.push(
      new ConfigError(
        file,
        pos('versions'),
        `versions "${versions}" is not a semver range`,
        'write a range such as ">=1.0.0" or "^2.3"',
      ),
    );
  }
  const verify = checked('verify')
    ? verifyPolicy(file, raw.verify as RawVerify, kind, kindKnown, pos, errors)
    : undefined;
  if (errors.length > 0 || refused.size > 0) return { registry: undefined, errors };
  const registry: RegistryDefinition = {
    name,
    file,
    url,
    kind,
    description: field('description'),
    credential: field('credential'),
    intervalMs,
    charts: raw.charts as string[] | undefined,
    exclude: (raw.exclude as string[] | undefined) ?? [],
    versions,
    prereleases: (raw.prereleases as boolean | undefined) ?? DEFAULTS.prereleases,
    keep: (raw.keep as number | 'all' | undefined) ?? DEFAULTS.keep,
    maxAttempts: (raw.maxAttempts as number | undefined) ?? DEFAULTS.maxAttempts,
    insecure,
    caFile: field('caFile'),
    passCredentials: raw.passCredentials === true,
  };
  // only when set, so the definitions (and their hashes) of registries without one stay as they were
  if (verify) registry.verify = verify;
  return { registry, errors };
}

interface RawVerify {
  provider: VerifyPolicy['provider'];
  key?: string;
  matchOIDCIdentity?: OidcIdentity[];
  required?: boolean;
}

/**
 * `verify:` as the schema accepted it, its key path checked: relative to the repository root
 * and inside it (whether it exists is checked once the files are read, see checkVerifyKey); its
 * identities each a valid RE2 regular expression; helm needs a key, cosign a key, identities or
 * both (the schema asks for key when there are no identities).
 */
function verifyPolicy(
  file: string,
  raw: RawVerify,
  kind: RegistryDefinition['kind'],
  kindKnown: boolean,
  at: (field: string) => Position,
  errors: ConfigError[],
): VerifyPolicy {
  const { provider, key, matchOIDCIdentity: identities } = raw;
  if (key !== undefined && !insideRepository(key)) {
    errors.push(
      new ConfigError(
        file,
        at('verify.key'),
        `verify.key "${key}" is not inside the repository`,
        'commit the public key to this repository and give its path relative to the repository root (e.g. key: keys/helm-signing.asc)',
      ),
    );
  }
  if (kindKnown && kind === 'http' && provider === 'cosign') {
    errors.push(
      new ConfigError(
        file,
        at('verify.provider'),
        'verify.provider cosign needs an OCI registry: cosign signs OCI manifests, and a chart repository has none',
        'write provider: helm to verify the provenance files (.prov) of a chart repository',
      ),
    );
  }
  if (identities && provider === 'helm') {
    errors.push(
      new ConfigError(
        file,
        at('verify.matchOIDCIdentity'),
        'verify.matchOIDCIdentity is for provider cosign (keyless signatures and Sigstore bundles): provider helm verifies OpenPGP provenance files with key',
        'remove matchOIDCIdentity, or write provider: cosign to verify keyless cosign signatures of an OCI registry',
      ),
    );
    if (key === undefined)
      errors.push(new ConfigError(file, at('verify'), 'verify: is missing "key"', VERIFY_HELP.key.hint));
  }
  identities?.forEach((identity, index) => {
    for (const field of ['issuer', 'subject'] as const) {
      const problem = checkIdentityPattern(identity[field]);
      if (problem === undefined) continue;
      errors.push(
        new ConfigError(
          file,
          at(`verify.matchOIDCIdentity.${index}.${field}`),
          `verify.matchOIDCIdentity item ${index + 1}: ${field} ${quoted(identity[field])} is not an RE2 regular expression (${problem})`,
          IDENTITY_HINT,
        ),
      );
    }
  });
  // fields only when set, so a key-only policy's definition (and its hash) stays as it was
  return {
    provider,
    ...(key !== undefined ? { key } : {}),
    ...(identities
      ? { matchOIDCIdentity: identities.map(({ issuer, subject }) => ({ issuer, subject })) }
      : {}),
    required: raw.required ?? false,
  };
}

const IDENTITY_HINT =
  "write it in Go's RE2 syntax, as Flux and cosign match it (no lookaround, no backreferences), e.g. subject: ^https://github\\.com/org/repo/\\.github/workflows/release\\.yaml@refs/tags/v.*$";

/** Relative to the repository root and not leading out of it (as written: links are checked when read). */
function insideRepository(file: string): boolean {
  const normal = path.posix.normalize(file.replaceAll('\\', '/'));
  return !(
    path.posix.isAbsolute(normal) ||
    /^[a-zA-Z]:/.test(file) ||
    normal === '..' ||
    normal.startsWith('../')
  );
}

/** A pattern quoted in a message: escaped (JSON), and not longer than a line. */
const quoted = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);

function firstAlias(doc: Document): { name: string; offset: number } | undefined {
  let unresolved: { name: string; offset: number } | undefined;
  let first: { name: string; offset: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      const here = { name: node.source, offset: node.range?.[0] ?? 0 };
      first ??= here;
      if (!unresolved && node.resolve(doc) === undefined) unresolved = here;
    },
  });
  return unresolved ?? first;
}

/** Where a schema error's value (or, for an unknown field, its key) stands in the file. */
export function positionOf(
  doc: Document,
  at: (offset: number | undefined) => Position | undefined,
  error: { instancePath: string; keyword?: string; params?: unknown },
): Position {
  const found = findOffset(doc, error);
  return at(found) ?? { line: 1, column: 1 };
}

function findOffset(
  doc: Document,
  error: { instancePath: string; keyword?: string; params?: unknown },
): number | undefined {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (error.keyword === 'additionalProperties') {
    segments.push((error.params as { additionalProperty: string }).additionalProperty);
    // point at the key itself, not its value
    const parent = segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents;
    if (parent && isNode(parent) && 'items' in parent) {
      const pair = (parent.items as Array<{ key: unknown }>).find(
        (p) => isNode(p.key) && 'value' in p.key && p.key.value === segments.at(-1),
      );
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  const node = segments.length === 0 ? doc.contents : doc.getIn(segments, true);
  if (node && isNode(node) && node.range) return node.range[0];
  return doc.contents && isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : undefined;
}
