/**
 * Every problem of a configuration file is reported at once, each at file:line:col: two unknown
 * fields (each with its did-you-mean) and a value of the wrong type in one registry file, by
 * `validate` and by `sync` (exit 2, nothing synced), instead of the first one alone; and each
 * problem of a credential file (a misspelt field beside a plaintext secret) in `validate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;

beforeAll(async () => {
  repo = await createTempRepo();
  await repo.writeRegistry(
    'web',
    [
      'url: https://charts.example.org',
      'intervall: 5m',
      'descripton: the web charts',
      'keep: many',
      'versions: "not a range"',
      '',
    ].join('\n'),
  );
  await repo.writeCredential(
    'web',
    'hosts: [charts.example.org]\nusername: robot\npasswrod: {env: WEB_TOKEN}\n',
  );
});
afterAll(() => repo.cleanup());

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error: '));

describe('a registry file with several problems', () => {
  it.each([['validate'], ['sync']])('%s reports each of them with its place, exit 2', async (command) => {
    const result = await chartroom([command, '--root', repo.root]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr).filter((l) => l.startsWith('error: registries/web.yaml'))).toEqual([
      'error: registries/web.yaml:2:1: unknown field "intervall": did you mean "interval"?',
      'error: registries/web.yaml:3:1: unknown field "descripton": did you mean "description"?',
      'error: registries/web.yaml:4:7: keep must be a positive integer or "all", not the string "many"',
      'error: registries/web.yaml:5:11: versions "not a range" is not a semver range',
    ]);
    expect(result.stderr).toContain('  hint: rename it to description');
    if (command === 'validate') expect(result.stderr).toContain('6 problems found');
  });

  it('validate reports every problem of a credential file too', async () => {
    const result = await chartroom(['validate', '--root', repo.root]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr).slice(4)).toEqual([
      'error: registries/credentials/web.yaml:3:1: unknown field "passwrod": did you mean "password"?',
      'error: registries/credentials/web.yaml:2:11: username is a plaintext secret',
    ]);
  });
});
