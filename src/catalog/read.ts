/**
 * The one reader of catalog/'s JSON files, for the sync (through the store) and the site alike.
 * Each file is parsed and checked against its published schema (schemas/catalog*.schema.json),
 * so no caller holds a document of another shape than its type says. A file that does not parse
 * or does not match is `CatalogInvalid`, naming the file (relative to the repository root) and
 * the first thing wrong in it; a file that does not exist is `undefined`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import catalogSchema from '../../schemas/catalog.schema.json' with { type: 'json' };
import chartSchema from '../../schemas/catalog-chart.schema.json' with { type: 'json' };
import registrySchema from '../../schemas/catalog-registry.schema.json' with { type: 'json' };
import { ChartroomError } from '../errors.ts';
import { FORMAT_VERSION, type CatalogChart, type CatalogFormat, type CatalogRegistry } from './types.ts';

interface Documents {
  catalog: CatalogFormat;
  registry: CatalogRegistry;
  chart: CatalogChart;
}

/** Which file of the format: catalog.json, registries/<name>.json or charts/<registry>/<chart>/chart.json. */
export type CatalogFileKind = keyof Documents;

const SCHEMAS = {
  catalog: { file: 'schemas/catalog.schema.json', schema: catalogSchema },
  registry: { file: 'schemas/catalog-registry.schema.json', schema: registrySchema },
  chart: { file: 'schemas/catalog-chart.schema.json', schema: chartSchema },
} satisfies Record<CatalogFileKind, { file: string; schema: object }>;

// `checkout HEAD`, not `checkout --`: it also takes a file a merge or rebase left unmerged
const hintFor = (name: string) => `restore it from git (git checkout HEAD -- ${name}) and sync again`;

type Validators = { [K in CatalogFileKind]: ValidateFunction<Documents[K]> };
// Compiled on first use, once per process (a command that never reads the catalog never pays
// for it). allErrors is off: checking stops at the first problem, which is all the message names,
// so a 20,000-version chart.json that is fine costs one pass.
let compiled: Validators | undefined;

function validators(): Validators {
  if (!compiled) {
    const ajv = new Ajv({ strict: true });
    addFormats.default(ajv);
    compiled = {
      catalog: ajv.compile<CatalogFormat>(SCHEMAS.catalog.schema),
      registry: ajv.compile<CatalogRegistry>(SCHEMAS.registry.schema),
      chart: ajv.compile<CatalogChart>(SCHEMAS.chart.schema),
    };
  }
  return compiled;
}

/**
 * Reads one catalog file.
 * @param root the repository root; messages name `file` relative to it
 * @param file the file's absolute path
 */
export async function readCatalogFile<K extends CatalogFileKind>(
  root: string,
  file: string,
  kind: K,
): Promise<Documents[K] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseCatalogFile(path.relative(root, file), text, kind);
}

/** Parses and checks the text of one catalog file; `name` is what messages call it. */
export function parseCatalogFile<K extends CatalogFileKind>(name: string, text: string, kind: K): Documents[K] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ChartroomError('CatalogInvalid', `${name} does not parse: ${(error as Error).message}`, {
      hint: hintFor(name),
      cause: error,
    });
  }
  if (kind === 'catalog') checkFormatVersion(name, data);
  const validate = validators()[kind];
  if (!validate(data)) {
    throw new ChartroomError(
      'CatalogInvalid',
      `${name} does not match its schema (${SCHEMAS[kind].file}): ${describe(validate.errors?.[0])}`,
      { hint: hintFor(name) },
    );
  }
  return data;
}

// Checked before the schema (whose formatVersion is `const: 1`): a catalog written in another
// format is not broken, it is one this chartroom does not read.
function checkFormatVersion(name: string, data: unknown): void {
  if (data === null || typeof data !== 'object' || !('formatVersion' in data)) return;
  if (data.formatVersion === FORMAT_VERSION) return;
  throw new ChartroomError(
    'CatalogFormatUnsupported',
    `${name} has formatVersion ${JSON.stringify(data.formatVersion)}; this chartroom reads ${FORMAT_VERSION}`,
    { hint: 'a newer chartroom wrote this catalog: upgrade chartroom to read it' },
  );
}

/** One ajv error as a person reads it: `versions[0].files[1] must be equal to one of the allowed values (…)`. */
function describe(error: ErrorObject | undefined): string {
  if (!error) return 'it does not match';
  const where = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  if (error.keyword === 'required') {
    const field = (error.params as { missingProperty: string }).missingProperty;
    return `${where ? `${where}: ` : ''}the required field "${field}" is missing`;
  }
  const allowed = error.keyword === 'enum' ? (error.params as { allowedValues: unknown[] }).allowedValues : undefined;
  const detail = allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : '';
  return `${where || 'the document'} ${error.message ?? 'is not valid'}${detail}`;
}

/** The sub-folders of a catalog folder, sorted; none when the folder does not exist. */
export async function listDirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
