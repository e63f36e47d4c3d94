import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { fieldPosition } from './field-positions.ts';
import { loadRegistries, parseRegistryFile } from './load.ts';
import { nearestField } from './schema-errors.ts';

const parse = (source: string, file = 'registries/bitnami.yaml') => parseRegistryFile(file, source);
const errorOf = (source: string, file?: string): ConfigError => {
  try {
    parse(source, file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('registry files', () => {
  it('applies defaults and detects the kind from the URL', () => {
    const r = parse('url: https://charts.bitnami.com/bitnami\n');
    expect(r).toMatchObject({
      name: 'bitnami',
      kind: 'http',
      intervalMs: 120_000,
      keep: 20,
      prereleases: true,
      exclude: [],
      maxAttempts: 10,
      passCredentials: false,
    });
    expect(parse('url: oci://ghcr.io/stefanprodan/charts\ninterval: 1h30m\nkeep: all\n')).toMatchObject({
      kind: 'oci',
      intervalMs: 5_400_000,
      keep: 'all',
    });
    expect(parse('url: https://x.example\ninterval: 0\n').intervalMs).toBe(0);
  });

  it('names file, line and column of an unknown field, and the field a near-miss meant', () => {
    const error = errorOf('url: https://x.example\ndescription: ok\nintervall: 5m\n');
    expect(error.message).toBe(
      'registries/bitnami.yaml:3:1: unknown field "intervall": did you mean "interval"?',
    );
    expect(error.hint).toBe('rename it to interval');
    expect(error.line).toBe(3);
    const unrelated = errorOf('url: https://x.example\nflavour: 5m\n');
    expect(unrelated.message).toContain('unknown field "flavour": remove it or check its spelling');
    expect(unrelated.hint).toContain('url, description, credential, interval');
  });

  it.each([
    ['intervall', 'interval'],
    ['Interval', 'interval'],
    ['max_attempts', 'maxAttempts'],
    ['max-attempts', 'maxAttempts'],
    ['cafile', 'caFile'],
    ['chart', 'charts'],
    ['prerelease', 'prereleases'],
    ['pass_credentials', 'passCredentials'],
    ['insecureSkipVerify', 'insecure'],
    ['excludes', 'exclude'],
    ['crendential', 'credential'],
  ])('suggests %s → %s', (typo, field) => {
    expect(nearestField(typo)).toBe(field);
  });

  it('suggests nothing for a word that is no near miss', () => {
    for (const word of ['flavour', 'x', 'replicas', 'helm']) expect(nearestField(word)).toBeUndefined();
  });

  it('sends secrets and names written into a registry file to their right place, without echoing them', () => {
    const error = errorOf('url: https://x.example\npassword: hunter2\n');
    expect(error.message).toBe('registries/bitnami.yaml:2:1: unknown field "password"');
    expect(error.hint).toContain('credential: NAME');
    expect(errorOf('url: https://x.example\nname: bitnami\n').hint).toContain('file name');
  });

  it('refuses unresolved aliases and alias bombs as configuration errors, not crashes', () => {
    expect(errorOf('url: https://x.example\nkeep: *count\n').message).toBe(
      'registries/bitnami.yaml:2:7: YAML syntax: the alias *count refers to no anchor defined before it',
    );
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'url: https://x.example',
      '',
    ].join('\n');
    expect(errorOf(bomb).message).toMatch(/^registries\/bitnami\.yaml:2:8: YAML aliases here expand too far/);
  });

  it('places an unclosed quote or bracket at its opening', () => {
    expect(errorOf('url: "https://x.example\ndescription: x\n').message).toMatch(
      /^registries\/bitnami\.yaml:1:6: YAML syntax: Missing closing "quote/,
    );
    expect(errorOf('url: https://x.example\ncharts: [a, b\n').message).toMatch(
      /^registries\/bitnami\.yaml:2:9: YAML syntax: .*the \[ that starts here is never closed/,
    );
  });

  it('does not echo credentials or query strings of a URL', () => {
    const error = errorOf('url: https://robot:hunter2@x.example/charts?token=s3cret\n');
    expect(error.message).toContain('"https://***@x.example/charts?…"');
    expect(error.message).not.toMatch(/hunter2|s3cret|robot/);
    expect(errorOf('url: oci://robot:hunter2@ghcr.io/x\n').message).not.toContain('hunter2');
  });

  it('says invalid reference format for a URL that is neither http(s) nor oci', () => {
    const error = errorOf('description: x\nurl: ftp://x.example/charts\n');
    expect(error.message).toMatch(/^registries\/bitnami\.yaml:2:6: invalid reference format/);
    expect(errorOf('url: oci://GHCR.io/Bad Name\n').message).toContain('invalid reference format');
    expect(errorOf('url: not a url\n').message).toContain('invalid reference format');
  });

  it('refuses plain http unless insecure', () => {
    expect(errorOf('url: http://127.0.0.1:8080/\n').message).toContain('insecure: true');
    expect(parse('url: http://127.0.0.1:8080/\ninsecure: true\n').kind).toBe('http');
  });

  it('refuses intervals outside 10s..24h with their position', () => {
    expect(errorOf('url: https://x.example\ninterval: 5s\n').message).toMatch(
      /:2:11: interval "5s" is outside 10s\.\.24h/,
    );
    expect(errorOf('url: https://x.example\ninterval: 25h\n').message).toContain('outside 10s..24h');
    expect(errorOf('url: https://x.example\ninterval: soon\n').message).toMatch(
      /:2:11: interval must be a duration/,
    );
  });

  it('reports wrong types, duplicate keys, syntax errors and bad ranges with positions', () => {
    expect(errorOf('url: https://x.example\nkeep: -3\n').message).toMatch(
      /:2:7: keep must be a positive integer or "all"/,
    );
    expect(errorOf('url: https://x.example\nprereleases: "yes"\n').message).toMatch(
      /:2:14: prereleases must be true or false, not the string "yes"/,
    );
    expect(errorOf('url: https://x.example\nurl: https://y.example\n').message).toMatch(
      /^registries\/bitnami\.yaml:2:1: YAML syntax: .*unique/i,
    );
    expect(errorOf('url: [https://x.example\n').message).toMatch(/YAML syntax/);
    expect(errorOf('url: https://x.example\nversions: ">=banana"\n').message).toMatch(
      /:2:11: versions ">=banana" is not a semver range/,
    );
    expect(errorOf('description: no url\n').message).toMatch(/missing required field "url"/);
    expect(errorOf('- a list\n').message).toMatch(/must be a mapping/);
  });

  it('refuses a file name that is not a registry name', () => {
    expect(errorOf('url: https://x.example\n', 'registries/My_Charts.yaml').message).toContain(
      'not a valid registry name',
    );
  });

  it('refuses credentials in the URL', () => {
    expect(errorOf('url: https://user:pw@x.example/charts\n').message).toContain('credential file');
  });

  it('accepts a caFile that holds a PEM certificate, and places a missing one at its value', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'chartroom-load-'));
    try {
      await mkdir(path.join(root, 'registries'));
      await mkdir(path.join(root, 'certs'));
      await writeFile(
        path.join(root, 'certs', 'ca.pem'),
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      );
      await writeFile(
        path.join(root, 'registries', 'corp.yaml'),
        'url: https://charts.corp.example\ncaFile: certs/ca.pem\ncredential: corp\n',
      );
      await writeFile(
        path.join(root, 'registries', 'gone.yaml'),
        'url: https://x.example\ncaFile: certs/gone.pem\n',
      );
      const { registries, errors } = await loadRegistries(root);
      expect(registries.map((r) => [r.name, r.caFile])).toEqual([['corp', 'certs/ca.pem']]);
      expect(fieldPosition(registries[0]!, 'credential')).toEqual({ line: 3, column: 13 });
      expect(errors.map((e) => e.message)).toEqual([
        'registries/gone.yaml:2:9: caFile "certs/gone.pem" does not exist',
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
