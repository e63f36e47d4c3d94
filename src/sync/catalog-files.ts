/**
 * Which paths under catalog/ are the files chartroom writes (the format's layout), so that
 * they are committed whatever ignore rules match them (an unanchored `dist/` or `*.yaml` in the
 * repository's `.gitignore`, `.git/info/exclude`, the global excludes), while anything else an
 * ignore rule matches there (an editor's swap file, `.DS_Store`) stays out of the commit.
 */
import { CATALOG_DIR } from '../catalog/store.ts';
import { KEPT_FILES } from '../chart/archive.ts';

const KEPT: ReadonlySet<string> = new Set(KEPT_FILES);

/** Whether `file` (relative to the repository root, `/`-separated) is one chartroom writes. */
export function isCatalogFile(file: string): boolean {
  const parts = file.split('/');
  if (parts[0] !== CATALOG_DIR || parts.some((part) => part === '')) return false;
  const [, area, ...rest] = parts;
  if (area === 'catalog.json') return rest.length === 0;
  if (area === 'registries') return rest.length === 1 && rest[0]!.endsWith('.json');
  if (area !== 'charts') return false;
  // charts/<registry>/<chart>/chart.json, charts/<registry>/<chart>/<version>/<kept file>
  if (rest.length === 3) return rest[2] === 'chart.json';
  return rest.length === 4 && KEPT.has(rest[3]!);
}
