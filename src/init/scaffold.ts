/**
 * `chartroom init`'s work: a new catalog repository in a folder (made if missing, `git init`-ed
 * if it is not in a repository), or, when any file it would write exists, nothing at all. A
 * package.json that already pins this chartroom exactly (`npm install --save-exact chartroom`
 * made it), when it is the only one of its files there, is kept as it is.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkRecipients, recipientsFor } from './age.ts';
import { contentOf, installedVersion, SCAFFOLD } from './files.ts';

const run = promisify(execFile);

export type InitResult =
  | {
      written: false;
      existing: string[];
      /** why an existing package.json was not kept */ packageJson?: string;
    }
  | {
      written: true;
      files: string[];
      /** files left as they were: a package.json that pins this version already */
      kept: string[];
      version: string;
      recipients: string[];
      /** a generated key pair's private key, to be printed once */
      identity?: string;
      /** whether `git init` was run */
      gitInitialized: boolean;
    };

/** Scaffolds a catalog repository in `dir`; writes nothing when any target exists. */
export async function initCatalog(dir: string, options: { recipients: string[] }): Promise<InitResult> {
  checkRecipients(options.recipients);
  const version = await installedVersion();
  const existing = SCAFFOLD.map((e) => e.file).filter((file) => existsSync(path.join(dir, file)));
  const kept = existing.length === 1 && (await pinsVersion(dir, version)) ? ['package.json'] : [];
  if (existing.length > kept.length) {
    const packageJson = existing.includes('package.json')
      ? await whyNotKept(dir, version, existing)
      : undefined;
    return { written: false, existing, ...(packageJson ? { packageJson } : {}) };
  }
  const targets = SCAFFOLD.filter((e) => !kept.includes(e.file));
  const { recipients, identity } = await recipientsFor(options.recipients);
  const contents = await Promise.all(targets.map((entry) => contentOf(entry, { version, recipients })));
  await mkdir(dir, { recursive: true });
  const gitInitialized = !(await inRepository(dir));
  if (gitInitialized) await run('git', ['init', '--quiet'], { cwd: dir });
  for (const [i, entry] of targets.entries()) {
    const target = path.join(dir, entry.file);
    await mkdir(path.dirname(target), { recursive: true });
    // `wx`: a file that appeared since the check is not overwritten either
    await writeFile(target, contents[i]!, { flag: 'wx' });
  }
  return {
    written: true,
    files: targets.map((e) => e.file),
    kept,
    version,
    recipients,
    gitInitialized,
    ...(identity ? { identity } : {}),
  };
}

/** Whether dir's package.json depends on exactly this chartroom version. */
async function pinsVersion(dir: string, version: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, unknown>;
    };
    return pkg.dependencies?.chartroom === version;
  } catch {
    return false;
  }
}

/**
 * Why init refuses a package.json: a chartroom installed from a tarball, a git URL or a range is
 * not what the workflows' `npm ci` can install at this exact version.
 */
async function whyNotKept(dir: string, version: string, existing: string[]): Promise<string | undefined> {
  if (existing.length > 1) return undefined;
  let spec: unknown;
  try {
    spec = (
      JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, unknown>;
      }
    ).dependencies?.chartroom;
  } catch {
    return 'it does not parse as JSON';
  }
  const found =
    spec === undefined
      ? 'it does not depend on chartroom'
      : `its dependency is "chartroom": ${JSON.stringify(spec)}`;
  return `${found}; init keeps a package.json only when it pins chartroom ${version} exactly, as \`npm install --save-exact chartroom\` writes it (the workflows install that version): set "chartroom": "${version}" under dependencies, or move package.json away`;
}

async function inRepository(dir: string): Promise<boolean> {
  try {
    await run('git', ['rev-parse', '--git-dir'], { cwd: dir });
    return true;
  } catch {
    return false;
  }
}
