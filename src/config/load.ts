import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import semver from 'semver';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ChartroomError, ConfigError } from '../errors.ts';
import { parseInterval } from './duration.ts';
import { detectKind } from './reference.ts';
import { DEFAULTS, type RegistryDefinition } from './types.ts';

const require = createRequire(import.meta.url);
const registrySchema = require('../../schemas/registry.schema.json') as object;

// The `yaml` package (not js-yaml) for registry files: it keeps source positions, so every
// error can name file:line:col, and it refuses duplicate keys. Registry files are tiny, so
// its speed does not matter here (indexes use a faster parser, see sources/helm).
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
    try {
      const registry = parseRegistryFile(file, source);
      const other = seen.get(registry.name);
      if (other) {
        throw new ConfigError(
          file,
          undefined,
          `registry "${registry.name}" is also defined in ${other}: keep one of the two files`,
        );
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
    throw new ConfigError(
      file,
      at(firstError.pos[0]),
      `YAML syntax: ${firstError.message.split('\n')[0]}`,
      'fix the YAML syntax',
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(
      file,
      { line: 1, column: 1 },
      'a registry file must be a mapping with at least `url:`',
    );
  }
  if (!validateSchema(data)) {
    const error = mostUseful(validateSchema.errors ?? []);
    throw new ConfigError(
      file,
      positionOf(doc, lines, error),
      schemaMessage(error),
      'see schemas/registry.schema.json for every field',
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
    throw new ConfigError(file, pos('url'), (error as Error).message);
  }
  let intervalMs: number = DEFAULTS.intervalMs;
  if (raw.interval !== undefined) {
    try {
      intervalMs = parseInterval(raw.interval as string | number);
    } catch (error) {
      throw new ConfigError(file, pos('interval'), (error as ChartroomError).message);
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
  return {
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
}

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

function schemaMessage(error: ErrorObject): string {
  const field = error.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
  if (field === 'keep') return 'keep must be a positive integer or "all"';
  if (field === 'interval') return 'interval must be a duration like 30s, 2m or 1h30m, or 0';
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return `unknown field "${extra}": remove it or check its spelling`;
    }
    case 'required':
      return `missing required field "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'type':
      return `${field} must be ${(error.params as { type: string }).type}`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

function toPosition(p: { line: number; col: number }): { line: number; column: number } {
  return { line: p.line, column: p.col };
}

function positionOf(
  doc: Document,
  lines: LineCounter,
  error: { instancePath: string; keyword?: string; params?: unknown },
): { line: number; column: number } {
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
