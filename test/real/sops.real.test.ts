/**
 * The SOPS files in ../shared/fixtures/sops were written by real sops 3.7.1 to 3.9.2: the
 * reference for the format. Each decrypts with its key to the plaintext beside it, MAC verified;
 * the same files with one ciphertext byte changed, one unencrypted value changed, or one key
 * removed are refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseIdentities } from '../../src/credentials/sops/age-identities.ts';
import { decryptSops } from '../../src/credentials/sops/decrypt.ts';
import { fixturesDir } from '../../testkit/fixtures.ts';

const dir = path.join(fixturesDir(), 'sops');
const read = (p: string) => readFileSync(path.join(dir, p), 'utf8');
const cases = [
  { file: 'sops-age/secret.enc.yaml', key: 'sops-age/key.txt', plain: 'sops-age/secret.enc.yaml.plain' },
  { file: 'sops-age/secret.enc.json', key: 'sops-age/key.txt', plain: 'sops-age/secret.json' },
  {
    file: 'kustomize-controller/age.yaml',
    key: 'kustomize-controller/key.txt',
    plain: 'kustomize-controller/age.yaml.plain',
  },
  {
    file: 'helm-secrets/secrets.age.yaml',
    key: 'helm-secrets/key.txt',
    plain: 'helm-secrets/secrets.age.yaml.plain',
  },
];
const identities = (keyFile: string) => ({ keys: parseIdentities(read(keyFile)), source: keyFile });

describe.each(cases)('$file', ({ file, key, plain }) => {
  const text = read(file);

  it('decrypts to the plaintext beside it, MAC verified', async () => {
    expect(await decryptSops(text, file, identities(key))).toEqual(load(read(plain)));
  });

  it('refuses it with one ciphertext byte changed', async () => {
    // flip one base64 character of the first encrypted value's data
    const changed = text.replace(
      /ENC\[AES256_GCM,data:(.)/,
      (_m, c: string) => `ENC[AES256_GCM,data:${c === 'A' ? 'B' : 'A'}`,
    );
    expect(changed).not.toBe(text);
    await expect(decryptSops(changed, file, identities(key))).rejects.toMatchObject({ code: 'SopsTampered' });
  });

  it('refuses it with one key removed', async () => {
    const isJson = file.endsWith('.json');
    const changed = isJson
      ? text.replace(/^\s*"string": "ENC\[[^\]]*\]",\n/m, '')
      : text.replace(/^ *[A-Za-z0-9_]+: ENC\[[^\]]*\]\n/m, '');
    expect(changed).not.toBe(text);
    await expect(decryptSops(changed, file, identities(key))).rejects.toThrow(/MAC mismatch/);
  });

  it('refuses it without the right key, naming the variable and the recipients', async () => {
    const other = cases.find((c) => c.key !== key)!.key;
    await expect(decryptSops(text, file, identities(other))).rejects.toThrow(
      /the age key read from \S+, whose public key is age1\w+, is not one of the file's recipients \(age1\w+.*\); set SOPS_AGE_KEY/,
    );
  });
});

it('refuses the kustomize-controller file with an unencrypted value changed (covered by the MAC)', async () => {
  const file = 'kustomize-controller/age.yaml';
  const text = read(file);
  const changed = text.replace('name: age', 'name: other');
  expect(changed).not.toBe(text);
  await expect(decryptSops(changed, file, identities('kustomize-controller/key.txt'))).rejects.toThrow(
    /MAC mismatch/,
  );
});
