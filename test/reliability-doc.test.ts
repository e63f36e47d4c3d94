/**
 * docs/reliability.md is kept in sync with the suite: every row of its tables names a test file
 * that exists and a test in it (by its name as written, or by the `it.each` row label; a rendered
 * `%s` title also matches when its label is in the file), and the counts at the end are the
 * counts of the rows.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = 'docs/reliability.md';
const text = readFileSync(path.join(ROOT, DOC), 'utf8');

const NETWORK = [
  'Faults from the network (HTTP chart repositories)',
  'Faults from the network (OCI, through a fault-injecting front for the real registry)',
];
const HOSTILE = [
  'Hostile archives',
  'Hostile indexes',
  'Hostile content (the site)',
  'Bad configuration and credentials',
];
const CRASH = 'Crash safety and concurrency';
const SECTIONS = [...NETWORK, ...HOSTILE, CRASH, 'Load'];
const CRASH_TEST = 'test/crash.test.ts';
const RANDOM_KILLS_TEST = 'at random times';

interface Row {
  section: string;
  /** 1-based line in the document */
  line: number;
  cells: string[];
  tests: Array<{ file: string; name: string }>;
}

/** `## heading` → the lines under it, up to the next heading. */
function sections(markdown: string): Map<string, Array<{ line: number; text: string }>> {
  const out = new Map<string, Array<{ line: number; text: string }>>();
  let current: Array<{ line: number; text: string }> | undefined;
  markdown.split('\n').forEach((line, i) => {
    const heading = /^## (.+?)\s*$/.exec(line);
    if (heading) out.set(heading[1]!, (current = []));
    else current?.push({ line: i + 1, text: line });
  });
  return out;
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replaceAll('\\|', '|'));
}

/** The table rows of a section (header and separator left out), with the tests their last cell names. */
function rowsOf(section: string, lines: Array<{ line: number; text: string }>): Row[] {
  const table = lines.filter((l) => l.text.trim().startsWith('|'));
  return table
    .slice(2)
    .filter((l) => !/^\|[\s:|-]+\|$/.test(l.text.trim()))
    .map((l) => {
      const cells = cellsOf(l.text);
      const tests = [...(cells.at(-1) ?? '').matchAll(/(`+)(.+?)\1\s*›\s*(`+)(.+?)\3/g)].map((m) => ({
        file: m[2]!.trim(),
        name: m[4]!.trim(),
      }));
      return { section, line: l.line, cells, tests };
    });
}

const bySection = sections(text);
const rows = new Map(SECTIONS.map((s) => [s, rowsOf(s, bySection.get(s) ?? [])]));
const allRows = [...rows.values()].flat();

const sources = new Map<string, string>();
const source = (file: string) => {
  if (!sources.has(file)) sources.set(file, readFileSync(path.join(ROOT, file), 'utf8'));
  return sources.get(file)!;
};

/** Whether the file has the test: its name as written, or a `%s`/`$label` title it renders with labels the file holds. */
function hasTest(file: string, name: string): boolean {
  const code = source(file);
  if (code.includes(name)) return true;
  const literals = code.match(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g) ?? [];
  for (const literal of literals) {
    const title = literal.slice(1, -1);
    if (!/%[sdifjo]|\$\w+/.test(title)) continue;
    const pattern = title
      .split(/%[sdifjo]|\$\w+/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.+?)');
    const match = new RegExp(`^${pattern}$`).exec(name);
    if (match && match.slice(1).every((label) => code.includes(label))) return true;
  }
  return false;
}

/** How many times the random-kill test kills a sync: its loop bound. */
function randomKills(): number {
  const code = source(CRASH_TEST);
  const start = code.indexOf(`'${RANDOM_KILLS_TEST}'`);
  const bound = /for \(let i = 0; i < (\d+); i\+\+\)/.exec(code.slice(start));
  if (start === -1 || !bound)
    throw new Error(`${CRASH_TEST}: cannot find the loop of "${RANDOM_KILLS_TEST}"`);
  return Number(bound[1]);
}

function countsLine(): string {
  const faults = NETWORK.reduce((n, s) => n + rows.get(s)!.length, 0);
  const hostile = HOSTILE.reduce((n, s) => n + rows.get(s)!.length, 0);
  const kills = rows.get(CRASH)!.filter((r) => r.tests.some((t) => t.file === CRASH_TEST));
  const random = kills.some((r) => r.tests.some((t) => t.name === RANDOM_KILLS_TEST)) ? randomKills() : 0;
  const named = kills.filter((r) => !r.tests.some((t) => t.name === RANDOM_KILLS_TEST)).length;
  return `Faults injected: ${faults}. Hostile inputs tried: ${hostile}. Kill points survived: ${named + random} (${named} named, ${random} random). Nothing was lost.`;
}

describe(DOC, () => {
  it('has every section, each with at least one row, and the counts', () => {
    for (const section of [...SECTIONS, 'Counts']) {
      expect(bySection.has(section), `${DOC} has no "## ${section}"`).toBe(true);
    }
    for (const section of SECTIONS) {
      expect(rows.get(section)!.length, `"## ${section}" has no rows`).toBeGreaterThan(0);
    }
  });

  it.each(allRows.map((row) => [`line ${row.line}: ${row.cells[0] ?? ''}`, row] as const))(
    'row at %s names a test that exists',
    (_where, row) => {
      expect(
        row.cells,
        `${DOC}:${row.line} should have 3 cells: input, expected behaviour, test`,
      ).toHaveLength(3);
      expect(row.cells.every((c) => c !== '')).toBe(true);
      expect(
        row.tests.length,
        `${DOC}:${row.line}: the last cell should read \`file\` › \`test name\``,
      ).toBeGreaterThan(0);
      for (const { file, name } of row.tests) {
        expect(existsSync(path.join(ROOT, file)), `${DOC}:${row.line}: ${file} does not exist`).toBe(true);
        expect(hasTest(file, name), `${DOC}:${row.line}: ${file} has no test "${name}"`).toBe(true);
      }
    },
  );

  it('ends with the counts of the rows', () => {
    const counts = (bySection.get('Counts') ?? []).map((l) => l.text.trim()).filter(Boolean);
    const expected = countsLine();
    expect(
      counts.at(-1),
      `the last line of "## Counts" in ${DOC} must be the counts of the rows now; write:\n\n${expected}\n`,
    ).toBe(expected);
  });
});
