import { describe, expect, it } from 'vitest';
import { newAgeKey } from '../../../testkit/age.ts';
import { decryptSops } from './decrypt.ts';
import { encryptSops } from './encrypt.ts';

const identities = (...keys: string[]) => ({
  keys,
  source: 'SOPS_AGE_KEY',
  variable: 'SOPS_AGE_KEY' as const,
});

describe('SOPS files', () => {
  it('round-trips every value type, nested maps, lists and numeric keys, with the MAC verified', async () => {
    const key = await newAgeKey();
    const data = {
      hosts: ['ghcr.io'],
      username: 'robot',
      password: 's3cret',
      port: 8443,
      ratio: 0.25,
      on: true,
      nested: { list: ['a', 'b'], 1234: 'numeric key' },
    };
    const text = await encryptSops(data, [key.recipient], {});
    expect(text).not.toContain('s3cret');
    expect(text).toMatch(/port: ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:int\]/);
    expect(text).toContain('type:float]');
    expect(text).toContain('type:bool]');
    expect(await decryptSops(text, 'f.yaml', identities(key.identity))).toEqual(data);
  });

  it('keeps unencrypted values readable (encrypted_regex) and still covers them with the MAC', async () => {
    const key = await newAgeKey();
    const text = await encryptSops({ hosts: ['charts.example.org'], password: 'pw-123' }, [key.recipient], {
      encryptedRegex: '^(username|password)$',
    });
    expect(text).toContain('- charts.example.org');
    expect(text).toContain('encrypted_regex: ^(username|password)$');
    const tampered = text.replace('charts.example.org', 'evil.example.org');
    await expect(decryptSops(tampered, 'f.yaml', identities(key.identity))).rejects.toThrow(
      /f\.yaml is refused: MAC mismatch/,
    );
  });

  it('refuses a changed ciphertext byte, a removed key, and reordered keys', async () => {
    const key = await newAgeKey();
    const text = await encryptSops({ username: 'u-1', password: 'p-1', extra: 'x-1' }, [key.recipient], {});
    const flipped = text.replace(
      /(password: ENC\[AES256_GCM,data:)(.)/,
      (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'),
    );
    await expect(decryptSops(flipped, 'f.yaml', identities(key.identity))).rejects.toThrow(
      /does not authenticate/,
    );
    const removed = text.replace(/^extra: .*\n/m, '');
    await expect(decryptSops(removed, 'f.yaml', identities(key.identity))).rejects.toThrow(/MAC mismatch/);
    const lines = text.split('\n');
    const swapped = [lines[1], lines[0], ...lines.slice(2)].join('\n');
    await expect(decryptSops(swapped, 'f.yaml', identities(key.identity))).rejects.toThrow(/refused/);
  });

  it('says which variable to set and which recipients the file expects', async () => {
    const key = await newAgeKey();
    const [other, third] = [await newAgeKey(), await newAgeKey()];
    const text = await encryptSops({ password: 'p' }, [key.recipient], {});
    await expect(decryptSops(text, 'creds.yaml', identities(other.identity))).rejects.toThrow(
      `cannot decrypt creds.yaml: the age key read from SOPS_AGE_KEY, whose public key is ${other.recipient}, is not one of the file's recipients (${key.recipient}); set SOPS_AGE_KEY to the key of one of them, or have someone who holds one run chartroom credential rotate`,
    );
    await expect(
      decryptSops(text, 'creds.yaml', {
        keys: [other.identity, third.identity],
        source: 'SOPS_AGE_KEY_FILE (/keys.txt)',
        variable: 'SOPS_AGE_KEY_FILE',
        file: '/keys.txt',
      }),
    ).rejects.toThrow(
      `the age keys read from SOPS_AGE_KEY_FILE (/keys.txt), whose public keys are ${other.recipient}, ${third.recipient}, are not among the file's recipients (${key.recipient}); put the key of one of them in /keys.txt, or point SOPS_AGE_KEY_FILE at a file that holds it`,
    );
    await expect(decryptSops(text, 'creds.yaml', { keys: [], source: 'none' })).rejects.toThrow(
      `cannot decrypt creds.yaml: no age key; set SOPS_AGE_KEY (or SOPS_AGE_KEY_FILE) to the key of one of its recipients: ${key.recipient}`,
    );
  });

  it('decrypts with any one of several recipients, and refuses files without sops metadata or MAC', async () => {
    const [a, b] = [await newAgeKey(), await newAgeKey()];
    const text = await encryptSops({ password: 'p' }, [a.recipient, b.recipient], {});
    expect(await decryptSops(text, 'f', identities(b.identity))).toEqual({ password: 'p' });
    await expect(decryptSops('password: p\n', 'f', identities(a.identity))).rejects.toThrow(
      /no sops metadata/,
    );
    await expect(
      decryptSops(text.replace(/^ {2}mac: .*$/m, ''), 'f', identities(a.identity)),
    ).rejects.toThrow(/no mac/);
  });
});
