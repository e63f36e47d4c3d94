import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { parseRegistryFile } from './load.ts';

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

  it('names file, line and column of an unknown field', () => {
    const error = errorOf('url: https://x.example\ndescription: ok\nintervall: 5m\n');
    expect(error.message).toBe(
      'registries/bitnami.yaml:3:1: unknown field "intervall": remove it or check its spelling',
    );
    expect(error.line).toBe(3);
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
      /:2:14: prereleases must be boolean/,
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
});
