/**
 * Credentials that cannot be used: a SOPS file changed after encryption (its hosts, its MAC, its
 * lastmodified, an encrypted value), broken YAML (SOPS and plain), a file that does not exist.
 * Each fails only its own registry in a sync (another registry in the same run syncs, exit 1)
 * with a message that names the file and the reason, and is a configuration error in validate
 * (exit 2). The secret is never printed. (A key that is not a recipient is in
 * credentials-sops.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAgeKey } from '../testkit/age.ts';
import { chartroom, type CliResult } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';
import { readTexts } from './helpers/tree.ts';

const SECRET = 'Cr3dential-N3ver-Printed';

interface Case {
  /** the row label, as docs/reliability.md cites it */
  label: string;
  /** the registry and its credential file's name */
  name: string;
  /** the credential file, from a good SOPS file; undefined: no file */
  make: ((good: string) => string) | undefined;
  /** the error code the catalog records */
  code: string;
  /** the reason, in sync and validate */
  reason: string;
  /** what validate says, when it differs from the sync's reason */
  validate?: string;
}

const swapOnce = (text: string, from: RegExp, to: (match: string) => string) => {
  const match = from.exec(text);
  if (!match) throw new Error(`fixture: ${from} not found`);
  return text.replace(match[0], to(match[0]));
};
// change one base64 character, keeping it base64
const flip = (b64: string) => (b64[0] === 'A' ? 'B' : 'A') + b64.slice(1);

