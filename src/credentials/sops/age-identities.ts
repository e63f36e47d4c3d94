/** The age identities sops reads: SOPS_AGE_KEY (keys, one a line, comments allowed), else SOPS_AGE_KEY_FILE, else sops's default keys.txt. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ChartroomError } from '../../errors.ts';

export type Env = Record<string, string | undefined>;

export interface Identities {
  keys: string[];
  /** where they came from, for error messages */
  source: string;
}

export function parseIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function loadIdentities(env: Env): Promise<Identities> {
  if (env.SOPS_AGE_KEY) return { keys: parseIdentities(env.SOPS_AGE_KEY), source: 'SOPS_AGE_KEY' };
  const file =
    env.SOPS_AGE_KEY_FILE ??
    path.join(env.XDG_CONFIG_HOME ?? path.join(env.HOME ?? homedir(), '.config'), 'sops', 'age', 'keys.txt');
  try {
    return {
      keys: parseIdentities(await readFile(file, 'utf8')),
      source: env.SOPS_AGE_KEY_FILE ? `SOPS_AGE_KEY_FILE (${file})` : file,
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
