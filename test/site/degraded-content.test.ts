/**
 * One chart's content cannot break the site: a README of blockquotes nested thousands deep, a
 * values schema nested thousands deep in `anyOf` and in a `default`, and a values.yaml with a
 * megabyte-long line of spaces, beside an ordinary chart. `chartroom site build` exits 0, the
 * ordinary chart's page is as always, the hostile chart's page shows what could not be rendered
 * as plain text with a note, and the build's output names the file and why.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOwnChart } from '../helpers/own-charts.ts';
import { buildCatalogSite, type BuiltSite } from './browser.ts';

const DEPTH = 5000;
const nestedSchema = (wrap: (inner: string) => string, inner: string) => {
  let text = inner;
  for (let i = 0; i < DEPTH; i++) text = wrap(text);
  return text;
};

let site: BuiltSite;

beforeAll(async () => {
  const normal = await writeOwnChart('plain', { schema: true });
  const hostile = await writeOwnChart('deep', { schema: true });
  // ~3 KB of `> > > …`: marked recursed once per level and overflowed the stack
  await writeFile(
    path.join(hostile.dir, 'README.md'),
    `# deep\n\nBefore the quotes.\n\n${'> '.repeat(1500)}the bottom\n`,
  );
  // written as text: JSON.stringify itself overflows on such a value
  const choice = nestedSchema((s) => `{"anyOf":[${s},{"type":"null"}]}`, '{"type":"string"}');
  const deepDefault = `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`;
  await writeFile(
    path.join(hostile.dir, 'values.schema.json'),
    `{"type":"object","properties":{"choice":${choice},"deep":{"type":"array","default":${deepDefault}},"replicas":{"type":"integer","description":"How many pods"}}}`,
  );
  // one megabyte-long line: the highlighter's regular expressions were quadratic in it
  await writeFile(path.join(hostile.dir, 'values.yaml'), `replicas: 1\nwide: a${' '.repeat(1 << 20)}b\n`);
  site = await buildCatalogSite(
    [
      {
        name: 'own',
        charts: [
          { dir: normal.dir, name: 'plain', versions: ['1.0.0'] },
          { dir: hostile.dir, name: 'deep', versions: ['0.1.0', '0.2.0'] },
        ],
      },
    ],
    { cli: true },
  );
}, 240_000);

afterAll(async () => {
  await site?.close();
});

describe('a chart whose content cannot be rendered', () => {
  it('does not stop the build: the hostile chart shows plain text with a note, the others render, and the output names it', async () => {
    const out = site.outDir;
    const plain = await readFile(path.join(out, 'charts/own/plain/index.html'), 'utf8');
    expect(plain).toContain('<h1>plain</h1>');
    expect(plain).toContain('A chart for tests. <b>bold</b>');
    expect(plain).not.toContain('shown as plain text');

    const deep = await readFile(path.join(out, 'charts/own/deep/index.html'), 'utf8');
    // the README that cannot be rendered is text under a note
    expect(deep).toMatch(
      /<p class="banner warn" role="note">Part of README.md could not be rendered \(nested more than 32 levels deep\): it is shown as plain text.<\/p>/,
    );
    expect(deep).toMatch(/<pre># deep\n\nBefore the quotes.\n\n(&#62; ){1500}the bottom\n<\/pre>/);
    // the schema nested thousands deep is a bounded table, its default cut short
    expect(deep).toContain('<code>choice</code>');
    expect(deep).toContain('<code>replicas</code>');
    expect(deep).toMatch(/<code>\[\[\[\[\[[[]*…<\/code>/);
    // the megabyte line is highlighted whole
    expect(deep).toContain('<span class="y-k">wide:</span>');
    // version pages fetch the same fragment, with its note
    const fragments = await readdir(path.join(out, 'content'));
    const readmes = await Promise.all(
      fragments
        .filter((f) => f.endsWith('.readme.html.txt'))
        .map((f) => readFile(path.join(out, 'content', f), 'utf8')),
    );
    expect(readmes.filter((r) => r.includes('could not be rendered'))).toHaveLength(1);
    expect(await readFile(path.join(out, 'charts/own/deep/0.1.0/index.html'), 'utf8')).toContain(
      'data-fragment',
    );

    // the CLI names each version's file and why, and nothing else
    const named = site.output.filter((l) => l.includes('shown as plain text or in part'));
    expect(named.sort()).toEqual([
      'warning: own/deep 0.1.0 README.md shown as plain text or in part: Part of README.md could not be rendered (nested more than 32 levels deep): it is shown as plain text.',
      'warning: own/deep 0.2.0 README.md shown as plain text or in part: Part of README.md could not be rendered (nested more than 32 levels deep): it is shown as plain text.',
    ]);
    expect(site.output.at(-1)).toMatch(/^chartroom site: built .* in [\d.]+ s$/);
  });
});
