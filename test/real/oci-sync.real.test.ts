/**
 * OCI sync of the real fixture charts, pushed as Helm pushes them to the real distribution
 * registry, in its three auth setups.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../../src/chart/pack.ts';
import type { CatalogChart } from '../../src/catalog/types.ts';
import { createSync } from '../../src/sync/run.ts';
import { catalogProblems } from '../helpers/catalog-check.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry, type RegistryAuth, type TestRegistry } from '../../testkit/oci-registry.ts';
import { recordingHttp } from '../helpers/recording-http.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';
import { fixtureCharts } from '../../testkit/fixtures.ts';

const charts = fixtureCharts();
const versionsOf = (version: string) => ['0.0.1', '0.0.2+build.7', version];

describe.each(['none', 'htpasswd', 'token'] as RegistryAuth[])(
  'OCI sync of the fixture charts, auth: %s',
  (auth) => {
    let registry: TestRegistry;
    let repo: TempRepo;
    const http = recordingHttp();
    const env = {
      OCI_USER: 'admin',
      OCI_PASS: 'admin-pass-1',
      CHARTROOM_ENV_HOSTS: 'OCI_USER=127.0.0.1 OCI_PASS=127.0.0.1',
    };
    const sync = (environment = env) =>
      createSync({ root: repo.root, http, env: environment }).run({ force: true });

    beforeAll(async () => {
      registry = await startRegistry(auth);
      for (const chart of charts) {
        for (const version of versionsOf(chart.version)) {
          await pushChart(
            registry,
            `helm/${chart.name}`,
            await packChartDir(chart.dir, { name: chart.name, version }),
            version,
          );
        }
      }
      repo = await createTempRepo();
      await repo.writeCredential(
        'oci',
        'hosts: [127.0.0.1]\nusername: {env: OCI_USER}\npassword: {env: OCI_PASS}\n',
      );
      await repo.writeRegistry(
        'fixtures',
        `url: oci://${registry.host}/helm\ninsecure: true\nkeep: all\ncharts: [${charts.map((c) => c.name).join(', ')}]\n${auth === 'none' ? '' : 'credential: oci\n'}`,
      );
    });
    afterAll(async () => {
      expect(await catalogProblems(repo.root)).toEqual([]);
      await http.close();
      await registry.close();
      await repo.cleanup();
    });

    it('first sync writes every version with its files equal to the source', async () => {
      const report = await sync();
      expect(report.registries[0]!.error).toBeUndefined();
      expect(report.registries[0]!.failed).toEqual([]);
      expect(report.registries[0]!.added).toHaveLength(charts.length * 3);
      for (const chart of charts) {
        const doc = JSON.parse(
          await readFile(
            path.join(repo.root, 'catalog', 'charts', 'fixtures', chart.name, 'chart.json'),
            'utf8',
          ),
        ) as CatalogChart;
        expect(doc.versions.map((v) => v.version)).toEqual([...versionsOf(chart.version)].reverse());
        expect(doc.deprecated).toBe(chart.deprecated);
        for (const v of doc.versions) {
          for (const file of ['README.md', 'values.yaml', 'values.schema.json']) {
            const source = path.join(chart.dir, file);
            if (!existsSync(source)) continue;
            const copy = await readFile(
              path.join(repo.root, 'catalog', 'charts', 'fixtures', chart.name, v.version, file),
            );
            expect(copy.equals(await readFile(source))).toBe(true);
          }
        }
      }
    });

    it('the second sync fetches no manifest and commits nothing', async () => {
      http.reset();
      const report = await sync();
      expect(report.commit).toBeUndefined();
      expect(http.urls.filter((u) => /\/manifests\/|\/blobs\//.test(u))).toEqual([]);
      expect(http.urls.filter((u) => u.includes('/tags/list')).length).toBe(
        charts.length + (auth === 'none' ? 0 : 1),
      );
    });

    it('a pushed new tag appears', async () => {
      const argo = charts.find((c) => c.name === 'argo-cd')!;
      await pushChart(
        registry,
        'helm/argo-cd',
        await packChartDir(argo.dir, { name: 'argo-cd', version: '99.0.0' }),
        '99.0.0',
      );
      const report = await sync();
      expect(report.message?.split('\n')[0]).toBe('sync: 1 new version in 1 registry');
    });

    if (auth !== 'none')
      it('wrong credentials give unauthorized: authentication required and lose nothing', async () => {
        const report = await sync({ ...env, OCI_PASS: 'nope-nope' });
        expect(report.registries[0]!.error!.message).toMatch(/^unauthorized: authentication required/);
        expect(report.exitCode).toBe(1);
        const doc = JSON.parse(
          await readFile(
            path.join(repo.root, 'catalog', 'charts', 'fixtures', 'argo-cd', 'chart.json'),
            'utf8',
          ),
        ) as CatalogChart;
        expect(doc.versions).toHaveLength(4);
      });
  },
);
