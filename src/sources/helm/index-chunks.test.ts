import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { splitIndexByChart } from './index-chunks.ts';
import { parseHelmIndex } from './index-parse.ts';

const digest = 'cd'.repeat(32);
const index = {
  apiVersion: 'v1',
  entries: {
    alpha: [
      {
        name: 'alpha',
        version: '1.0.0',
        digest,
        urls: ['alpha-1.0.0.tgz'],
        description: 'line one\n  alpha:\n- not a key\n',
        annotations: { 'artifacthub.io/changes': '- kind: added\n  description: x\n' },
        keywords: ['a', 'b'],
      },
      { name: 'alpha', version: '0.9.0', digest, urls: ['alpha-0.9.0.tgz'], deprecated: true },
    ],
    '007': [{ name: '007', version: '1.0.0', urls: ['https://cdn.example.org/007-1.0.0.tgz'] }],
    'bad name': [{ version: '1.0.0', urls: ['x.tgz'] }],
    beta: [{ name: 'beta', version: 'v2', urls: ['beta-2.tgz'], maintainers: [{ name: 'Me' }] }],
  },
  generated: '2026-11-01T00:00:00Z',
};
const url = 'https://charts.example.org/';
// The whole-document parse of the same index (JSON goes straight to JSON.parse, never by chart).
const whole = parseHelmIndex(Buffer.from(JSON.stringify(index)), url);
const sorted = (r: typeof whole) => ({
  versions: [...r.versions].sort((a, b) => (a.chart + a.version < b.chart + b.version ? -1 : 1)),
  problems: [...r.problems].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
});

describe('parsing a YAML index one chart at a time', () => {
  it.each([
    ['Helm layout (sequences not indented)', dump(index, { seqNoIndent: true, lineWidth: -1 })],
    ['indented sequences', dump(index, { lineWidth: 40 })],
    ['CRLF line ends', dump(index, { seqNoIndent: true }).replaceAll('\n', '\r\n')],
    [
      'comments and blank lines',
      `# an index\n${dump(index, { seqNoIndent: true }).replace('entries:\n', 'entries:\n\n# charts\n  # first\n')}`,
    ],
  ])('splits %s and reads exactly what the whole document holds', (_what, text) => {
    const chunks = splitIndexByChart(text);
    expect(
      chunks?.charts.map((c) => (load(c.key) as object) && Object.keys(load(c.key) as object)[0]),
    ).toEqual(Object.keys(index.entries));
    expect(chunks?.charts[0]?.versions).toHaveLength(2);
    expect(sorted(parseHelmIndex(Buffer.from(text), url))).toEqual(sorted(whole));
  });

  it.each([
    ['flow style', `apiVersion: v1\nentries: ${JSON.stringify(index.entries)}\n`],
    ['a tab for indentation', 'entries:\n\talpha:\n\t- version: 1.0.0\n'],
    ['two entries keys', 'entries:\n  a:\n  - version: 1.0.0\nentries:\n  b: []\n'],
    ['a list under entries', 'entries:\n- version: 1.0.0\n'],
  ])('leaves %s to the whole-document parse', (_what, text) => {
    expect(splitIndexByChart(text)).toBeUndefined();
  });

  it('falls back to the whole document when charts share anchors, and reads them the same', () => {
    const text = `apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: &u [a.tgz]\n  b:\n  - name: b\n    version: 1.0.0\n    urls: *u\n`;
    const result = parseHelmIndex(Buffer.from(text), url);
    expect(result.versions.map((v) => `${v.chart} ${v.version}`)).toEqual(['a 1.0.0', 'b 1.0.0']);
  });

  it('gives the whole-document errors: a chart listed twice, a key with no list, broken YAML', () => {
    expect(() =>
      parseHelmIndex(
        Buffer.from(
          'apiVersion: v1\nentries:\n  a:\n  - version: 1.0.0\n    urls: [a.tgz]\n  a:\n  - version: 2.0.0\n',
        ),
        url,
      ),
    ).toThrow(/does not parse: duplicated mapping key/);
    expect(
      parseHelmIndex(
        Buffer.from('apiVersion: v1\nentries:\n  a:\n  b:\n  - version: 1.0.0\n    urls: [b.tgz]\n'),
        url,
      ),
    ).toMatchObject({
      versions: [{ chart: 'b' }],
      problems: [{ chart: 'a', message: 'the entry is not a list of versions; skipped' }],
    });
    expect(() =>
      parseHelmIndex(Buffer.from('apiVersion: v1\nentries:\n  a:\n  - version: "1.0.0\n'), url),
    ).toThrow(/does not parse/);
  });

  it('skips a chart whose text is unchanged since the digests it is given, and reads a changed one', () => {
    const text = dump(index, { seqNoIndent: true });
    const first = parseHelmIndex(Buffer.from(text), url);
    // every chart read without problems gets a digest; "bad name" is read again each time
    expect(Object.keys(first.chartDigests ?? {}).sort()).toEqual(['007', 'alpha', 'beta']);
    const changed = text.replace('version: v2', 'version: v3');
    const second = parseHelmIndex(Buffer.from(changed), url, { known: first.chartDigests! });
    expect(second.unchanged?.sort()).toEqual(['007', 'alpha']);
    expect(second.versions.map((v) => `${v.chart} ${v.version}`)).toEqual(['beta v3']);
    expect(second.problems).toEqual(first.problems);
    expect(second.chartDigests?.alpha).toBe(first.chartDigests?.alpha);
    expect(second.chartDigests?.beta).not.toBe(first.chartDigests?.beta);
    // a chart listed twice is an error even when its first listing is unchanged
    const twice = `${text.trimEnd()}\n`.replace(/^generated:.*$/m, '') + '';
    const alphaPart = /^ {2}alpha:\n(?:^ {2}-.*\n|^ {3,}.*\n)*/m.exec(text)![0];
    expect(() =>
      parseHelmIndex(Buffer.from(twice.replace('entries:\n', `entries:\n${alphaPart}`)), url, {
        known: first.chartDigests!,
      }),
    ).toThrow(/duplicated mapping key/);
  });
});
