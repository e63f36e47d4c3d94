/**
 * The output folder of `site build`: which folders may be one, and how a build puts its files
 * there. chartroom deletes only what it wrote: `.chartroom-site` in the folder lists the files of
 * the last build, and the next build replaces those (removing the ones it no longer writes) and
 * leaves every other file alone. A file the build would overwrite that it did not write stops
 * the build before anything changes. The repository itself, its `catalog/`, `registries/` and
 * `.git` are never an output folder, nor inside one.
 */
import { existsSync } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rmdir,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';

/** The record of the files the last build wrote, in the output folder. */
export const MANIFEST = '.chartroom-site';

const KEPT = ['catalog', 'registries', '.git'] as const;

const PASS_INSTEAD =
  'pass a folder of its own instead, such as --out dist or --out docs (relative to --root)';

/** `path` with symlinks resolved, for a path that may not exist yet (its nearest existing ancestor is). */
async function realPathOf(file: string): Promise<string> {
  const rest: string[] = [];
  let at = path.resolve(file);
  for (;;) {
    try {
      return path.join(await realpath(at), ...rest.reverse());
    } catch (error) {
      const parent = path.dirname(at);
      const { code } = error as NodeJS.ErrnoException;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw error;
      rest.push(path.basename(at));
      at = parent;
    }
  }
}

const within = (inner: string, outer: string) =>
  inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);

/** The git work tree `root` is in: the nearest folder, from root up, that has a `.git`. */
function workTreeOf(root: string): string | undefined {
  for (let at = root; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/**
 * The output folder's real path (symlinks, `..` and trailing slashes resolved). A folder that is,
 * contains or is inside the repository's `catalog/`, `registries/` or `.git`, or that is or
 * contains the repository root or its git work tree, is refused (UsageError, exit 2), as is one
 * whose `.chartroom-site` is not chartroom's.
 */
export async function checkOutDir(root: string, out: string): Promise<string> {
  const realRoot = await realPathOf(root);
  const shown = path.resolve(root, out);
  const realOut = await realPathOf(shown);
  const refuse = (what: string) =>
    new UsageError(
      `--out ${shown}: ${what}; the site's folder is never the repository or a folder that holds it, nor its catalog/, registries/ or .git, a folder inside them or one that holds them, so ${PASS_INSTEAD}`,
    );
  const tree = workTreeOf(realRoot);
  for (const top of new Set([realRoot, ...(tree ? [tree] : [])])) {
    if (within(top, realOut)) throw refuse(`${realOut === top ? 'is' : 'contains'} the repository ${top}`);
  }
  const kept = [...KEPT.map((name) => path.join(realRoot, name)), ...(tree ? [path.join(tree, '.git')] : [])];
  for (const folder of new Set(await Promise.all(kept.map(realPathOf)))) {
    if (within(folder, realOut) || within(realOut, folder)) {
      const how = realOut === folder ? 'is' : within(folder, realOut) ? 'contains' : 'is inside';
      throw refuse(`${how} the repository's ${path.basename(folder)} (${folder})`);
    }
  }
  await readManifest(realOut);
  return realOut;
}

/** A manifest entry that names a file inside the folder: relative, `/`-separated, no `.` or `..` part. */
function isInside(entry: unknown): entry is string {
  if (
    typeof entry !== 'string' ||
    entry === '' ||
    entry === MANIFEST ||
    entry.includes('\\') ||
    entry.includes('\0')
  )
    return false;
  return entry.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * The files the last build wrote into `out`: none when there is no `.chartroom-site`. One that is
 * not a regular file or not chartroom's record is refused, since writing ours would replace it.
 */
async function readManifest(out: string): Promise<Set<string>> {
  const file = path.join(out, MANIFEST);
  const info = await lstat(file).catch(() => undefined);
  if (!info) return new Set();
  let files: unknown;
  try {
    if (!info.isFile()) throw new Error('not a file');
    files = (JSON.parse(await readFile(file, 'utf8')) as { files?: unknown }).files;
    if (!Array.isArray(files)) throw new Error('no files');
  } catch {
    throw new UsageError(
      `${file} is not the record chartroom site build keeps of the files it wrote there; move it away, or ${PASS_INSTEAD}`,
    );
  }
  // an entry that points outside the folder is not one chartroom wrote: ignored, never removed
  return new Set(files.filter(isInside));
}

async function writeManifest(out: string, files: Iterable<string>): Promise<void> {
  const body = JSON.stringify({
    about:
      'the files chartroom site build wrote here; the next build replaces them and leaves every other file alone',
    files: [...files].sort(),
  });
  const scratch = path.join(out, `${MANIFEST}.${process.pid}.tmp`);
  await writeFile(scratch, `${body}\n`);
  await rename(scratch, path.join(out, MANIFEST));
}

/** Every file (and link) under `dir`, relative and `/`-separated. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/**
 * Whether each folder on the way to `file` (inside `out`) is a real folder, not a link or a file
 * (a file of the last build, in `stale`, is removed before the new files are moved in).
 */
async function plainFoldersTo(out: string, file: string, stale = new Set<string>()): Promise<boolean> {
  const parts = file.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    const info = await lstat(path.join(out, ...parts.slice(0, i))).catch(() => undefined);
    if (info && !info.isDirectory() && !stale.has(folder)) return false;
  }
  return true;
}

/** The new files that would replace, or go through, something in `out` chartroom did not write. */
async function conflicts(out: string, files: string[], ours: Set<string>): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    if (ours.has(file)) continue;
    const target = path.join(out, ...file.split('/'));
    const there = await lstat(target).catch(() => undefined);
    // a folder of the last build's files only (which go, as the new build has a file there) is ours
    const ourFolder =
      there?.isDirectory() && (await filesUnder(target)).every((f) => ours.has(`${file}/${f}`));
    if ((there && !ourFolder) || !(await plainFoldersTo(out, file, ours))) found.push(file);
  }
  return found;
}

