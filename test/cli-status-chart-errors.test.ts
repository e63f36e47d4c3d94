/**
 * `chartroom status` never reads "ok" for a registry whose last sync could not list some of its
 * charts: the real distribution registry, asked for a chart it does not hold (`chartErrors`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { chartroom } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

let repo: TempRepo;
let oci: TestRegistry;
beforeAll(async () => {
  repo = await createTempRepo();
  oci = await startRegistry('none');
  const web = await writeOwnChart('web');
  await pushChart(oci, 'charts/web', await packChartDir(web.dir, { name: 'web', version: '1.0.0' }), '1.0.0');
  await repo.writeRegistry('lab', `url: oci://${oci.host}/charts\ninsecure: true\ncharts: [web, ghost]\n`);
}, 60_000);
afterAll(async () => {
  await oci?.close();
  await repo?.cleanup();
});

it('status names the charts that failed, in the table, the lines under it and the JSON', async () => {
  const sync = await chartroom(['sync', '--root', repo.root]);
  expect(sync.code).toBe(1);
  const table = await chartroom(['status', '--root', repo.root]);
  expect(table.stdout).toMatch(/^lab\s+oci\s+.*\s1 failed chart\(s\)$/m);
  expect(table.stdout).not.toMatch(/^lab\s.*\sok$/m);
  expect(table.stdout).toMatch(/^lab\/ghost: NameUnknown: name unknown: /m);
  const json = JSON.parse((await chartroom(['status', '--json', '--root', repo.root])).stdout) as {
    registries: Array<{ name: string; chartErrors: Array<{ chart: string; code: string }> }>;
  };
  expect(json.registries[0]!.chartErrors).toMatchObject([{ chart: 'ghost', code: 'NameUnknown' }]);
});
