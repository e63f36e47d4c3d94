/**
 * `registry add` and `registry remove`'s work: scaffolds, edits or removes `registries/NAME.yaml`.
 * Editing goes through the `yaml` document model, so comments and the order of other fields
 * survive. The result is checked as `validate` would before anything is written.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { ChartroomError, UsageError } from '../errors.ts';
import { shownUrl } from '../http/safe-url.ts';
import { parseRegistryFile, REGISTRIES_DIR } from './load.ts';

export interface RegistryFields {
  url: string;
  credential?: string | undefined;
  /** a duration as a registry file writes it; "0" means never synced on schedule */
  interval?: string | undefined;
  description?: string | undefined;
  /**
   * writes `insecure: true`: plain http for an http:// chart repository or an oci:// registry.
   * Never implied by the URL, since it turns off the https guard.
   */
  insecure?: boolean | undefined;
}

export const registryFile = (name: string) => path.posix.join(REGISTRIES_DIR, `${name}.yaml`);

/** Writes or updates the registry's file; says which, and the file's path. */
export async function writeRegistryFile(
  root: string,
  name: string,
  fields: RegistryFields,
): Promise<{ file: string; created: boolean }> {
  const file = registryFile(name);
  const target = path.join(root, file);
  const existing = await readFile(target, 'utf8').catch(() => undefined);
  let doc: Document;
  if (existing === undefined) {
    doc = new Document({});
    doc.commentBefore = ' yaml-language-server: $schema=../schemas/registry.schema.json';
  } else {
    doc = parseDocument(existing);
  }
  doc.set('url', fields.url);
  if (fields.description !== undefined) doc.set('description', fields.description);
  if (fields.credential !== undefined) doc.set('credential', fields.credential);
  if (fields.interval !== undefined) doc.set('interval', fields.interval === '0' ? 0 : fields.interval);
  if (fields.insecure) doc.set('insecure', true);
  if (/^http:\/\//i.test(fields.url) && doc.get('insecure') !== true) throw plainHttpRefused(fields.url);
  const text = doc.toString();
  parseRegistryFile(file, text); // throws ConfigError (exit 2) with file:line:col, before writing
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
  return { file, created: existing === undefined };
}

/** Plain http is the user's explicit choice, said with `--insecure`, never written for them. */
function plainHttpRefused(url: string): UsageError {
  return new UsageError(
    `"${shownUrl(url)}" uses plain http: use https, or pass --insecure to write insecure: true ` +
      '(it turns off the https guard: for a loopback or private test registry only)',
  );
}

/** Removes the registry's file; returns its path. */
export async function removeRegistryFile(root: string, name: string): Promise<string> {
  const file = registryFile(name);
  try {
    await rm(path.join(root, file));
  } catch {
    throw new ChartroomError('NotFound', `${file} does not exist`);
  }
  return file;
}
