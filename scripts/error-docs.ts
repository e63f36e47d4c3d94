/**
 * Writes what is generated from the error catalogue (src/error-catalogue.ts): the table of codes
 * in README.md, between its error-codes markers, and the `code` enums of the catalog and
 * sync-report schemas. Run it with `npm run docs:errors`; test/error-docs.test.ts fails when a
 * file differs from what it would write. Output goes through prettier, as `npm test` checks it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import {
  codesWhere,
  ERROR_CATALOGUE,
  ERROR_CODES,
  givenUpAtOnce,
  type ErrorCode,
} from '../src/error-catalogue.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const README = 'README.md';
const START = '<!-- error codes: generated from src/error-catalogue.ts by `npm run docs:errors` -->';
const END = '<!-- end of error codes -->';

const REPORT_REGISTRY = ['properties', 'registries', 'items', 'properties'];

/** Each schema's `code` properties, by their path in it, and the codes that can be met there. */
const ENUMS: Record<string, Array<{ at: string[]; codes: ErrorCode[] }>> = {
  'schemas/catalog-registry.schema.json': [
    { at: ['properties', 'error', 'properties', 'code'], codes: codesWhere('registry') },
    { at: ['properties', 'failedVersions', 'items', 'properties', 'code'], codes: codesWhere('version') },
    { at: ['properties', 'chartErrors', 'items', 'properties', 'code'], codes: codesWhere('chart') },
  ],
  'schemas/sync-report.schema.json': [
    { at: ['definitions', 'registryError', 'properties', 'code'], codes: codesWhere('registry') },
    { at: ['definitions', 'pushError', 'properties', 'code'], codes: codesWhere('push') },
    // a version given up at once is one of the report's problems, not one of its failures
    {
      at: [...REPORT_REGISTRY, 'failed', 'items', 'properties', 'code'],
      codes: codesWhere('version').filter((code) => !givenUpAtOnce(code)),
    },
    { at: [...REPORT_REGISTRY, 'chartErrors', 'items', 'properties', 'code'], codes: codesWhere('chart') },
  ],
};

/** The README's table: one row per code, in catalogue order. */
export function errorTable(): string {
  const rows = ERROR_CODES.map((code) => {
    const e = ERROR_CATALOGUE[code];
    return `| \`${code}\` | ${e.transient ? 'yes' : 'no'} | ${e.where.join(', ')} | ${e.meaning} | ${e.action} |`;
  });
  return ['| code | transient | where | meaning | what to do |', '|---|---|---|---|---|', ...rows].join('\n');
}

function withTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${README} has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n\n${errorTable()}\n\n${readme.slice(end)}`;
}

function withEnums(schemaText: string, enums: Array<{ at: string[]; codes: ErrorCode[] }>): string {
  const schema = JSON.parse(schemaText) as Record<string, unknown>;
  for (const { at, codes } of enums) {
    const node = at.reduce<unknown>(
      (parent, key) => (parent as Record<string, unknown> | undefined)?.[key],
      schema,
    );
    if (typeof node !== 'object' || node === null) throw new Error(`no ${at.join('.')} in the schema`);
    (node as { enum?: string[] }).enum = codes;
  }
  return JSON.stringify(schema, null, 2);
}

/** Each generated file (relative to the repository root) and the text this script writes there. */
export async function generatedFiles(root = ROOT): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const format = async (file: string, text: string) => {
    const config = await prettier.resolveConfig(path.join(root, file));
    out.set(file, await prettier.format(text, { ...config, filepath: file }));
  };
  await format(README, withTable(await readFile(path.join(root, README), 'utf8')));
  for (const [file, enums] of Object.entries(ENUMS)) {
    await format(file, withEnums(await readFile(path.join(root, file), 'utf8'), enums));
  }
  return out;
}

if (import.meta.main) {
  for (const [file, text] of await generatedFiles()) {
    if ((await readFile(path.join(ROOT, file), 'utf8')) === text) continue;
    await writeFile(path.join(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}
