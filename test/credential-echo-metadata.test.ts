/**
 * A registry that was sent a credential can echo it in what it serves, not only in an error
 * body: here the password a private HTTP repository is read with is in its chart's description
 * (index and Chart.yaml) and README. None of it reaches catalog/, the commit or the output.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

const SECRET = 'echoed-pa55word-value';
let repo: TempRepo;
let served: ServedRepository;

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('echo-app');
  const chartYaml = path.join(chart.dir, 'Chart.yaml');
  await writeFile(
    chartYaml,
    (await readFile(chartYaml, 'utf8')).replace(
      'description: Test chart echo-app',
      `description: pulled with ${SECRET}`,
    ),
  );
  await writeFile(path.join(chart.dir, 'README.md'), `# echo-app\n\nLog in with \`${SECRET}\`.\n`);
  served = await serveCharts([{ dir: chart.dir, name: 'echo-app', versions: ['1.0.0'] }]);
  served.server.basicAuth = { username: '', password: SECRET };
  await repo.writeCredential('echo', 'hosts: [127.0.0.1]\npassword: {env: ECHO_TOKEN}\n');
  await repo.writeRegistry('echo', `url: ${served.url}\ninsecure: true\ncredential: echo\n`);
});
afterAll(async () => {
  await served.close();
  await repo.cleanup();
});

describe('a credential the registry echoes in its charts', () => {
  it('is redacted from chart.json, the stored files, the commit and the output', async () => {
    const result = await chartroom(['sync', '--json'], {
      cwd: repo.root,
      env: { ECHO_TOKEN: SECRET, CHARTROOM_ENV_HOSTS: 'ECHO_TOKEN=127.0.0.1' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const dir = path.join(repo.root, 'catalog', 'charts', 'echo', 'echo-app');
    const doc = await readFile(path.join(dir, 'chart.json'), 'utf8');
    expect(JSON.parse(doc)).toMatchObject({ description: 'pulled with [redacted]' });
    expect(await readFile(path.join(dir, '1.0.0', 'README.md'), 'utf8')).toContain(
      'Log in with `[redacted]`',
    );
    const history = execFileSync('git', ['log', '-p', '--all'], { cwd: repo.root, encoding: 'utf8' });
    for (const text of [doc, history, result.stdout])
      expect(text.includes(SECRET) || text.includes(Buffer.from(`:${SECRET}`).toString('base64'))).toBe(
        false,
      );
  });
});
