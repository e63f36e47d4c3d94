/** The age identities sops reads: SOPS_AGE_KEY (keys, one a line, comments allowed), else SOPS_AGE_KEY_FILE, else sops's default keys.txt. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ChartroomError } from '../../errors.ts';

export type Env = Record<string, string | undefined>;

export interface Identities {
  keys: string[];
  /** where they came from, for error messages: `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE (path)`, sops's default file, or `none` */
  source: string;
  /** what to change so that another key is read, said to the user (see keyToSet) */
  variable?: 'SOPS_AGE_KEY' | 'SOPS_AGE_KEY_FILE';
  /** the key file read, when a file was */
  file?: string;
}

/** What to set so that the key of one of a file's recipients is read instead of the ones read now. */
export function keyToSet(identities: Identities): string {
  if (identities.variable === 'SOPS_AGE_KEY') return 'set SOPS_AGE_KEY to the key of one of them';
  if (identities.file) {
    const point = identities.variable
      ? 'point SOPS_AGE_KEY_FILE at a file that holds it'
      : 'set SOPS_AGE_KEY';
    return `put the key of one of them in ${identities.file}, or ${point}`;
  }
  return 'set SOPS_AGE_KEY (or SOPS_AGE_KEY_FILE) to the key of one of them';
}

export function parseIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function loadIdentities(env: Env): Promise<Identities> {
  if (env.SOPS_AGE_KEY)
    return { keys: parseIdentities(env.SOPS_AGE_KEY), source: 'SOPS_AGE_KEY', variable: 'SOPS_AGE_KEY' };
  const file =
    env.SOPS_AGE_KEY_FILE ??
    path.join(env.XDG_CONFIG_HOME ?? path.join(env.HOME ?? homedir(), '.config'), 'sops', 'age', 'keys.txt');
  try {
    return {
      keys: parseIdentities(await readFile(file, 'utf8')),
      source: env.SOPS_AGE_KEY_FILE ? `SOPS_AGE_KEY_FILE (${file})` : file,
      file,
      ...(env.SOPS_AGE_KEY_FILE ? { variable: 'SOPS_AGE_KEY_FILE' as const } : {}),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || env.SOPS_AGE_KEY_FILE) {
      throw new ChartroomError(
        'AgeKeyMissing',
        `cannot read the age key file ${file} named by SOPS_AGE_KEY_FILE`,
        {
          hint: 'point SOPS_AGE_KEY_FILE at a file of AGE-SECRET-KEY-1… lines, or put the key in SOPS_AGE_KEY',
        },
      );
    }
    return { keys: [], source: 'none' };
  }
}
