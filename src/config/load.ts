import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import semver from 'semver';
import { isNode, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ChartroomError, ConfigError } from '../errors.ts';
import { parseInterval } from './duration.ts';
import { describeYamlError } from './yaml-errors.ts';
import { detectKind } from './reference.ts';
import { DEFAULTS, type RegistryDefinition } from './types.ts';

const require = createRequire(import.meta.url);
const registrySchema = require('../../schemas/registry.schema.json') as {
  properties: Record<string, unknown>;
};

// The `yaml` package (not js-yaml) for registry files: it keeps source positions, so every
// error can name file:line:col, and it refuses duplicate keys. Registry files are tiny, so
// its speed does not matter here (indexes use a faster parser, see sources/helm).
const ajv = new Ajv({ allErrors: true, strict: true });
const validateSchema = ajv.compile(registrySchema);

export const REGISTRY_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const REGISTRIES_DIR = 'registries';

/** The fields of a registry file, in the order the README lists them. */
export const REGISTRY_FIELDS = Object.keys(registrySchema.properties);

type Position = { line: number; column: number };

// Where each field's value stands in its file, for errors found after parsing (a credential
// file that does not exist, a caFile that is not there). Kept beside the definition rather
// than in it, so the definition stays plain data (sync hashes it).
const positions = new WeakMap<RegistryDefinition, Map<string, Position>>();

/** The line and column of a field's value in the registry's file, when it came from one. */
export function fieldPosition(registry: RegistryDefinition, field: string): Position | undefined {
  return positions.get(registry)?.get(field);
}

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
    try {
      const registry = parseRegistryFile(file, source);
      const other = seen.get(registry.name);
      if (other) {
        throw new ConfigError(
          file,
          undefined,
          `registry "${registry.name}" is also defined in ${other}`,
          'keep one of the two files',
        );
      }
      if (registry.caFile) await checkCaFile(root, registry);
      seen.set(registry.name, file);
      registries.push(registry);
    } catch (error) {
      if (error instanceof ConfigError) errors.push(error);
      else throw error;
    }
  }
  return { registries, errors };
}

const MAX_CA_BYTES = 10 * 1024 * 1024;

/** A caFile is part of the configuration: a sync must not start without it. */
async function checkCaFile(root: string, registry: RegistryDefinition): Promise<void> {
  const where = fieldPosition(registry, 'caFile');
  const fail = (why: string, hint: string) =>
    new ConfigError(registry.file, where, `caFile "${registry.caFile}" ${why}`, hint);
  const full = path.resolve(root, registry.caFile!);
  let info;
  try {
    info = await stat(full);
  } catch {
    throw fail(
      'does not exist',
      'commit the PEM file and give its path relative to the repository root, or remove caFile',
    );
  }
  if (!info.isFile()) throw fail('is not a file', 'give the path of a PEM file with the CA certificates');
  if (info.size > MAX_CA_BYTES)
    throw fail('is over 10 MiB', 'give the path of a PEM file with the CA certificates');
  const text = await readFile(full, 'utf8');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw fail(
      'holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
      'give the path of a PEM file with the CA certificates',
    );
  }
}

