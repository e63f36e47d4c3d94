import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let served: ServedRepository;
beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('zeta');
  served = await serveCharts([{ dir: chart.dir, name: 'zeta', versions: ['1.0.0'] }]);
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
});

describe('registry add/remove and status', () => {
  it('registry add writes a file that validates; editing keeps comments', async () => {
    const added = await chartroom([
      'registry',
      'add',
      'own',
      served.url,
      '--interval',
      '10m',
      '--insecure',
      '--root',
      repo.root,
    ]);
    expect(added.code).toBe(0);
    const file = path.join(repo.root, 'registries', 'own.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# yaml-language-server: $schema=../schemas/registry.schema.json');
    expect(text).toContain('insecure: true');
    expect((await chartroom(['validate', '--root', repo.root])).code).toBe(0);

    await writeFile(file, `# our team's charts\n${text}description: kept # and this comment\n`);
    expect(
      (await chartroom(['registry', 'add', 'own', served.url, '--interval', '1h', '--root', repo.root]))
        .stdout,
    ).toContain('updated');
    const edited = await readFile(file, 'utf8');
    expect(edited).toContain("# our team's charts");
    expect(edited).toContain('description: kept # and this comment');
    expect(edited).toContain('interval: 1h');
    expect(edited).not.toContain('10m');

    const bad = await chartroom(['registry', 'add', 'other', 'ftp://nope', '--root', repo.root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid reference format');
  });

  it('status shows kind, URL, interval, last check, last change and versions, as a table and as JSON', async () => {
    expect((await chartroom(['status', '--root', repo.root])).stdout).toMatch(/own\s+http\s+1h\s+never/);
    expect((await chartroom(['sync', '--root', repo.root])).code).toBe(0);
    const table = await chartroom(['status', '--root', repo.root]);
    expect(table.stdout).toMatch(
      /^REGISTRY\s+KIND\s+INTERVAL\s+LAST CHECK\s+LAST CHANGE\s+CHARTS\s+VERSIONS\s+STATUS$/m,
    );
    expect(table.stdout).toMatch(
      /own\s+http\s+1h\s+\d{4}-\d\d-\d\dT\S+\s+2024-01-01T00:00:00\.000Z\s+1\s+1\s+ok/,
    );
    const json = JSON.parse((await chartroom(['status', '--json', '--root', repo.root])).stdout) as {
      registries: Array<Record<string, unknown>>;
    };
    expect(json.registries[0]).toMatchObject({
      name: 'own',
      kind: 'http',
      url: served.url,
      interval: '1h',
      versions: 1,
      error: null,
      failedVersions: [],
    });
  });

  it('registry remove deletes the file; the next sync prunes the catalog', async () => {
    expect((await chartroom(['registry', 'remove', 'own', '--root', repo.root])).code).toBe(0);
    const sync = await chartroom(['sync', '--root', repo.root]);
    expect(sync.stdout).toContain('removed from the catalog: own');
  });
});
