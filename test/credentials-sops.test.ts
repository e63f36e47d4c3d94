/**
 * SOPS credentials end to end: `credential add` writes a file that independent readers
 * (sops-age, Debian's age CLI) read, a sync behind Basic auth uses it, nothing leaks, and bad
 * credentials fail the registry (sync, exit 1) or the check (validate, exit 2).
 */
import { execFileSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { decryptSops as sopsAgeDecrypt } from 'sops-age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { chartroom } from './helpers/cli.ts';
import { ageCli, newAgeKey } from '../testkit/age.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry } from '../testkit/oci-registry.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';
import { readTexts } from './helpers/tree.ts';

const SECRET = 'tok3n-Very-S3cret/+=';

let repo: TempRepo;
let served: ServedRepository;
let key: { identity: string; recipient: string };
let env: Record<string, string>;
const file = () => path.join(repo.root, 'registries', 'credentials', 'internal.yaml');

beforeAll(async () => {
  repo = await createTempRepo();
  key = await newAgeKey();
  env = { SOPS_AGE_KEY: `# test key\n${key.identity}\n` };
  const chart = await writeOwnChart('private-app');
  served = await serveCharts([{ dir: chart.dir, name: 'private-app', versions: ['1.0.0', '1.1.0'] }]);
  served.server.basicAuth = { username: 'robot', password: SECRET };
  await writeFile(
    path.join(repo.root, '.sops.yaml'),
    `creation_rules:\n  - path_regex: registries/credentials/.*\\.yaml$\n    age: ${key.recipient}\n`,
  );
  await repo.writeRegistry('internal', `url: ${served.url}\ninsecure: true\ncredential: internal\n`);
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
});

describe('SOPS credentials', () => {
  it('credential add reads the secret from stdin and writes a SOPS file', async () => {
    const result = await chartroom(
      ['credential', 'add', 'internal', '--host', '127.0.0.1', '--username', 'robot', '--root', repo.root],
      {
        input: `${SECRET}\n`,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      'wrote registries/credentials/internal.yaml, encrypted to 1 age recipient',
    );
    const text = await readFile(file(), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('- 127.0.0.1');
  });

  it('is read by sops-age, and its data key by the age CLI', async () => {
    const text = await readFile(file(), 'utf8');
    expect(await sopsAgeDecrypt(text, { fileType: 'yaml', secretKey: key.identity })).toEqual({
      hosts: ['127.0.0.1'],
      username: 'robot',
      password: SECRET,
    });
    const doc = parse(text) as { password: string; sops: { age: Array<{ enc: string }> } };
    const dir = await mkdtemp(path.join(tmpdir(), 'age-'));
    await writeFile(path.join(dir, 'key.txt'), `${key.identity}\n`);
    const dataKey = execFileSync(ageCli(), ['--decrypt', '-i', path.join(dir, 'key.txt')], {
      input: doc.sops.age[0]!.enc,
    });
    expect(dataKey).toHaveLength(32);
    const [, data, iv, tag] = /data:([^,]*),iv:([^,]*),tag:([^,]*)/.exec(doc.password)!;
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv!, 'base64'));
    decipher.setAAD(Buffer.from('password:'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64'));
    expect(Buffer.concat([decipher.update(Buffer.from(data!, 'base64')), decipher.final()]).toString()).toBe(
      SECRET,
    );
  });

  it('validate passes, decrypting with the key when it has one', async () => {
    const withKey = await chartroom(['validate', '--root', repo.root], { env });
    expect(withKey.code).toBe(0);
    expect(withKey.stdout).toContain('1 SOPS credential file(s) decrypted, MAC verified');
    const withoutKey = await chartroom(['validate', '--root', repo.root]);
    expect(withoutKey.code).toBe(0);
    expect(withoutKey.stdout).toContain('not decrypted');
  });

  it('a sync behind Basic auth uses it, and the secret appears nowhere', async () => {
    const result = await chartroom(['sync', '--root', repo.root, '--json'], { env });
    expect(result.code).toBe(0);
    expect(served.server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`robot:${SECRET}`).toString('base64')}`,
    );
    const report = JSON.parse(result.stdout) as { registries: Array<{ added: unknown[] }> };
    expect(report.registries[0]!.added).toHaveLength(2);

    const forms = [
      SECRET,
      Buffer.from(SECRET).toString('base64'),
      encodeURIComponent(SECRET),
      Buffer.from(`robot:${SECRET}`).toString('base64'),
    ];
    const history = execFileSync('git', ['log', '-p', '--all'], { cwd: repo.root }).toString();
    const catalog = await readTexts(path.join(repo.root, 'catalog'));
    const state = await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8');
    for (const haystack of [result.stdout, result.stderr, history, state, ...catalog]) {
      for (const form of forms) expect(haystack).not.toContain(form);
    }
  });

  it('a wrong secret fails with unauthorized: authentication required and loses nothing', async () => {
    await chartroom(
      ['credential', 'add', 'internal', '--host', '127.0.0.1', '--username', 'robot', '--root', repo.root],
      { input: 'wrong-one' },
    );
    const before = await readFile(
      path.join(repo.root, 'catalog', 'charts', 'internal', 'private-app', 'chart.json'),
      'utf8',
    );
    const result = await chartroom(['sync', '--root', repo.root, '--force'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '✗ internal: unauthorized: authentication required: GET http://127.0.0.1',
    );
    expect(result.stderr).not.toContain('wrong-one');
    expect(
      await readFile(
        path.join(repo.root, 'catalog', 'charts', 'internal', 'private-app', 'chart.json'),
        'utf8',
      ),
    ).toBe(before);
  });

  it('a credential that does not decrypt fails its registry in sync (others go on) and validate with exit 2', async () => {
    const other = await newAgeKey();
    const chart = await writeOwnChart('public-app');
    const open = await serveCharts([{ dir: chart.dir, name: 'public-app', versions: ['1.0.0'] }]);
    try {
      await repo.writeRegistry('public', `url: ${open.url}\ninsecure: true\n`);
      const wrongKey = { SOPS_AGE_KEY: other.identity };
      const result = await chartroom(['sync', '--root', repo.root, '--force'], { env: wrongKey });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `✗ internal: cannot decrypt registries/credentials/internal.yaml: the age key read from SOPS_AGE_KEY, whose public key is ${other.recipient}, is not one of the file's recipients (${key.recipient})`,
      );
      expect(result.stderr).toContain('✓ public: 1 new');
      const validate = await chartroom(['validate', '--root', repo.root], { env: wrongKey });
      expect(validate.code).toBe(2);
      expect(validate.stderr).toContain('registries/credentials/internal.yaml: cannot decrypt');
    } finally {
      await repo.removeRegistry('public');
      await open.close();
    }
  });

  it('validate refuses plaintext secrets (with their line), wrong recipients and foreign hosts', async () => {
    const good = await readFile(file(), 'utf8');
    try {
      await writeFile(file(), 'hosts: [127.0.0.1]\nusername: robot\npassword: hunter2-plain\n');
      let result = await chartroom(['validate', '--root', repo.root]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'registries/credentials/internal.yaml:3:11: password is a plaintext secret',
      );
      expect(result.stderr).not.toContain('hunter2-plain');

      const other = await newAgeKey();
      await writeFile(path.join(repo.root, '.sops.yaml'), `creation_rules:\n  - age: ${other.recipient}\n`);
      await writeFile(file(), good);
      result = await chartroom(['validate', '--root', repo.root]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `encrypted to ${key.recipient}, but .sops.yaml names ${other.recipient}`,
      );
      await writeFile(path.join(repo.root, '.sops.yaml'), `creation_rules:\n  - age: ${key.recipient}\n`);

      await writeFile(file(), good.replace('- 127.0.0.1', '- charts.example.org'));
      result = await chartroom(['validate', '--root', repo.root]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('may not be used for host 127.0.0.1');
    } finally {
      await writeFile(file(), good);
    }
  });

  it('credential rotate re-encrypts to the recipients .sops.yaml names now', async () => {
    const good = await readFile(file(), 'utf8');
    const sopsConfig = await readFile(path.join(repo.root, '.sops.yaml'), 'utf8');
    const next = await newAgeKey();
    try {
      await writeFile(
        path.join(repo.root, '.sops.yaml'),
        `creation_rules:\n  - age: ${key.recipient},${next.recipient}\n`,
      );
      const result = await chartroom(['credential', 'rotate', '--root', repo.root], { env });
      expect(result.stdout).toContain('re-encrypted registries/credentials/internal.yaml to 2 recipients');
      const rotated = await readFile(file(), 'utf8');
      expect(await sopsAgeDecrypt(rotated, { fileType: 'yaml', secretKey: next.identity })).toMatchObject({
        hosts: ['127.0.0.1'],
      });
      expect(
        (await chartroom(['validate', '--root', repo.root], { env: { SOPS_AGE_KEY: next.identity } })).code,
      ).toBe(0);
    } finally {
      await writeFile(file(), good);
      await writeFile(path.join(repo.root, '.sops.yaml'), sopsConfig);
    }
  });

  it('an OCI registry behind htpasswd syncs with a SOPS credential, and fails with unauthorized with a wrong one', async () => {
    const registry = await startRegistry('htpasswd');
    try {
      const chart = await writeOwnChart('oci-private');
      await pushChart(
        registry,
        'team/oci-private',
        await packChartDir(chart.dir, { name: 'oci-private', version: '2.0.0' }),
        '2.0.0',
      );
      const add = (secret: string) =>
        chartroom(
          [
            'credential',
            'add',
            'regcred',
            '--host',
            registry.host,
            '--username',
            'admin',
            '--root',
            repo.root,
          ],
          { input: secret },
        );
      await add('admin-pass-1');
      await repo.writeRegistry(
        'team',
        `url: oci://${registry.host}/team\ninsecure: true\ncharts: [oci-private]\ncredential: regcred\n`,
      );
      const ok = await chartroom(['sync', '--root', repo.root, '--registry', 'team'], { env });
      expect(ok.stderr).toContain('✓ team: 1 new');
      expect(ok.code).toBe(0);
      await add('not-the-password');
      const bad = await chartroom(['sync', '--root', repo.root, '--registry', 'team'], { env });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/✗ team: unauthorized: authentication required/);
      expect(bad.stderr + bad.stdout).not.toContain('not-the-password');
    } finally {
      await repo.removeRegistry('team');
      await registry.close();
    }
  });
});