/** Removes the files of the last build the new one does not write, then the folders they leave empty. */
async function removeStale(out: string, stale: string[]): Promise<void> {
  const folders = new Set<string>();
  for (const file of stale) {
    if (!(await plainFoldersTo(out, file))) continue;
    const target = path.join(out, ...file.split('/'));
    const info = await lstat(target).catch(() => undefined);
    // what is no longer a regular file there was replaced by someone else: left alone
    if (!info?.isFile()) continue;
    await unlink(target);
    for (let dir = path.dirname(target); dir !== out; dir = path.dirname(dir)) folders.add(dir);
  }
  // deepest first; a folder that still holds anything stays
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) await rmdir(dir).catch(() => undefined);
}

async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
  }
}

/**
 * Puts the files built in `built` into `out` (a real path from checkOutDir): the last build's
 * files it no longer writes are removed, every other file in `out` is kept. Refuses (UsageError,
 * nothing changed) when a built file would replace one chartroom did not write.
 */
export async function placeSite(built: string, out: string): Promise<void> {
  const info = await lstat(out).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${out} is not a folder; ${PASS_INSTEAD}`);
  const files = await filesUnder(built);
  const ours = await readManifest(out);
  const clashes = await conflicts(out, files, ours);
  if (clashes.length > 0) {
    const some =
      clashes.slice(0, 5).join(', ') + (clashes.length > 5 ? `, and ${clashes.length - 5} more` : '');
    throw new UsageError(
      `--out ${out} holds files chartroom did not write where the site has its own (${some}); nothing was changed: ` +
        `move them away (a folder built by a chartroom before ${MANIFEST} existed: delete it once), or pass an empty or new folder`,
    );
  }
  await mkdir(out, { recursive: true });
  // claimed before they are written, so that a build killed halfway leaves nothing unclaimed
  await writeManifest(out, new Set([...ours, ...files]));
  const keep = new Set(files);
  await removeStale(
    out,
    [...ours].filter((file) => !keep.has(file)),
  );
  for (const file of files)
    await moveFile(path.join(built, ...file.split('/')), path.join(out, ...file.split('/')));
  await writeManifest(out, files);
}
