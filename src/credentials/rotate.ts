/**
 * `credential rotate`'s work: re-encrypts every SOPS credential file to the recipients
 * .sops.yaml names now, with a new data key, keeping each file's encryption rules. Plain
 * (environment-reference) credential files are left as they are.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CREDENTIALS_DIR, type Env } from './resolve.ts';
import { loadIdentities } from './sops/age-identities.ts';
import { creationRuleFor } from './sops/config.ts';
import { decryptSops, parseSopsDocument } from './sops/decrypt.ts';
import { encryptSops } from './sops/encrypt.ts';

/** Returns how many files were rotated; `onRotated` hears of each as it is written. */
export async function rotateCredentials(
  root: string,
  env: Env,
  onRotated: (file: string, recipients: number) => void,
): Promise<number> {
  const identities = await loadIdentities(env);
  let names: string[] = [];
  try {
    names = (await readdir(path.join(root, CREDENTIALS_DIR))).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    // nothing to rotate
  }
  let count = 0;
  for (const name of names) {
    const file = path.posix.join(CREDENTIALS_DIR, name);
    const text = await readFile(path.join(root, file), 'utf8');
    if (!/^sops:/m.test(text)) continue;
    const { meta } = parseSopsDocument(text, file);
    const data = await decryptSops(text, file, identities);
    const rule = await creationRuleFor(root, file);
    await writeFile(path.join(root, file), await encryptSops(data, rule.recipients, meta));
    onRotated(file, rule.recipients.length);
    count++;
  }
  return count;
}
