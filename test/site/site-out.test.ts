/**
 * `chartroom site build --out DIR` deletes only what chartroom wrote: the repository, its
 * catalog/, registries/ and .git are refused as an output folder however they are spelled
 * (relative to --root, `..`, trailing slashes, symlinks); in a folder with the user's own files
 * (`--out docs`, a GitHub Pages setup) those files are kept, a file the site would overwrite
 * stops the build, and a rebuild removes only the files of the last build it no longer writes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';

let repo: TempRepo;
let outside: string;
/** The working folder the tests ran in, restored after. */
const started = process.cwd();

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, out: (line) => lines.push(line), err: (line) => lines.push(line) };
}

/** Every file under dir (.git included) and its hash. */
function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name))
      .map((file) => [
        path.relative(dir, file),
        createHash('sha256').update(readFileSync(file)).digest('hex'),
      ]),
  );
}

async function siteBuild(out: string): Promise<{ code: number; text: string }> {
  const output = capture();
  const code = await main(['--root', repo.root, 'site', 'build', '--out', out], output);
  return { code, text: output.lines.join('\n') };
}

const manifest = async (dir: string) =>
  (JSON.parse(await readFile(path.join(dir, '.chartroom-site'), 'utf8')) as { files: string[] }).files;

beforeAll(async () => {
  repo = await createTempRepo();
  await repo.writeRegistry('demo', 'url: https://charts.example/\ninterval: 0\n');
  await mkdir(path.join(repo.root, 'catalog'));
  await writeFile(path.join(repo.root, 'catalog', 'catalog.json'), '{\n  "formatVersion": 1\n}\n');
  // an unpushed catalog commit: what `--out .` used to delete with .git
  await repo.git.add(['registries', 'catalog']).commit('sync: update catalog');
  outside = await mkdtemp(path.join(tmpdir(), 'chartroom-out-'));
  // the command runs in an empty folder deep inside a temp one: a relative --out taken from the
  // working folder instead of from --root (as before the fix) can touch only what is under it
  const cwd = path.join(outside, 'cwd', 'a', 'b');
  await mkdir(cwd, { recursive: true });
  process.chdir(cwd);
});

afterAll(async () => {
  process.chdir(started);
  await repo?.cleanup();
  if (outside) await rm(outside, { recursive: true, force: true });
});

