import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Document, parseDocument } from 'yaml';
import { parseRegistryFile, REGISTRIES_DIR, REGISTRY_NAME } from '../../config/load.ts';
import { ChartroomError, UsageError } from '../../errors.ts';
import type { Output } from '../output.ts';

export const REGISTRY_USAGE =
  'chartroom registry add NAME URL [--credential C] [--interval D] | registry remove NAME';

/**
 * Scaffolds or edits `registries/NAME.yaml`. Editing goes through the `yaml` document model, so
 * comments and the order of other fields survive. The result is checked as `validate` would
 * before anything is written.
 */
export async function registryCommand(root: string, args: string[], output: Output): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { credential: { type: 'string' }, interval: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const name = positionals[0];
  if (!name || !REGISTRY_NAME.test(name))
    throw new UsageError('registry needs a NAME of lowercase letters, digits and dashes');
  const file = path.posix.join(REGISTRIES_DIR, `${name}.yaml`);
  const target = path.join(root, file);

  if (sub === 'remove') {
    if (positionals.length !== 1) throw new UsageError(REGISTRY_USAGE);
    try {
      await rm(target);
    } catch {
      throw new ChartroomError('NotFound', `${file} does not exist`);
    }
    output.out(`removed ${file}; the next sync removes its part of catalog/`);
    return 0;
  }
  if (sub !== 'add' || positionals.length !== 2) throw new UsageError(REGISTRY_USAGE);
  const url = positionals[1]!;
  const existing = await readFile(target, 'utf8').catch(() => undefined);
  let doc: Document;
  if (existing === undefined) {
    doc = new Document({});
    doc.commentBefore = ' yaml-language-server: $schema=../schemas/registry.schema.json';
  } else {
    doc = parseDocument(existing);
  }
  doc.set('url', url);
  if (values.credential !== undefined) doc.set('credential', values.credential);
  if (values.interval !== undefined) doc.set('interval', values.interval === '0' ? 0 : values.interval);
  if (url.startsWith('http://') && !doc.has('insecure')) doc.set('insecure', true);
  const text = doc.toString();
  parseRegistryFile(file, text); // throws ConfigError (exit 2) with file:line:col, before writing
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
  output.out(`${existing === undefined ? 'wrote' : 'updated'} ${file}`);
  return 0;
}
