/**
 * When a registry is due: its interval after its last check, or at once when what the check was
 * made with changed since. That is the registry's fingerprint: a hash of its settings as loaded
 * (comments and formatting do not count), the bytes of its credential file, its CA file and its
 * `verify.key`, and for a cosign policy the Sigstore trusted root chartroom.yaml names
 * (`trust.sigstoreRoot`, its bytes) or the shipped one.
 * Only files are read, never a secret: an `{env: NAME}` reference is hashed as written, not the
 * value behind it, and a SOPS file as its ciphertext. Reading them costs no request, so a quiet
 * sync stays free. `sync` and `watch` both decide with this.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { leadsOutside } from '../inside-repository.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { credentialFile } from '../credentials/resolve.ts';
import { loadSettings } from '../config/settings.ts';
import { needsSigstoreRoot } from '../config/verify-keys.ts';
import type { RegistryState } from './state.ts';

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** A file's hash, or what stands for it: a missing file, or one that leads outside the repository (not read). */
async function fileHash(root: string, file: string): Promise<string> {
  if (await leadsOutside(root, file)) return 'outside';
  try {
    return sha(await readFile(path.resolve(root, file)));
  } catch {
    return 'unreadable';
  }
}

/** Each registry's fingerprint, by name; a credential file several registries share is read once. */
export async function fingerprints(
  root: string,
  registries: readonly RegistryDefinition[],
): Promise<Map<string, string>> {
  const files = new Map<string, Promise<string>>();
  const hashOf = (file: string) => {
    let hash = files.get(file);
    if (!hash) files.set(file, (hash = fileHash(root, file)));
    return hash;
  };
  const sigstoreRoot = registries.some(needsSigstoreRoot) ? sigstoreRootHash(root, hashOf) : undefined;
  const entries = await Promise.all(
    registries.map(async (registry): Promise<[string, string]> => {
      const { file: _file, ...settings } = registry;
      const credential = registry.credential ? await hashOf(credentialFile(registry.credential)) : null;
      const ca = registry.caFile ? await hashOf(registry.caFile) : null;
      // a changed key re-checks every version's signatures: due at once, like a changed setting
      const key = registry.verify?.key !== undefined ? await hashOf(registry.verify.key) : null;
      const files: Record<string, string | null> =
        key === null ? { credential, ca } : { credential, ca, key };
      // so does another trusted root for a cosign policy (only there: the others' fingerprints stay)
      if (needsSigstoreRoot(registry)) files.sigstoreRoot = (await sigstoreRoot) ?? null;
      return [registry.name, sha(JSON.stringify({ settings, ...files })).slice(0, 16)];
    }),
  );
  return new Map(entries);
}

/**
 * What stands for the trusted root cosign policies verify with: `shipped` (the root that comes
 * with chartroom: its digest is in the definition hash, so a new one re-checks at the next sync),
 * the named file's hash, or `invalid` for a chartroom.yaml that does not load (the sync says why).
 */
async function sigstoreRootHash(root: string, hashOf: (file: string) => Promise<string>): Promise<string> {
  const loaded = await loadSettings(root).catch(() => undefined);
  if (!loaded || loaded.errors.length > 0) return 'invalid';
  const file = loaded.settings.trust?.sigstoreRoot;
  return file === undefined ? 'shipped' : `${file}:${await hashOf(file)}`;
}

/**
 * When the registry is due (epoch milliseconds), or undefined for one with interval 0 (synced
 * only when named). A registry never checked, or checked with another fingerprint, is due now;
 * state written before fingerprints were kept has none, and then only the interval counts.
 */
export function dueAt(
  registry: RegistryDefinition,
  entry: RegistryState | undefined,
  fingerprint: string | undefined,
  now: number,
): number | undefined {
  if (registry.intervalMs === 0) return undefined;
  const lastCheck = entry?.lastCheck === undefined ? Number.NaN : Date.parse(entry.lastCheck);
  if (Number.isNaN(lastCheck)) return now;
  if (entry?.fingerprint !== undefined && entry.fingerprint !== fingerprint) return now;
  return lastCheck + registry.intervalMs;
}
