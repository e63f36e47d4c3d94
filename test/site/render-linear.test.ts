/**
 * Every renderer of chart content takes time linear in its input, or caps what it renders: for
 * pathological shapes, an input 8 times larger may take at most 24 times as long (a quadratic
 * renderer takes 64; n log n about 10; a linear one measured 8 to 16.5 here, the top while another
 * test file ran beside it, as the suite runs two at a time). Each shape starts at a size whose render takes at least 20 ms, and each
 * time is the fastest of five runs, so a loaded machine does not make a linear renderer fail.
 */
import { describe, expect, it } from 'vitest';
import { compareValues } from '../../site/lib/compare.ts';
import { highlightYaml } from '../../site/lib/highlight.ts';
import { renderReadme } from '../../site/lib/sanitize.ts';
import { schemaTable } from '../../site/lib/schema-table.ts';

/** see the top: between linear (8, up to 16.5 on a shared machine) and quadratic (64) */
const MAX_GROWTH = 24;

const fastest = (run: () => unknown): number => {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
};

/**
 * The ratio of the times for 8n and n, n grown from `start` until the render takes ≥ 20 ms; a
 * ratio near the limit is measured up to twice more and the lowest kept (a quadratic one is 64 each time).
 */
function growth(render: (input: string) => unknown, shape: (n: number) => string): number {
  let lowest = measureGrowth(render, shape);
  // a garbage collection of the big input's heap can land in one measurement on a loaded machine
  for (let again = 0; again < 2 && lowest >= 10; again++)
    lowest = Math.min(lowest, measureGrowth(render, shape));
  return lowest;
}

function measureGrowth(
  render: (input: string) => unknown,
  shape: (n: number) => string,
  start = 4096,
): number {
  let n = start;
  let small = fastest(() => render(shape(n)));
  while (small < 20 && n < 1 << 24) {
    n *= 2;
    small = fastest(() => render(shape(n)));
  }
  const input = shape(8 * n);
  return fastest(() => render(input)) / small;
}

/** Lines of about `n` characters in all, each made by `line(i)`. */
const lines = (n: number, line: (i: number) => string): string => {
  const out: string[] = [];
  for (let length = 0, i = 0; length < n; i++) {
    const one = line(i);
    out.push(one);
    length += one.length + 1;
  }
  return out.join('\n');
};

const times = (unit: string, n: number) => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

const README_SHAPES: Array<[string, (n: number) => string]> = [
  ['a long line of spaces', (n) => `a${' '.repeat(n)}b`],
  ['a long line of #', (n) => '#'.repeat(n)],
  ['a long line of quotes', (n) => '"'.repeat(n)],
  ['a long line of colons', (n) => ':'.repeat(n)],
  ['runs of backticks', (n) => times('` ``', n)],
  ['long unclosed emphasis', (n) => times('_a', n)],
  ['emphasis that never closes', (n) => times('*a **a ', n)],
  ['a run of <', (n) => '<'.repeat(n)],
  ['unclosed elements', (n) => times('<div>', n)],
  ['open brackets', (n) => times('[a', n)],
  ['images that never close', (n) => times('![a', n)],
  ['deeply nested lists', (n) => lines(n, (i) => `${'  '.repeat(i)}- x`)],
  ['nested lists, repeated', (n) => lines(n, (i) => `${'  '.repeat(i % 200)}- x`)],
  ['a list nested on one line', (n) => `${times('- ', n)}x`],
  ['deeply nested blockquotes', (n) => lines(n, (i) => `${'>'.repeat((i % 500) + 1)} x`)],
  ['many lines of one paragraph', (n) => times('a: b\n', n)],
  ['many setext headings', (n) => times('a\n=\n', n)],
  ['a long table', (n) => `|a|b|\n|-|-|\n${times('|x|y|\n', n)}`],
  ['an unclosed fence', (n) => `\`\`\`\n${times('x\n', n)}`],
  ['many reference definitions', (n) => times('[a]: b\n', n)],
  ['many links to references', (n) => `[a]: /u\n\n${times('[a] ', n)}`],
];

const VALUES_SHAPES: Array<[string, (n: number) => string]> = [
  ['a long line of spaces in a value', (n) => `key: v${' '.repeat(n)}x`],
  ['a long line of spaces', (n) => ' '.repeat(n)],
  ['a long key line without a colon', (n) => `k${' '.repeat(n)}x`],
  ['a long line of #', (n) => `key: v ${' #'.repeat(n / 2)}`],
  ['a long line of quotes', (n) => '"'.repeat(n)],
  ['a long line of colons', (n) => `k${': '.repeat(n / 2)}`],
  ['a quoted key that never closes', (n) => `"${'a '.repeat(n / 2)}`],
  ['a long list item', (n) => `- ${'- '.repeat(n / 2)}`],
  ['markup', (n) => times('<&>', n)],
  ['many lines', (n) => times('key: value # comment\n', n)],
];

const nest = (depth: number, wrap: (inner: string) => string) => {
  let text = '{"type":"string"}';
  for (let i = 0; i < depth; i++) text = wrap(text);
  return text;
};

