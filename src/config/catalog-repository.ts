/**
 * Whether a root is a catalog repository, for the commands that read or write one: run in the
 * wrong folder, or with a mistyped --root, they say so (exit 2) instead of answering for an empty
 * catalog ("0 registry files valid", an empty status table, a sync that would prune nothing).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ChartroomError } from '../errors.ts';
import { REGISTRIES_DIR } from './load.ts';
import { SETTINGS_FILE } from './settings.ts';

/**
 * What makes a folder a catalog repository: any of these. registries/ alone would not do, since
 * git keeps no empty folder: a clone after the last registry file was removed has catalog/ only.
 */
const MARKS = [REGISTRIES_DIR, 'catalog', SETTINGS_FILE];

/**
 * Throws NotACatalogRepository unless `root` exists and holds registries/, catalog/ or
 * chartroom.yaml; with `starting`, for `registry add` (which makes registries/ in a repository
 * that has none yet), unless `root` exists.
 */
export async function requireCatalogRepository(
  root: string,
  { starting = false }: { starting?: boolean } = {},
): Promise<void> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ChartroomError(
      'NotACatalogRepository',
      `${root} ${info ? 'is not a folder' : 'does not exist'}: run chartroom init there, or pass --root DIR (the catalog repository)`,
    );
  }
  if (starting) return;
  const found = await Promise.all(
    MARKS.map((mark) =>
      stat(path.join(root, mark)).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (found.some(Boolean)) return;
  throw new ChartroomError(
    'NotACatalogRepository',
    `${root} is not a catalog repository (it has no registries/, catalog/ or chartroom.yaml): run chartroom init there, or pass --root DIR (the catalog repository)`,
  );
}
