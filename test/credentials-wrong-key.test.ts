/**
 * An age key that is not one of a SOPS credential's recipients, through the real CLI: `validate`
 * (exit 2) and `sync` (the registry fails, exit 1) name the variable that was read (SOPS_AGE_KEY,
 * or SOPS_AGE_KEY_FILE with its path), the public key of what it holds (never the secret), the
 * file's recipients, and what to set: that variable, or `credential rotate` by a holder.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { newAgeKey } from '../testkit/age.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let owner: { identity: string; recipient: string };
let other: { identity: string; recipient: string };
let keyFile: string;
const FILE = 'registries/credentials/internal.yaml';

beforeAll(async () => {
  repo = await createTempRepo();
  [owner, other] = [await newAgeKey(), await newAgeKey()];
  await writeFile(
    path.join(repo.root, '.sops.yaml'),
    `creation_rules:\n  - path_regex: registries/credentials/.*\\.yaml$\n    age: ${owner.recipient}\n`,
  );
  const add = await chartroom(
    ['credential', 'add', 'internal', '--host', '127.0.0.1', '--username', 'robot', '--root', repo.root],
    { input: 'a-secret-token\n' },
  );
  expect(add.code).toBe(0);
  // nothing listens there: the credential fails before any request
  await repo.writeRegistry(
    'internal',
    'url: http://127.0.0.1:9/charts\ninsecure: true\ncredential: internal\n',
  );
  keyFile = path.join(await mkdtemp(path.join(tmpdir(), 'age-key-')), 'keys.txt');
  await writeFile(keyFile, `# created: by a test\n${other.identity}\n`);
});
afterAll(() => repo.cleanup());

describe('a wrong age key', () => {
  const cases = (): Array<{ variable: string; env: Record<string, string>; read: string; set: string }> => [
    {
      variable: 'SOPS_AGE_KEY',
      env: { SOPS_AGE_KEY: other.identity },
      read: 'SOPS_AGE_KEY',
      set: 'set SOPS_AGE_KEY to the key of one of them',
    },
    {
      variable: 'SOPS_AGE_KEY_FILE',
      env: { SOPS_AGE_KEY_FILE: keyFile },
      read: `SOPS_AGE_KEY_FILE (${keyFile})`,
      set: `put the key of one of them in ${keyFile}, or point SOPS_AGE_KEY_FILE at a file that holds it`,
    },
  ];
  it.each([0, 1])(
    'case %i: validate and sync name the variable read, its key, the recipients and what to set',
    async (i) => {
      const c = cases()[i]!;
      const said =
        `cannot decrypt: the age key read from ${c.read}, whose public key is ${other.recipient}, is not one of the file's recipients (${owner.recipient}); ` +
        `${c.set}, or have someone who holds one run chartroom credential rotate`;
      const validate = await chartroom(['validate', '--root', repo.root], { env: c.env });
      expect(validate.code).toBe(2);
      expect(validate.stderr).toContain(`error: ${FILE}: ${said}`);
      const sync = await chartroom(['sync', '--root', repo.root, '--no-commit'], { env: c.env });
      expect(sync.code).toBe(1);
      expect(sync.stderr).toContain(
        `✗ internal: ${said.replace('cannot decrypt:', `cannot decrypt ${FILE}:`)}`,
      );
      for (const out of [validate.stderr, validate.stdout, sync.stderr, sync.stdout]) {
        expect(out).not.toContain(other.identity);
        expect(out).not.toContain(c.variable === 'SOPS_AGE_KEY' ? 'SOPS_AGE_KEY_FILE' : 'set SOPS_AGE_KEY ');
      }
    },
  );
});
