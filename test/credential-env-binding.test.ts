/**
 * `{env: NAME}` references read only what the sync's own environment binds to the registry's
 * host (`CHARTROOM_ENV_HOSTS`), since the pull request that adds a registry can add its
 * credential file too. A merged pull request naming `SOPS_AGE_KEY`, an unbound variable, or a
 * variable bound to another host sends nothing anywhere and fails only its registry, saying how
 * to bind it; `validate` refuses `SOPS_AGE_KEY*` always, checks the references when it is given
 * the bindings, and lists in its job summary every binding the change adds against its base.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const SECRET = 'charts-t0ken-value';
const SECRETS = {
  SOPS_AGE_KEY: 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ',
  GITHUB_TOKEN: 'ghs_the-workflow-token',
  ECR_TOKEN: 'ecr-token-for-aws',
  CHARTS_TOKEN: SECRET,
};
const BINDINGS =
  'SOPS_AGE_KEY=127.0.0.1\nECR_TOKEN=123456789012.dkr.ecr.eu-west-1.amazonaws.com; CHARTS_TOKEN=127.0.0.1';

let repo: TempRepo;
let served: ServedRepository;
let base: string;
let host = '';

const credential = (variable: string) => `hosts: [127.0.0.1]\npassword: {env: ${variable}}\n`;

beforeAll(async () => {
  repo = await createTempRepo();
  base = await mkdtemp(path.join(tmpdir(), 'chartroom-env-'));
  const chart = await writeOwnChart('bound-app');
  served = await serveCharts([{ dir: chart.dir, name: 'bound-app', versions: ['1.0.0'] }]);
  served.server.basicAuth = { username: '', password: SECRET };
  host = new URL(served.url).host;
  // the base: one registry whose reference the sync binds
  await repo.writeCredential('good', credential('CHARTS_TOKEN'));
  await repo.writeRegistry('good', `url: ${served.url}\ninsecure: true\ncredential: good\n`);
  await repo.git.add('registries').commit('a bound registry');
  // the pull request: three registries on the same host, each with its own plain credential
  for (const [name, variable] of [
    ['evil', 'SOPS_AGE_KEY'],
    ['grab', 'GITHUB_TOKEN'],
    ['elsewhere', 'ECR_TOKEN'],
  ] as const) {
    await repo.writeCredential(name, credential(variable));
    await repo.writeRegistry(name, `url: ${served.url}\ninsecure: true\ncredential: ${name}\n`);
  }
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
  await rm(base, { recursive: true, force: true });
});

describe('environment references bound where the secret enters the environment', () => {
  it('validate refuses SOPS_AGE_KEY always, unbound references when given the bindings, and lists the new bindings', async () => {
    const summary = path.join(base, 'summary.md');
    await writeFile(summary, '');
    const github = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    // a pull request's check: no secrets, no bindings
    const bare = await chartroom(['validate', '--root', repo.root, '--base', 'main'], { env: github });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(
      'error: registries/credentials/evil.yaml:2:17: password refers to $SOPS_AGE_KEY, which no credential may read',
    );
    expect(bare.stderr).not.toContain('GITHUB_TOKEN');
    expect(bare.stdout).toContain('CHARTROOM_ENV_HOSTS is not set here');
    expect(bare.stdout).toContain('credential bindings added or changed since main (');
    const text = await readFile(summary, 'utf8');
    expect(text).toContain('Problems found:');
    const rows = text.split('\n').filter((l) => l.startsWith('| registries/credentials/'));
    expect(rows).toEqual([
      '| registries/credentials/elsewhere.yaml | $ECR_TOKEN (password) | 127.0.0.1 | elsewhere |',
      '| registries/credentials/evil.yaml | $SOPS_AGE_KEY (password) | 127.0.0.1 | evil |',
      '| registries/credentials/grab.yaml | $GITHUB_TOKEN (password) | 127.0.0.1 | grab |',
    ]);

    // given the sync's bindings (the Action's env-hosts input), every reference is checked
    const bound = await chartroom(['validate', '--root', repo.root], {
      env: { CHARTROOM_ENV_HOSTS: BINDINGS },
    });
    expect(bound.code).toBe(2);
    expect(bound.stderr).toContain(
      `password refers to $GITHUB_TOKEN for registry grab, which the sync's CHARTROOM_ENV_HOSTS does not bind to any host`,
    );
    expect(bound.stderr).toContain(
      `password refers to $ECR_TOKEN for registry elsewhere, which CHARTROOM_ENV_HOSTS binds to 123456789012.dkr.ecr.eu-west-1.amazonaws.com only, not to host ${host}`,
    );
    expect(bound.stderr).toContain('error: CHARTROOM_ENV_HOSTS: SOPS_AGE_KEY can never be bound');
    expect(bound.stderr).not.toContain('registries/credentials/good.yaml');
    // no base known: every binding is listed
    expect(bound.stdout).toContain('so every one is listed: 4');
  });

  it('a sync reads only bound references: the others send nothing and fail their registry, saying how to bind', async () => {
    served.reset();
    const result = await chartroom(['sync', '--root', repo.root], {
      env: { ...SECRETS, CHARTROOM_ENV_HOSTS: BINDINGS },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✓ good: 1 new');
    expect(result.stderr).toContain(
      '✗ evil: registries/credentials/evil.yaml password refers to $SOPS_AGE_KEY, which no credential may read',
    );
    expect(result.stderr).toContain(
      `✗ grab: registries/credentials/grab.yaml password refers to $GITHUB_TOKEN, which the sync's CHARTROOM_ENV_HOSTS does not bind to any host (it ignores: SOPS_AGE_KEY can never be bound: it decrypts every SOPS credential), so it is not read; if GITHUB_TOKEN may be sent to that host, bind it where the secret is put into the environment: CHARTROOM_ENV_HOSTS='GITHUB_TOKEN=${host}' (the Action's env-hosts input`,
    );
    expect(result.stderr).toContain(
      `✗ elsewhere: registries/credentials/elsewhere.yaml password refers to $ECR_TOKEN, which CHARTROOM_ENV_HOSTS binds to 123456789012.dkr.ecr.eu-west-1.amazonaws.com only, not to host ${host}; if ECR_TOKEN may be sent to that host, bind it where the secret is put into the environment: CHARTROOM_ENV_HOSTS='ECR_TOKEN=123456789012.dkr.ecr.eu-west-1.amazonaws.com,${host}'`,
    );
    const sent = served.since().map((r) => r.headers.authorization);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([`Basic ${Buffer.from(`:${SECRET}`).toString('base64')}`]));
    const evil = JSON.parse(
      await readFile(path.join(repo.root, 'catalog', 'registries', 'evil.json'), 'utf8'),
    ) as { error: { code: string } };
    expect(evil.error.code).toBe('CredentialEnvUnbound');
  });
});