const SCHEMA_SHAPES: Array<[string, (n: number) => string]> = [
  ['anyOf nested deep', (n) => `{"properties":{"a":${nest(n / 12, (s) => `{"anyOf":[${s}]}`)}}}`],
  ['items nested deep', (n) => `{"properties":{"a":${nest(n / 10, (s) => `{"items":${s}}`)}}}`],
  [
    'examples nested deep',
    (n) => `{"properties":{"a":{"examples":[${'{"a":'.repeat(n / 5)}1${'}'.repeat(n / 5)}]}}}`,
  ],
  [
    'a default nested deep',
    (n) => `{"properties":{"a":{"default":${'['.repeat(n / 2)}${']'.repeat(n / 2)}}}}`,
  ],
  [
    'many properties',
    (n) => `{"properties":{${lines(n, (i) => `"p${i}":{"type":"string"}`).replace(/\n/g, ',')}}}`,
  ],
  [
    'refs to one huge definition',
    (n) =>
      `{"definitions":{"big":{"enum":[${times('"x",', n)}"y"],"description":"${'d'.repeat(n)}"}},"properties":{${lines(n / 50, (i) => `"p${i}":{"$ref":"#/definitions/big"}`).replace(/\n/g, ',')}}}`,
  ],
  [
    'a long required list',
    (n) => `{"required":[${times('"a",', n)}"b"],"properties":{"a":{"type":"string"}}}`,
  ],
];

describe('the renderers of chart content take linear time', () => {
  it.each(README_SHAPES)('README: %s', (_label, shape) => {
    expect(growth((text) => renderReadme(text), shape)).toBeLessThan(MAX_GROWTH);
  });

  it.each(VALUES_SHAPES)('values.yaml: %s', (_label, shape) => {
    expect(growth(highlightYaml, shape)).toBeLessThan(MAX_GROWTH);
  });

  it.each(SCHEMA_SHAPES)('values schema: %s', (_label, shape) => {
    expect(growth(schemaTable, shape)).toBeLessThan(MAX_GROWTH);
  });

  it.each([
    [
      'two files that share nothing',
      (n: number) => lines(n, (i) => `a${i}: 1`),
      (n: number) => lines(n, (i) => `b${i}: 2`),
    ],
    [
      'one line changed',
      (n: number) => lines(n, (i) => `a${i}: 1`),
      (n: number) => lines(n, (i) => `a${i}: ${i === 5 ? 2 : 1}`),
    ],
  ])('compare: %s', (_label, from, to) => {
    expect(
      growth(
        (n) => compareValues(from(Number(n)), to(Number(n))),
        (n) => String(n),
      ),
    ).toBeLessThan(MAX_GROWTH);
  });
});

describe('what the renderers cap, they say', () => {
  it('a README nested too deep is shown as text under a note, the rest rendered', () => {
    const readme = `# top\n\n${'> '.repeat(100)}deep\n`;
    const { html, notes } = renderReadme(readme);
    expect(notes).toEqual([
      'Part of README.md could not be rendered (nested more than 32 levels deep): it is shown as plain text.',
    ]);
    expect(html).toContain('<pre># top');
    // nesting within the cap renders as before
    expect(renderReadme(`${'> '.repeat(20)}fine\n`).notes).toEqual([]);
  });

  it('a README past 512 KiB is rendered up to there, and the page says so', () => {
    const { html, notes } = renderReadme(`# big\n\n${'word '.repeat(300_000)}\n\nthe end\n`);
    expect(notes).toEqual(['README.md is 1.4 MiB: only its first 512 KiB are shown.']);
    expect(html).toContain('<h1>big</h1>');
    expect(html).not.toContain('the end');
  });

  it('a long README is rendered in parts that still share reference links', () => {
    const filler = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} of filler text.`).join('\n\n');
    const { html, notes } = renderReadme(
      `See [the docs][docs].\n\n${filler}\n\n[docs]: https://docs.example/\n`,
    );
    expect(notes).toEqual([]);
    expect(html).toContain(
      '<a href="https://docs.example/" rel="nofollow noopener noreferrer ugc">the docs</a>',
    );
    expect(html).toContain('<p>Paragraph 399 of filler text.</p>');
  });

  it('a long table cut into parts stays a table, its header repeated', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `| row${i} | value ${i} |`).join('\n');
    const { html, notes } = renderReadme(`# params\n\n| name | value |\n| ---- | ----- |\n${rows}\n`);
    expect(notes).toEqual([]);
    for (const i of [0, 999, 1999]) expect(html).toContain(`<td>row${i}</td>`);
    expect(html).not.toContain('| row');
  });

  it('a schema nested past 50,000 levels is shown as text, and says so', () => {
    const table = schemaTable(`{"properties":{"a":{"default":${'['.repeat(60_000)}${']'.repeat(60_000)}}}}`);
    expect(table).toMatchObject({
      ok: false,
      error: 'values.schema.json is nested more than 50000 levels deep: it is shown as plain text.',
    });
    expect(table.ok === false && table.text?.startsWith('{"properties":{"a":{"default":[[[')).toBe(true);
  });

  it('two values.yaml too different to diff line by line say so', () => {
    const a = lines(200_000, (i) => `a${i}: 1`);
    const b = lines(200_000, (i) => `b${i}: 2`);
    expect(compareValues(a, b)).toEqual({
      ok: false,
      note: 'These two values.yaml differ in more than 2000 lines: too much to show line by line. Download both to compare them.',
    });
    expect(compareValues('a: 1\nb: 2\n', 'a: 1\nb: 3\n')).toMatchObject({ ok: true, added: 1, removed: 1 });
  });
});
