import { describe, expect, it } from 'vitest';
import { laughs } from '../../../testkit/alias-bomb.ts';
import { parseHelmIndex } from './index-parse.ts';

const digest = 'ab'.repeat(32);
const yamlIndex = `apiVersion: v1
entries:
  good:
    - name: good
      version: 1.0.0
      description: A good chart
      created: "2024-05-01T10:00:00.123456789Z"
      digest: ${digest}
      urls: [charts/good-1.0.0.tgz]
      keywords: [a, b]
      maintainers: [{name: Me, email: me@example.org}]
    - name: good
      version: v1.1
      digest: ${digest}
      urls: [https://cdn.example.org/good-1.1.tgz]
      deprecated: true
    - name: good
      version: 1.0.0
      urls: [dup.tgz]
    - name: good
      urls: [x.tgz]
    - name: good
      version: latest
      urls: [x.tgz]
    - name: other
      version: 2.0.0
      urls: [x.tgz]
    - name: good
      version: 3.0.0
      digest: nothex
      urls: [x.tgz]
    - name: good
      version: 4.0.0
  "bad/name":
    - version: 1.0.0
      urls: [x.tgz]
  notalist: 7
generated: "2024-05-01T10:00:00Z"
`;

describe('Helm index parsing', () => {
  it('normalises good entries and reports every bad one', () => {
    const { versions, problems } = parseHelmIndex(
      Buffer.from(yamlIndex),
      'https://charts.example.org/stable',
    );
    expect(versions.map((v) => v.version)).toEqual(['1.0.0', 'v1.1']);
    expect(versions[0]).toMatchObject({
      chart: 'good',
      digest: `sha256:${digest}`,
      urls: ['https://charts.example.org/stable/charts/good-1.0.0.tgz'],
      created: '2024-05-01T10:00:00.123Z',
      keywords: ['a', 'b'],
      maintainers: [{ name: 'Me', email: 'me@example.org' }],
      deprecated: false,
    });
    expect(versions[1]).toMatchObject({ deprecated: true, urls: ['https://cdn.example.org/good-1.1.tgz'] });
    expect(problems.map((p) => p.message)).toEqual([
      'listed twice in the index; the first entry is kept',
      'a version entry has no version; skipped',
      '"latest" is not a semantic version; skipped',
      'the entry names chart "other" under "good"; skipped',
      'digest "nothex" is not a sha256; skipped',
      'the entry has no usable download URL; skipped',
      'chart name "bad/name" is not a valid chart name; skipped',
      'the entry is not a list of versions; skipped',
    ]);
  });

  it('reads JSON indexes to the same result', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      entries: { good: [{ name: 'good', version: '1.0.0', digest, urls: ['good-1.0.0.tgz'] }] },
    });
    const { versions } = parseHelmIndex(Buffer.from(json), 'https://charts.example.org/stable/');
    expect(versions[0]!.urls).toEqual(['https://charts.example.org/stable/good-1.0.0.tgz']);
  });

  it('refuses alias bombs, invalid UTF-8 and non-index documents', () => {
    // A billion laughs: 10^30 strings if expanded. js-yaml shares aliased nodes, so under the
    // alias cap it parses at once; past the cap it is refused.
    expect(
      parseHelmIndex(Buffer.from(laughs(30, 'apiVersion: v1\nentries: {}')), 'https://x').versions,
    ).toEqual([]);
    expect(() => parseHelmIndex(Buffer.from(laughs(1001, 'entries: {}')), 'https://x')).toThrow(
      /aliases exceeded/,
    );
    expect(() => parseHelmIndex(Buffer.from([0x65, 0x6e, 0xff, 0xfe]), 'https://x')).toThrow(
      /not valid UTF-8/,
    );
    expect(() => parseHelmIndex(Buffer.from('- a\n- b\n'), 'https://x')).toThrow(/not a mapping/);
    expect(() => parseHelmIndex(Buffer.from('entries: [1]\n'), 'https://x')).toThrow(/not a mapping/);
    expect(parseHelmIndex(Buffer.from('apiVersion: v1\n'), 'https://x').versions).toEqual([]);
  });

  // Helm's loadIndex: "no API version specified" for a document without apiVersion, whatever it
  // holds; an apiVersion with no (or empty, or null) entries is an empty index
  it.each([
    ['{}', '{}'],
    ['[]', '[]'],
    ['a YAML scalar', 'hello\n'],
    ['YAML without apiVersion', 'entries: {}\n'],
    ['YAML without apiVersion, charts listed', 'entries:\n  a:\n  - version: 1.0.0\n    urls: [a.tgz]\n'],
    ['JSON without apiVersion', '{"entries": {"a": [{"version": "1.0.0", "urls": ["a.tgz"]}]}}'],
    ['an empty apiVersion', 'apiVersion: ""\nentries: {}\n'],
    ['a number for apiVersion', 'apiVersion: 1\nentries: {}\n'],
    ['an HTML page', '<!doctype html>\n<html><body><p>Not found</p></body></html>\n'],
    ['entries not a mapping', 'apiVersion: v1\nentries: [1]\n'],
    ['entries a string', 'apiVersion: v1\nentries: nothing\n'],
  ])('refuses %s as IndexInvalid', (_what, text) => {
    expect(() => parseHelmIndex(Buffer.from(text), 'https://x')).toThrow(
      expect.objectContaining({ code: 'IndexInvalid' }),
    );
  });

  it.each([
    ['no entries', 'apiVersion: v1\n'],
    ['null entries', 'apiVersion: v1\nentries:\n'],
    ['empty entries', 'apiVersion: v1\nentries: {}\n'],
    ['JSON, empty entries', '{"apiVersion": "v1", "entries": {}}'],
  ])('accepts an index with %s as empty, as Helm does', (_what, text) => {
    expect(parseHelmIndex(Buffer.from(text), 'https://x')).toMatchObject({ versions: [], problems: [] });
  });
});