describe('site build --out', () => {
  it(
    'refuses the repository root, catalog/, registries/ and .git however spelled, exits 2 and deletes nothing',
    { timeout: 60_000 },
    async () => {
      const before = hashes(repo.root);
      const spellings = [
        '.',
        './',
        `${repo.root}/`,
        'catalog',
        'catalog/../registries/',
        'registries/site',
        '.git',
        '..',
        `${repo.root}/catalog/../.`,
      ];
      for (const out of spellings) {
        const result = await siteBuild(out);
        expect(result.code, `--out ${out}: ${result.text}`).toBe(2);
        expect(result.text).toContain(
          "the site's folder is never the repository or a folder that holds it, nor its catalog/, registries/ or .git",
        );
        expect(result.text).toContain('pass a folder of its own instead, such as --out dist or --out docs');
      }
      expect(hashes(repo.root)).toEqual(before);
      expect((await repo.git.log()).latest?.message).toBe('sync: update catalog');
    },
  );

  it('refuses a symlink to the repository or into its catalog/', async () => {
    const before = hashes(repo.root);
    await symlink(repo.root, path.join(outside, 'to-repo'));
    await symlink(path.join(repo.root, 'catalog'), path.join(outside, 'to-catalog'));
    for (const out of ['to-repo', 'to-repo/', 'to-catalog', 'to-catalog/site', 'to-repo/registries']) {
      const result = await siteBuild(path.join(outside, out));
      expect(result.code, `--out ${out}: ${result.text}`).toBe(2);
      expect(result.text).toContain('pass a folder of its own instead');
    }
    expect(hashes(repo.root)).toEqual(before);
  });

  it('--out docs keeps the user files there, refuses to overwrite one, and a rebuild removes only its own', async () => {
    const docs = path.join(repo.root, 'docs');
    await mkdir(path.join(docs, 'guide'), { recursive: true });
    const own = { CNAME: 'charts.acme.example\n', '.nojekyll': '', 'guide/intro.md': '# Our guide\n' };
    for (const [file, body] of Object.entries(own)) await writeFile(path.join(docs, file), body);

    const first = await siteBuild('docs');
    expect(first.code, first.text).toBe(0);
    expect(existsSync(path.join(docs, 'index.html'))).toBe(true);
    for (const [file, body] of Object.entries(own))
      expect(await readFile(path.join(docs, file), 'utf8')).toBe(body);
    const files = await manifest(docs);
    expect(files).toContain('index.html');
    expect(files).not.toContain('CNAME');
    expect(files.filter((f) => f.startsWith('guide/'))).toEqual([]);

    // a user's file where the site has one: refused before anything changes
    await writeFile(path.join(docs, 'feed.xml.bak'), 'x');
    await rm(path.join(docs, '404.html'));
    await writeFile(path.join(docs, '404.html'), '<p>our own 404</p>');
    const record = JSON.parse(await readFile(path.join(docs, '.chartroom-site'), 'utf8')) as {
      files: string[];
    };
    await writeFile(
      path.join(docs, '.chartroom-site'),
      JSON.stringify({ files: record.files.filter((f) => f !== '404.html') }),
    );
    const snapshot = hashes(docs);
    const clash = await siteBuild('docs');
    expect(clash.code, clash.text).toBe(2);
    expect(clash.text).toContain('holds files chartroom did not write where the site has its own (404.html)');
    expect(hashes(docs)).toEqual(snapshot);

    // the last build's page it no longer writes is removed, with its folder; a forged entry
    // pointing outside the folder, and the user's files, are not
    await rm(path.join(docs, '404.html'));
    await mkdir(path.join(docs, 'old-chart'));
    await writeFile(path.join(docs, 'old-chart', 'index.html'), 'stale');
    await writeFile(path.join(outside, 'keep.txt'), 'keep');
    await writeFile(
      path.join(docs, '.chartroom-site'),
      JSON.stringify({
        files: [
          ...record.files,
          'old-chart/index.html',
          `../${path.relative(docs, path.join(outside, 'keep.txt'))}`,
          'CNAME/..',
        ],
      }),
    );
    const second = await siteBuild('docs');
    expect(second.code, second.text).toBe(0);
    expect(existsSync(path.join(docs, 'old-chart'))).toBe(false);
    expect(existsSync(path.join(docs, '404.html'))).toBe(true);
    expect(await readFile(path.join(outside, 'keep.txt'), 'utf8')).toBe('keep');
    for (const [file, body] of Object.entries(own))
      expect(await readFile(path.join(docs, file), 'utf8')).toBe(body);
    expect(await readFile(path.join(docs, 'feed.xml.bak'), 'utf8')).toBe('x');
    expect(await manifest(docs)).toEqual(files);
  }, 180_000);

  it('chartroom demo --dir refuses a folder that holds files, exits 2 and writes nothing', async () => {
    const dir = path.join(outside, 'mine');
    await mkdir(dir);
    await writeFile(path.join(dir, '.gitignore'), 'our-own\n');
    await writeFile(path.join(dir, 'notes.txt'), 'ours');
    const before = hashes(dir);
    const output = capture();
    expect(await main(['demo', '--dir', dir, '--no-serve'], output)).toBe(2);
    expect(output.lines.join('\n')).toContain(`demo --dir ${dir} is not empty`);
    expect(hashes(dir)).toEqual(before);
    expect(existsSync(path.join(dir, '.git'))).toBe(false);
  });
});
