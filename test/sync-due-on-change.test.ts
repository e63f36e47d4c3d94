/**
 * A registry whose definition (its file's settings) or credential file changed since its last
 * check is due at once, whatever its interval; every sync says which registries it skipped as
 * not due and when each is next due. A quiet sync stays free: no request, no commit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncReport } from '../src/sync/run.ts';
import type { SyncState } from '../src/sync/state.ts';
import { reportProblems } from './helpers/catalog-check.ts';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const SECRET = 'due-on-change-t0ken';
let repo: TempRepo;
let served: ServedRepository;
let host = '';

const commits = async () => (await repo.git.log()).total;
const state = async () =>
  JSON.parse(await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8')) as SyncState;
const sync = (args: string[] = [], env: Record<string, string> = {}) =>
  chartroom(['sync', '--root', repo.root, ...args], {
    env: { CHARTROOM_ENV_HOSTS: `GOOD=${host}; WRONG=${host}`, ...env },
  });

beforeEach(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('due-app');
  served = await serveCharts([{ dir: chart.dir, name: 'due-app', versions: ['1.0.0'] }]);
  host = new URL(served.url).host;
});
afterEach(async () => {
  await served.close();
  await repo.cleanup();
});

describe('a registry whose definition or credential changed is due at once', () => {
  it('fixing a broken registry file syncs it on the next run; the others are listed as not due', async () => {
    const https = served.url.replace('http://', 'https://');
    await repo.writeRegistry('web', `url: ${https}\ninterval: 5m\n`);
    await repo.writeRegistry('other', `url: ${served.url}\ninsecure: true\ninterval: 5m\n`);
    const broken = await sync();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('✗ web:');

    // the fix: plain http, allowed
    await repo.writeRegistry('web', `url: ${served.url}\ninsecure: true\ninterval: 5m\n`);
    const fixed = await sync();
    expect(fixed.stderr).toContain('✓ web: 1 new');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(
      /^committed [0-9a-f]{12}: sync: 1 new version in 1 registry, web recovered$/m,
    );
    expect(fixed.stdout).toMatch(/^skipped \(not due\): other next at \d\d:\d\d:\d\dZ \(in (4m\d\ds|5m)\)$/m);

    // a quiet sync: no request, no commit, and it says when each registry is next due
    const before = await commits();
    served.reset();
    const quiet = await sync();
    expect(quiet.code).toBe(0);
    expect(served.since()).toEqual([]);
    expect(await commits()).toBe(before);
    expect(quiet.stdout).toContain('nothing changed; no commit');
    expect(quiet.stdout).toMatch(
      /^skipped \(not due\): other next at \d\d:\d\d:\d\dZ \(in (4m\d\ds|5m)\), web in (4m\d\ds|5m)$/m,
    );

    // a change of comments or formatting only is no change of the definition
    await repo.writeRegistry('web', `# ours\nurl:   ${served.url}\ninsecure: true\ninterval: 5m\n`);
    served.reset();
    expect((await sync()).stdout).toContain('nothing changed; no commit');
    expect(served.since()).toEqual([]);
  });

  it('--json lists nextDue for each registry skipped as not due (the published schema)', async () => {
    await repo.writeRegistry('web', `url: ${served.url}\ninsecure: true\ninterval: 1h\n`);
    await repo.writeRegistry('manual', `url: ${served.url}\ninsecure: true\ninterval: 0\n`);
    expect((await sync()).code).toBe(0);
    const result = await sync(['--json']);
    const report = JSON.parse(result.stdout) as SyncReport;
    expect(reportProblems(report)).toEqual([]);
    const web = report.registries.find((r) => r.name === 'web')!;
    expect(web.status).toBe('skipped');
    const lastCheck = (await state()).registries.web!.lastCheck!;
    expect(web.nextDue).toBe(new Date(Date.parse(lastCheck) + 3_600_000).toISOString());
    expect(report.registries.find((r) => r.name === 'manual')!.nextDue).toBeUndefined();
    const text = await sync();
    expect(text.stdout).toMatch(/^skipped \(not due\): web next at .* \(in (59m\d\ds|1h)\)$/m);
    expect(text.stdout).toContain('not synced automatically (interval 0): manual');
  });

  it('beyond ten registries skipped as not due, the rest are counted, not named', async () => {
    for (let i = 10; i < 22; i++)
      await repo.writeRegistry(`r${i}`, `url: ${served.url}\ninsecure: true\ninterval: 1h\n`);
    expect((await sync()).code).toBe(0);
    served.reset();
    const quiet = await sync();
    expect(served.since()).toEqual([]);
    const line = quiet.stdout.split('\n').find((l) => l.startsWith('skipped (not due): '))!;
    expect(line).toMatch(
      /^skipped \(not due\): r\d\d next at \d\d:\d\d:\d\dZ \(in (59m\d\ds|1h)\), r\d\d in /,
    );
    expect(line).toMatch(/, and 2 more \(the last at [\d:Z -]+, in (59m\d\ds|1h)\)$/);
    expect(line.match(/\br\d\d\b/g)).toHaveLength(10);
  });

  it('changing the credential file makes the registry due at once; the resolved secret is never hashed', async () => {
    served.server.basicAuth = { username: '', password: SECRET };
    await repo.writeCredential('charts', 'hosts: [127.0.0.1]\npassword: {env: WRONG}\n');
    await repo.writeRegistry(
      'private',
      `url: ${served.url}\ninsecure: true\ncredential: charts\ninterval: 1h\n`,
    );
    const denied = await sync([], { WRONG: 'not-the-token', GOOD: SECRET });
    expect(denied.code).toBe(1);
    const fingerprint = (await state()).registries.private!.fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);

    // another value behind the same reference: the file is what is hashed, not the secret
    served.reset();
    const sameFile = await sync([], { WRONG: SECRET, GOOD: SECRET });
    expect(served.since()).toEqual([]);
    expect(sameFile.stdout).toMatch(/skipped \(not due\): private next at/);
    expect((await state()).registries.private!.fingerprint).toBe(fingerprint);

    await repo.writeCredential('charts', 'hosts: [127.0.0.1]\npassword: {env: GOOD}\n');
    const fixed = await sync([], { WRONG: 'not-the-token', GOOD: SECRET });
    expect(fixed.stderr).toContain('✓ private: 1 new');
    expect(fixed.code).toBe(0);
    const text = await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8');
    expect(text).not.toContain(SECRET);
    expect((await state()).registries.private!.fingerprint).not.toBe(fingerprint);
  });
});
