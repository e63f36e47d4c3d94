/** The real argo-helm index (1.58 MB, 11 charts, 1,628 versions, relative and absolute URLs). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { splitIndexByChart } from '../../src/sources/helm/index-chunks.ts';
import { parseHelmIndex } from '../../src/sources/helm/index-parse.ts';
import { fixturesDir } from '../../testkit/fixtures.ts';

const file = path.join(fixturesDir(), 'index', 'argo-helm.index.yaml');
const body = readFileSync(file);
const base = 'https://argoproj.github.io/argo-helm';

describe('the argo-helm index', () => {
  const raw = load(body.toString('utf8')) as {
    entries: Record<string, Array<{ version: string; urls: string[]; deprecated?: boolean }>>;
  };
  const rawEntries = Object.values(raw.entries).flat();
  const { versions, problems } = parseHelmIndex(body, base);

  it('accounts for every entry: parsed or reported', () => {
    expect(rawEntries).toHaveLength(1628);
    expect(Object.keys(raw.entries)).toHaveLength(11);
    expect(versions.length + problems.length).toBe(1628);
    expect(problems).toEqual([]);
  });

  it('resolves relative URLs against the repository URL with a trailing slash, keeps absolute ones', () => {
    const relative = rawEntries.filter((e) => !/^[a-z]+:\/\//.test(e.urls[0]!));
    expect(relative).toHaveLength(328);
    for (const v of versions) expect(v.urls[0]).toMatch(/^https:\/\//);
    const sample = relative[0]!;
    const parsed = versions.find(
      (v) => v.version === sample.version && v.urls[0]!.endsWith(sample.urls[0]!),
    )!;
    expect(parsed.urls[0]).toBe(`${base}/${sample.urls[0]!}`);
  });

  it('keeps digests, deprecation and metadata', () => {
    expect(versions.every((v) => /^sha256:[0-9a-f]{64}$/.test(v.digest ?? ''))).toBe(true);
    expect(versions.filter((v) => v.deprecated)).toHaveLength(
      rawEntries.filter((e) => e.deprecated === true).length,
    );
    expect(versions.filter((v) => v.deprecated).length).toBe(5);
    const argo = versions.filter((v) => v.chart === 'argo-cd');
    expect(argo.length).toBe(raw.entries['argo-cd']!.length);
    expect(argo.every((v) => v.created !== undefined && v.description !== undefined)).toBe(true);
  });

  it('is read one chart at a time, to exactly what the whole document holds', () => {
    expect(splitIndexByChart(body.toString('utf8'))?.charts).toHaveLength(11);
    // JSON indexes are parsed whole, so the JSON form of the same document is the reference
    expect(parseHelmIndex(Buffer.from(JSON.stringify(raw)), base)).toEqual({ versions, problems });
  });
});
