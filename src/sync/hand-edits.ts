/**
 * What someone changed in catalog/ by hand since its last commit, found with one `git status`.
 * catalog/ is derived data the sync owns: a file deleted by hand (and a version file edited by
 * hand) is put back as HEAD has it before the run, so no commit carries a loss the sync did not
 * decide, and a registry whose part differs from HEAD in any way is fetched in full, its state
 * not trusted (a 304 must not keep a catalog someone changed). A file a merge or rebase left
 * unmerged is not touched: it is the user's to resolve.
 */
import type { CatalogGit, WorktreeChange } from '../git/repo.ts';

export interface HandEdits {
  /** registries whose part (registries/<name>.json, charts/<name>/) differs from HEAD */
  registries: Set<string>;
  /** something else under catalog/ differs (catalog.json, an untracked charts/): no registry's state is trusted */
  all: boolean;
  /** the files put back from HEAD */
  restored: string[];
}

export function noHandEdits(): HandEdits {
  return { registries: new Set(), all: false, restored: [] };
}

export async function healHandEdits(git: CatalogGit, catalogDir: string): Promise<HandEdits> {
  const edits = noHandEdits();
  const changes = await git.changes(catalogDir);
  for (const change of changes) {
    const registry = registryOf(catalogDir, change.file);
    if (registry === undefined) edits.all = true;
    else edits.registries.add(registry);
    if (restorable(change)) edits.restored.push(change.file);
  }
  if (edits.restored.length > 0) await git.restoreFromHead(edits.restored);
  return edits;
}

/** The registry whose part holds `file` (a path from the repository root), if any. */
function registryOf(catalogDir: string, file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== catalogDir) return undefined;
  if (parts[1] === 'registries' && parts.length === 3 && parts[2]!.endsWith('.json'))
    return parts[2]!.slice(0, -'.json'.length);
  if (parts[1] === 'charts' && parts.length >= 3 && parts[2] !== '') return parts[2];
  return undefined;
}

/**
 * A tracked file deleted, or a version file (charts/<r>/<c>/<v>/<file>) changed. The sync never
 * changes a version file in place; a deletion it made itself and did not commit (`--no-commit`,
 * a run killed before its commit) it decides again in this run, after clean-up.
 */
function restorable({ x, y, file }: WorktreeChange): boolean {
  const unmerged = x === 'U' || y === 'U' || (x === y && (x === 'A' || x === 'D'));
  if (unmerged || x === 'A' || x === 'R' || x === 'C' || x === '?') return false;
  if (x === 'D' || y === 'D') return true;
  const versionFile = file.split('/').length >= 6 && file.split('/')[1] === 'charts';
  return versionFile && (x === 'M' || y === 'M');
}