const CASES: Case[] = [
  {
    label: 'SOPS credential whose hosts were changed after encryption (MAC mismatch)',
    name: 'hosts-added',
    make: (good) => swapOnce(good, /^ {2}- 127\.0\.0\.1$/m, (line) => `${line}\n  - localhost`),
    code: 'SopsTampered',
    reason: 'registries/credentials/hosts-added.yaml is refused: MAC mismatch',
    validate: 'registries/credentials/hosts-added.yaml: refused: MAC mismatch',
  },
  {
    label: 'SOPS credential whose sops.mac was changed',
    name: 'mac-changed',
    make: (good) => swapOnce(good, /(?<=mac: ENC\[AES256_GCM,data:)[^,]+/, flip),
    code: 'SopsTampered',
    reason: 'registries/credentials/mac-changed.yaml is refused: its MAC does not authenticate',
    validate: 'registries/credentials/mac-changed.yaml: refused: its MAC does not authenticate',
  },
  {
    label: 'SOPS credential whose sops.lastmodified was changed',
    name: 'lastmodified-changed',
    make: (good) => swapOnce(good, /(?<=lastmodified: )\S+/, () => '2020-01-01T00:00:00Z'),
    code: 'SopsTampered',
    reason: 'registries/credentials/lastmodified-changed.yaml is refused: its MAC does not authenticate',
    validate: 'registries/credentials/lastmodified-changed.yaml: refused: its MAC does not authenticate',
  },
  {
    label: 'SOPS credential with one encrypted value changed',
    name: 'value-changed',
    make: (good) => swapOnce(good, /(?<=password: ENC\[AES256_GCM,data:)[^,]+/, flip),
    code: 'SopsTampered',
    reason:
      'registries/credentials/value-changed.yaml is refused: the value at "password" does not authenticate',
    validate:
      'registries/credentials/value-changed.yaml: refused: the value at "password" does not authenticate',
  },
  {
    label: 'SOPS credential with broken YAML',
    name: 'broken-sops',
    make: (good) => swapOnce(good, /^username: /m, (key) => `\t${key}`),
    code: 'SopsInvalid',
    // the tab is on line 3, column 1
    reason: 'registries/credentials/broken-sops.yaml:3:1 does not parse: Tabs are not allowed as indentation',
    validate: 'registries/credentials/broken-sops.yaml:3:1: YAML syntax: Tabs are not allowed as indentation',
  },
  {
    label: 'plain credential with broken YAML',
    name: 'broken-plain',
    make: () => 'hosts: [127.0.0.1\npassword: {env: REGISTRY_TOKEN}\n',
    code: 'CredentialUnavailable',
    // at the [ that is never closed, line 1 column 8
    reason: 'registries/credentials/broken-plain.yaml:1:8 does not parse: ',
    validate: 'registries/credentials/broken-plain.yaml:1:8: YAML syntax: ',
  },
  {
    label: 'credential naming a file that does not exist',
    name: 'missing',
    make: undefined,
    code: 'CredentialUnavailable',
    reason: 'credential file registries/credentials/missing.yaml does not exist',
    // the registry file's `credential:` value, line 3 column 13
    validate:
      'registries/missing.yaml:3:13: credential "missing" names registries/credentials/missing.yaml, which does not exist',
  },
];

let repo: TempRepo;
let served: ServedRepository;
let sync: CliResult;
let validate: CliResult;
let validateWithoutKey: CliResult;

beforeAll(async () => {
  repo = await createTempRepo();
  const key = await newAgeKey();
  const env = { SOPS_AGE_KEY: key.identity };
  const chart = await writeOwnChart('open-app');
  served = await serveCharts([{ dir: chart.dir, name: 'open-app', versions: ['1.0.0'] }]);
  await writeFile(
    path.join(repo.root, '.sops.yaml'),
    `creation_rules:\n  - path_regex: registries/credentials/.*\\.yaml$\n    age: ${key.recipient}\n`,
  );
  const add = await chartroom(
    ['credential', 'add', 'good', '--host', '127.0.0.1', '--username', 'robot', '--root', repo.root],
    { input: SECRET },
  );
  expect(add.code).toBe(0);
  const goodFile = path.join(repo.root, 'registries', 'credentials', 'good.yaml');
  const good = await readFile(goodFile, 'utf8');
  await rm(goodFile);
  for (const c of CASES) {
    if (c.make) await repo.writeCredential(c.name, c.make(good));
    await repo.writeRegistry(c.name, `url: ${served.url}\ninsecure: true\ncredential: ${c.name}\n`);
  }
  await repo.writeRegistry('public', `url: ${served.url}\ninsecure: true\n`);
  [sync, validate, validateWithoutKey] = await Promise.all([
    chartroom(['sync', '--root', repo.root], { env: { ...env, REGISTRY_TOKEN: 'unused' } }),
    chartroom(['validate', '--root', repo.root], { env }),
    chartroom(['validate', '--root', repo.root], { env: {} }),
  ]);
}, 60_000);

afterAll(async () => {
  await served?.close();
  await repo?.cleanup();
});

describe('credentials that cannot be used', () => {
  it('fail only their registries in a sync (exit 1): the registry without one syncs and commits', async () => {
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain('✓ public: 1 new');
    const lines = sync.stderr.split('\n').filter((l) => /^[✓✗!] /.test(l));
    expect(
      lines
        .filter((l) => l.startsWith('✗ '))
        .map((l) => l.split(':')[0])
        .sort(),
    ).toEqual(CASES.map((c) => `✗ ${c.name}`).sort());
    const names = CASES.map((c) => c.name).sort();
    expect(names.length).toBeGreaterThan(5);
    expect(execFileSync('git', ['log', '-1', '--format=%s'], { cwd: repo.root }).toString()).toBe(
      // a subject names five failing registries, then how many more (the body lists them all)
      `sync: 1 new version in 1 registry, ${names.slice(0, 5).join(', ')} and ${names.length - 5} more failing\n`,
    );
    const body = execFileSync('git', ['log', '-1', '--format=%b'], { cwd: repo.root }).toString();
    for (const name of names) expect(body).toMatch(new RegExp(`^- ${name}: [A-Za-z]+$`, 'm'));
    expect(
      await readFile(
        path.join(repo.root, 'catalog', 'charts', 'public', 'open-app', '1.0.0', 'Chart.yaml'),
        'utf8',
      ),
    ).toContain('name: open-app');
    // no request was made with a credential that failed
    expect(served.server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('validate exits 2 with a key (decrypting, checking each MAC) and reports each one', () => {
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`${CASES.length} problems found`);
    // without the key (a pull request) what needs no key is still found
    expect(validateWithoutKey.code).toBe(2);
    expect(validateWithoutKey.stderr).toContain('3 problems found');
    for (const name of ['broken-sops', 'broken-plain', 'missing']) {
      const c = CASES.find((x) => x.name === name)!;
      expect(validateWithoutKey.stderr).toContain(`error: ${c.validate}`);
    }
  });

  it('never print the secret, nor write it anywhere', async () => {
    const catalog = await readTexts(path.join(repo.root, 'catalog'));
    const history = execFileSync('git', ['log', '-p', '--all'], { cwd: repo.root }).toString();
    for (const haystack of [
      sync.stdout,
      sync.stderr,
      validate.stdout,
      validate.stderr,
      history,
      ...catalog,
    ]) {
      expect(haystack).not.toContain(SECRET);
      expect(haystack).not.toContain(Buffer.from(SECRET).toString('base64'));
    }
  });

  it.each(CASES.map((c) => [c.label, c] as const))(
    '%s: fails its registry naming the file and the reason, and validate',
    async (_label, c) => {
      const line = sync.stderr.split('\n').find((l) => l.startsWith(`✗ ${c.name}: `));
      expect(line, sync.stderr).toBeDefined();
      expect(line).toContain(c.reason);
      const recorded = JSON.parse(
        await readFile(path.join(repo.root, 'catalog', 'registries', `${c.name}.json`), 'utf8'),
      ) as { error?: { code: string; message: string } };
      expect(recorded.error?.code).toBe(c.code);
      expect(recorded.error?.message).toContain(c.reason);
      expect(validate.stderr).toContain(`error: ${c.validate ?? c.reason}`);
    },
  );
});
