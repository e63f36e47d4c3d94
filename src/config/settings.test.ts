import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, parseSettings } from './settings.ts';

const messages = (source: string) => parseSettings(source).errors.map((e) => e.message);

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'chartroom-settings-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('chartroom.yaml', () => {
  it('is every default when absent or empty', async () => {
    expect(await loadSettings(root)).toEqual({ settings: DEFAULT_SETTINGS, errors: [] });
    expect(DEFAULT_SETTINGS.site).toEqual({ links: [], privateRegistries: 'metadata' });
    expect(parseSettings('')).toMatchObject({ settings: DEFAULT_SETTINGS, errors: [] });
    expect(parseSettings('site: {}\n')).toMatchObject({ settings: DEFAULT_SETTINGS, errors: [] });
  });

  it('reads every field', async () => {
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(
      path.join(root, 'chartroom.yaml'),
      [
        'site:',
        '  title: Acme charts',
        '  description: Every chart Acme runs',
        '  url: https://acme.github.io/catalog/',
        '  base: /catalog/',
        '  logo: assets/logo.svg',
        '  links:',
        '    - title: Docs',
        '      url: https://docs.acme.example/',
        '  privateRegistries: hidden',
        '',
      ].join('\n'),
    );
    expect(await loadSettings(root)).toEqual({
      found: true,
      errors: [],
      settings: {
        site: {
          title: 'Acme charts',
          description: 'Every chart Acme runs',
          url: 'https://acme.github.io/catalog/',
          base: '/catalog/',
          logo: 'assets/logo.svg',
          links: [{ title: 'Docs', url: 'https://docs.acme.example/' }],
          privateRegistries: 'hidden',
        },
      },
    });
    expect(parseSettings('site:\n  logo: https://acme.example/logo.png\n').settings.site.logo).toBe(
      'https://acme.example/logo.png',
    );
  });

  it('says file:line:col and did-you-mean for a misspelt field', () => {
    expect(messages('site:\n  titel: Acme\n')).toEqual([
      'chartroom.yaml:2:3: unknown field "titel": did you mean "title"?',
    ]);
    expect(messages('sites:\n  title: Acme\n')).toEqual([
      'chartroom.yaml:1:1: unknown field "sites": did you mean "site"?',
    ]);
    expect(messages('title: Acme\n')).toEqual(['chartroom.yaml:1:1: "title" belongs under site:']);
    expect(messages('site:\n  baseUrl: /x/\n')[0]).toContain('did you mean "base"?');
  });

  it('reports every problem of the file at once, in file order', () => {
    const source = [
      'site:',
      '  title: 3',
      '  url: ftp://charts.example',
      '  base: /a b/',
      '  logo: ../logo.svg',
      '  links:',
      '    - title: Evil',
      '      url: javascript:alert(1)',
      '    - title: Half',
      '  privateRegistries: open',
      '',
    ].join('\n');
    expect(messages(source)).toEqual([
      'chartroom.yaml:2:10: site.title must be text, not 3',
      'chartroom.yaml:3:8: site.url "ftp://charts.example" is not an absolute http:// or https:// URL',
      'chartroom.yaml:4:9: site.base "/a b/" is not a path',
      'chartroom.yaml:5:9: site.logo "../logo.svg" leaves the repository (..)',
      'chartroom.yaml:8:12: site.links item 1 url "javascript:alert(1)" is not an http:// or https:// URL',
      'chartroom.yaml:9:7: site.links item 2 has no url',
      'chartroom.yaml:10:22: site.privateRegistries must be full, metadata or hidden, not the string "open"',
    ]);
    expect(parseSettings(source).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses a logo that is not an image, not https, or not in the repository', async () => {
    expect(messages('site:\n  logo: logo.txt\n')[0]).toContain('is not an image');
    expect(messages('site:\n  logo: http://acme.example/logo.png\n')[0]).toContain('not an https:// one');
    expect(messages('site:\n  logo: /etc/logo.png\n')[0]).toContain('relative to the repository root');
    await writeFile(path.join(root, 'chartroom.yaml'), 'site:\n  logo: assets/missing.png\n');
    const { errors } = await loadSettings(root);
    expect(errors.map((e) => e.message)).toEqual([
      'chartroom.yaml:2:9: site.logo "assets/missing.png" does not exist',
    ]);
    const outside = await mkdtemp(path.join(tmpdir(), 'chartroom-outside-'));
    try {
      await writeFile(path.join(outside, 'secret.png'), 'not for the site');
      await symlink(path.join(outside, 'secret.png'), path.join(root, 'logo.png'));
      await writeFile(path.join(root, 'chartroom.yaml'), 'site:\n  logo: logo.png\n');
      expect((await loadSettings(root)).errors.map((e) => e.message)).toEqual([
        'chartroom.yaml:2:9: site.logo "logo.png" leads outside the repository (a symbolic link)',
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('places YAML syntax errors and refuses a file that is not a mapping', () => {
    expect(messages('site: [\n')[0]).toMatch(/^chartroom\.yaml:1:7: YAML syntax: .*never closed/);
    expect(messages('site:\n\tbase: /x/\n')[0]).toMatch(/^chartroom\.yaml:2:1: YAML syntax/);
    expect(messages('- site\n')).toEqual(['chartroom.yaml:1:1: the file must be a mapping, not a list']);
    expect(messages('site: yes please\n')).toEqual([
      'chartroom.yaml:1:7: site must be a mapping, not the string "yes please"',
    ]);
  });
});

describe('chartroom.yaml trust:', () => {
  it('reads trust.sigstoreRoot, and leaves trust out when it is not set', () => {
    expect(parseSettings('trust:\n  sigstoreRoot: trust/trusted_root.json\n').settings).toEqual({
      ...DEFAULT_SETTINGS,
      trust: { sigstoreRoot: 'trust/trusted_root.json' },
    });
    expect(parseSettings('trust: {}\n').settings).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses a root outside the repository, a URL, an unknown field, a wrong type, each at its place', () => {
    expect(messages('trust:\n  sigstoreRoot: /etc/sigstore/root.json\n')).toEqual([
      'chartroom.yaml:2:17: trust.sigstoreRoot "/etc/sigstore/root.json" must be a path relative to the repository root',
    ]);
    expect(messages('trust:\n  sigstoreRoot: roots/../../root.json\n')).toEqual([
      'chartroom.yaml:2:17: trust.sigstoreRoot "roots/../../root.json" leaves the repository (..)',
    ]);
    expect(messages('trust:\n  sigstoreRoot: https://tuf-repo-cdn.sigstore.dev/trusted_root.json\n')).toEqual(
      [
        'chartroom.yaml:2:17: trust.sigstoreRoot "https://tuf-repo-cdn.sigstore.dev/trusted_root.json" is a URL: chartroom verifies offline, from a file in the repository',
      ],
    );
    expect(messages('trust:\n  trustedRoot: root.json\n')).toEqual([
      'chartroom.yaml:2:3: unknown field "trustedRoot": did you mean "sigstoreRoot"?',
    ]);
    expect(messages('sigstoreRoot: root.json\n')[0]).toBe(
      'chartroom.yaml:1:1: "sigstoreRoot" belongs under trust:',
    );
    expect(messages('trust:\n  sigstoreRoot: 3\n')).toEqual([
      'chartroom.yaml:2:17: trust.sigstoreRoot must be text, not 3',
    ]);
  });
});
