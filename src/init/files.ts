/**
 * What `chartroom init` writes: each file of a new catalog repository, the template in the
 * package's `templates/catalog/` it comes from, and the placeholders filled in. Templates are
 * stored without leading dots (npm leaves `.gitignore` out of a package) and with a
 * `.template` suffix where their real name would mean something to a tool (package.json).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stableStringify } from '../catalog/json.ts';
import { CHART_METADATA, FORMAT_VERSION } from '../catalog/types.ts';

/** The package root: where package.json and templates/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATES = path.join(PACKAGE_ROOT, 'templates', 'catalog');

/** Each file `init` writes (relative to the catalog repository's root, `/`-separated) and its template. */
export const SCAFFOLD: ReadonlyArray<{ file: string; template?: string }> = [
  { file: 'package.json', template: 'package.json.template' },
  { file: 'chartroom.yaml', template: 'chartroom.yaml' },
  { file: 'registries/example.yaml', template: 'registries/example.yaml' },
  { file: 'registries/credentials/README.md', template: 'registries/credentials/README.md' },
  { file: '.sops.yaml', template: 'sops.yaml' },
  { file: '.gitignore', template: 'gitignore' },
  // written as the catalog writer writes it, so that `site build` works before the first sync
  { file: 'catalog/catalog.json' },
  { file: '.github/workflows/sync.yml', template: 'github/workflows/sync.yml' },
  { file: '.github/workflows/validate.yml', template: 'github/workflows/validate.yml' },
  { file: 'README.md', template: 'README.md' },
];

export interface Placeholders {
  /** the installed chartroom's version, pinned in package.json and the workflows */
  version: string;
  /** the age recipients of `.sops.yaml`'s creation rule */
  recipients: string[];
}

/** The installed chartroom's version (package.json's `version`). */
export async function installedVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The content of one scaffold file, its placeholders filled in. */
export async function contentOf(
  entry: { file: string; template?: string },
  values: Placeholders,
): Promise<string> {
  if (!entry.template)
    return stableStringify({ formatVersion: FORMAT_VERSION, chartMetadata: CHART_METADATA });
  const text = await readFile(path.join(TEMPLATES, entry.template), 'utf8');
  return text
    .replaceAll('__CHARTROOM_VERSION__', values.version)
    .replaceAll('__AGE_RECIPIENTS__', values.recipients.join(','));
}
