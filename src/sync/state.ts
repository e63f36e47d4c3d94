/**
 * `.chartroom/state.json`: what must survive between runs but must not cause commits (last
 * check, ETag, Last-Modified). It names the catalog commit it belongs to and is trusted only
 * when that is still the last commit that touched catalog/: state saved by a run whose commit
 * never reached the repository must not turn the next fetch into a 304 that hides versions.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RegistryState {
  lastCheck?: string;
  etag?: string;
  lastModified?: string;
  /** hash of the registry definition the validators were fetched under */
  definition?: string;
  /**
   * hash of what the last check was made with: the registry's settings and its credential and CA
   * files (due.ts); when it differs, the registry is due at once
   */
  fingerprint?: string;
  /** chart -> digest of its part of the last index read (see sources/helm/index-parse.ts) */
  charts?: Record<string, string>;
  /**
   * chart -> version -> when it was first seen (ISO 8601): versions that failed the policy with
   * SignatureMissing, looked up again at each sync for an hour (sync/signatures.ts rule (e))
   */
  recheck?: Record<string, Record<string, string>>;
}

export interface SyncState {
  version: 1;
  catalogCommit: string | null;
  registries: Record<string, RegistryState>;
}

export const STATE_FILE = path.join('.chartroom', 'state.json');

export function emptyState(): SyncState {
  return { version: 1, catalogCommit: null, registries: {} };
}

export async function readState(root: string): Promise<SyncState> {
  try {
    const data = JSON.parse(await readFile(path.join(root, STATE_FILE), 'utf8')) as Partial<SyncState>;
    if (data.version !== 1 || typeof data.registries !== 'object' || data.registries === null)
      return emptyState();
    return { version: 1, catalogCommit: data.catalogCommit ?? null, registries: data.registries };
  } catch {
    // missing or unreadable: every registry is due once and fetched without validators
    return emptyState();
  }
}

export async function writeState(root: string, state: SyncState): Promise<void> {
  const file = path.join(root, STATE_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}

/**
 * Forgets the state of registries that have no registry file any more (of those `mine` owns),
 * once their catalog part is gone too (`present`: the registries catalog/ still holds), so a
 * part left for a later run keeps what that run needs.
 */
export function forgetRemoved(
  state: SyncState,
  known: ReadonlySet<string>,
  present: ReadonlySet<string>,
  mine: (name: string) => boolean = () => true,
): void {
  for (const name of Object.keys(state.registries))
    if (!known.has(name) && !present.has(name) && mine(name)) delete state.registries[name];
}