/** Parses one registry file. `file` is the path shown in errors; its base name is the registry's name. */
export function parseRegistryFile(file: string, source: string): RegistryDefinition {
  const name = path.posix.basename(file).replace(/\.ya?ml$/, '');
  if (!REGISTRY_NAME.test(name)) {
    throw new ConfigError(
      file,
      undefined,
      `"${name}" is not a valid registry name`,
      'rename the file to lowercase letters, digits and dashes, starting with a letter or digit (e.g. registries/bitnami.yaml)',
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) =>
    offset === undefined ? undefined : toPosition(lines.linePos(offset));
  const firstError = doc.errors[0];
  if (firstError) {
    const syntax = describeYamlError(doc, source, firstError);
    throw new ConfigError(file, at(syntax.offset), `YAML syntax: ${syntax.message}`, syntax.hint);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // an alias to no anchor, or aliases that expand without bound: refused, not thrown through
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
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
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
  if (!validateSchema(data)) {
    const error = mostUseful(validateSchema.errors ?? []);
    const described = schemaError(error, data);
    throw new ConfigError(
      file,
      positionOf(doc, lines, described.at ?? error),
      described.message,
      described.hint,
    );
  }
  const raw = data as Record<string, unknown>;
  const pos = (key: string) => positionOf(doc, lines, { instancePath: `/${key}` });
  const str = (key: string) => raw[key] as string | undefined;
  const insecure = raw.insecure === true;

  const url = str('url')!;
  let kind;
  try {
    kind = detectKind(url, insecure);
  } catch (error) {
    throw new ConfigError(file, pos('url'), (error as Error).message, FIELD_HELP.url.hint);
  }
  let intervalMs: number = DEFAULTS.intervalMs;
  if (raw.interval !== undefined) {
    try {
      intervalMs = parseInterval(raw.interval as string | number);
    } catch (error) {
      throw new ConfigError(
        file,
        pos('interval'),
        (error as ChartroomError).message,
        FIELD_HELP.interval.hint,
      );
    }
  }
  const versions = str('versions');
  if (versions !== undefined && semver.validRange(versions, { loose: true }) === null) {
    throw new ConfigError(
      file,
      pos('versions'),
      `versions "${versions}" is not a semver range`,
      'write a range such as ">=1.0.0" or "^2.3"',
    );
  }
  const registry: RegistryDefinition = {
    name,
    file,
    url,
    kind,
    description: str('description'),
    credential: str('credential'),
    intervalMs,
    charts: raw.charts as string[] | undefined,
    exclude: (raw.exclude as string[] | undefined) ?? [],
    versions,
    prereleases: (raw.prereleases as boolean | undefined) ?? DEFAULTS.prereleases,
    keep: (raw.keep as number | 'all' | undefined) ?? DEFAULTS.keep,
    maxAttempts: (raw.maxAttempts as number | undefined) ?? DEFAULTS.maxAttempts,
    insecure,
    caFile: str('caFile'),
    passCredentials: raw.passCredentials === true,
  };
  positions.set(registry, new Map(Object.keys(raw).map((key) => [key, pos(key)])));
  return registry;
}

// What each field takes, said the way a person fixes it.
const FIELD_HELP = {
  url: {
    want: 'a URL',
    hint: 'write url: https://host/path for a chart repository, or url: oci://host[:port]/namespace for an OCI registry',
  },
  description: { want: 'text', hint: 'write description: as text (quote it if it starts with [, {, * or &)' },
  credential: {
    want: 'the name of a credential file',
    hint: 'write credential: NAME for registries/credentials/NAME.yaml (lowercase letters, digits and dashes)',
  },
  interval: {
    want: 'a duration like 30s, 2m or 1h30m, or 0',
    hint: 'write interval: 30s, 2m or 1h30m (10s to 24h), or interval: 0 to sync it only on demand',
  },
  charts: {
    want: 'a list of chart names',
    hint: 'write charts: [nginx, redis] or one "- name" per line, each name once',
  },
  exclude: {
    want: 'a list of chart names or globs',
    hint: 'write exclude: ["*-test", legacy] or one "- name" per line',
  },
  versions: { want: 'a semver range', hint: 'write a quoted range such as versions: ">=1.0.0" or "^2.3"' },
  prereleases: { want: 'true or false', hint: 'write prereleases: true or prereleases: false' },
  keep: {
    want: 'a positive integer or "all"',
    hint: 'write keep: 20 (how many newest versions keep their files, 1 or more) or keep: all',
  },
  maxAttempts: { want: 'an integer from 1 to 100', hint: 'write maxAttempts: 10 (1 to 100)' },
  insecure: { want: 'true or false', hint: 'write insecure: true (plain http allowed) or insecure: false' },
  caFile: {
    want: 'a file path',
    hint: 'write caFile: the path of a PEM file with the CA certificates, relative to the repository root',
  },
  passCredentials: {
    want: 'true or false',
    hint: 'write passCredentials: true (send the credential to chart URLs on other hosts) or false',
  },
} satisfies Record<string, { want: string; hint: string }>;

// ajv reports every failed branch of a oneOf; the first non-oneOf error on the deepest path
// is the one a person can act on.
function mostUseful(errors: ErrorObject[]): ErrorObject {
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  return (
    sorted.find((e) => e.keyword === 'additionalProperties') ??
    sorted.find((e) => e.keyword !== 'oneOf') ??
    sorted[0]!
  );
}

interface Described {
  message: string;
  hint: string;
  /** a more precise place than the error's own path (the repeated item of a list) */
  at?: { instancePath: string };
}

function schemaError(error: ErrorObject, data: Record<string, unknown>): Described {
  const [field = '', item] = error.instancePath.slice(1).split('/');
  const help = (FIELD_HELP as Record<string, { want: string; hint: string } | undefined>)[field];
  const label = item === undefined ? field : `${field} item ${Number(item) + 1}`;
  const value = item === undefined ? data[field] : (data[field] as unknown[])[Number(item)];
  const found = field === 'url' ? '' : `, not ${describeValue(value)}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownField((error.params as { additionalProperty: string }).additionalProperty);
    case 'required':
      return {
        message: `missing required field "${(error.params as { missingProperty: string }).missingProperty}"`,
        hint: FIELD_HELP.url.hint,
      };
    case 'uniqueItems': {
      const { i: a, j: b } = error.params as { i: number; j: number };
      const i = Math.max(a, b); // the repeat, not the first
      const list = data[field] as unknown[];
      return {
        message: `${field} lists ${JSON.stringify(list[i])} twice`,
        hint: `remove the second ${JSON.stringify(list[i])} from ${field}`,
        at: { instancePath: `/${field}/${i}` },
      };
    }
    case 'minLength':
      return { message: `${label} is empty`, hint: help?.hint ?? SCHEMA_HINT };
  }
  if (!help) return { message: `${label} ${error.message ?? 'is invalid'}`, hint: SCHEMA_HINT };
  if (item !== undefined) {
    return { message: `${label} must be a string${found}`, hint: help.hint };
  }
  if (field === 'credential' && error.keyword === 'pattern') {
    return { message: `credential ${JSON.stringify(value)} is not a credential name`, hint: help.hint };
  }
  return { message: `${label} must be ${help.want}${found}`, hint: help.hint };
}

const SCHEMA_HINT = 'see schemas/registry.schema.json for every field';

// Fields other tools (Flux, Argo CD, Helm) or habit put in such a file.
const SECRETS_HINT =
  'secrets never go in a registry file: remove it, and name a credential file with credential: NAME (chartroom credential add NAME --host HOST)';
const KIND_HINT = 'the kind (http or oci) is detected from the URL: remove it';
const ELSEWHERE: Record<string, string> = {
  name: "the registry's name is its file name (registries/NAME.yaml): remove name:",
  username: SECRETS_HINT,
  password: SECRETS_HINT,
  token: SECRETS_HINT,
  auth: SECRETS_HINT,
  type: KIND_HINT,
  kind: KIND_HINT,
};
const ALIASES: Record<string, string> = {
  secretref: 'credential',
  insecureskipverify: 'insecure',
  insecureskiptlsverify: 'insecure',
  ca: 'caFile',
  cacert: 'caFile',
  include: 'charts',
  ignore: 'exclude',
  semver: 'versions',
  version: 'versions',
  retries: 'maxAttempts',
  maxretries: 'maxAttempts',
  schedule: 'interval',
};

function unknownField(extra: string): Described {
  const elsewhere = ELSEWHERE[extra.toLowerCase()];
  if (elsewhere) return { message: `unknown field "${extra}"`, hint: elsewhere };
  const suggestion = nearestField(extra);
  if (suggestion) {
    return {
      message: `unknown field "${extra}": did you mean "${suggestion}"?`,
      hint: `rename it to ${suggestion}`,
    };
  }
  return {
    message: `unknown field "${extra}": remove it or check its spelling`,
    hint: `the fields are ${REGISTRY_FIELDS.join(', ')}`,
  };
}

/** The known field a near-miss was meant to be: same letters in another case or separator, an alias, or one or two typos away. */
export function nearestField(extra: string): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const wanted = squash(extra);
  const same = REGISTRY_FIELDS.find((f) => squash(f) === wanted);
  if (same) return same;
  if (ALIASES[wanted]) return ALIASES[wanted];
  let best: { field: string; distance: number } | undefined;
  for (const field of REGISTRY_FIELDS) {
    const distance = editDistance(wanted, squash(field));
    if (!best || distance < best.distance) best = { field, distance };
  }
  const allowed = wanted.length <= 4 ? 1 : 2;
  return best && best.distance <= allowed ? best.field : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(short)}`;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'a value';
}

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

function toPosition(p: { line: number; col: number }): Position {
  return { line: p.line, column: p.col };
}

function positionOf(
  doc: Document,
  lines: LineCounter,
  error: { instancePath: string; keyword?: string; params?: unknown },
): Position {
  const found = findOffset(doc, error);
  return found === undefined ? { line: 1, column: 1 } : toPosition(lines.linePos(found));
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
