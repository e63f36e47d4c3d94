/**
 * Case 3: a quiet sync (nothing changed) of 100 HTTP chart repositories and 300 OCI chart
 * repositories (10 registry files of 30 charts, in the real distribution registry). It should
 * send one conditional request per HTTP repository, one tags request per OCI chart repository
 * (anonymous: no auth round trips), and commit nothing.
 */
import pLimit from 'p-limit';
import { sha256Digest } from '../../src/chart/digest.ts';
import { startChartRepoServer } from '../../src/demo/chart-repo-server.ts';
import { renderIndex } from '../../src/demo/repository.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry } from '../../testkit/oci-registry.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { tinyChart } from '../data/tiny-charts.ts';
import { n, summarise, worker, type BenchContext, type CaseResult, type Sample } from '../lib.ts';

type SyncSample = Sample & { requests: number; added: number; failed: number; commit: string | null };

export async function quietSync(ctx: BenchContext): Promise<CaseResult> {
  const httpRepos = ctx.small ? 3 : 100;
  const chartsPerHttpRepo = 2;
  const ociRegistries = ctx.small ? 1 : 10;
  const chartsPerOciRegistry = ctx.small ? 3 : 30;
  const server = await startChartRepoServer();
  const registry = await startRegistry('none');
  const repo = await createTempRepo();
  try {
    for (let r = 0; r < httpRepos; r++) {
      const entries: Record<string, Array<Record<string, unknown>>> = {};
      for (let c = 0; c < chartsPerHttpRepo; c++) {
        const name = `chart-${c}`;
        const archive = tinyChart(name, '1.0.0');
        server.setFile(`/r${r}/${name}-1.0.0.tgz`, archive);
        entries[name] = [
          {
            apiVersion: 'v2',
            name,
            version: '1.0.0',
            created: '2026-01-01T00:00:00Z',
            digest: sha256Digest(archive).slice('sha256:'.length),
            urls: [`${name}-1.0.0.tgz`],
          },
        ];
      }
      server.setFile(
        `/r${r}/index.yaml`,
        renderIndex({ apiVersion: 'v1', entries, generated: '2026-01-01T00:00:00Z' }),
      );
      await repo.writeRegistry(`http-${r}`, `url: ${server.origin}/r${r}\ninsecure: true\n`);
    }
    const push = pLimit(8);
    const pushes: Array<Promise<unknown>> = [];
    for (let g = 0; g < ociRegistries; g++) {
      const names = Array.from({ length: chartsPerOciRegistry }, (_, c) => `oci-chart-${c}`);
      for (const name of names)
        pushes.push(push(() => pushChart(registry, `ns${g}/${name}`, tinyChart(name, '1.0.0'), '1.0.0')));
      await repo.writeRegistry(
        `oci-${g}`,
        `url: oci://${registry.host}/ns${g}\ninsecure: true\ncharts: [${names.join(', ')}]\n`,
      );
    }
    await Promise.all(pushes);
    await repo.git.add('registries').commit('registries');
    const ociRepos = ociRegistries * chartsPerOciRegistry;

    const first = await worker<SyncSample>('sync.ts', [repo.root]);
    const expectedVersions = httpRepos * chartsPerHttpRepo + ociRepos;
    if (first.added !== expectedVersions || first.failed !== 0)
      throw new Error(`first sync added ${first.added} of ${expectedVersions}, ${first.failed} failed`);
    const quiet: SyncSample[] = [];
    let httpRequests = 0;
    let commits = 0;
    for (let i = 0; i < ctx.runs; i++) {
      const before = server.requests.length;
      const sample = await worker<SyncSample>('sync.ts', [repo.root]);
      httpRequests = server.requests.length - before;
      if (sample.commit) commits++;
      quiet.push(sample);
    }
    const result = summarise(quiet);
    const requests = result.last.requests;
    const ociRequests = requests - httpRequests;
    const data = `${n(httpRepos)} HTTP chart repositories (${chartsPerHttpRepo} charts each) and ${n(ociRepos)} OCI chart repositories (${ociRegistries} registry files) in the real distribution registry, anonymous, all on loopback`;
    const json = {
      data,
      httpRepos,
      ociRepos,
      firstSync: { ms: Math.round(first.ms), requests: first.requests, added: first.added },
      quiet: result,
      requests,
      httpRequests,
      ociRequests,
      commits,
    };
    const exact = httpRequests === httpRepos && ociRequests === ociRepos;
    const markdown = `## 3. Quiet sync: ${data}

| run | median time | requests | peak RSS |
|---|---|---|---|
| first sync (setting up; ${n(first.added)} versions) | ${Math.round(first.ms)} ms | ${n(first.requests)} | ${Math.round(first.maxRssMiB)} MiB |
| quiet sync, nothing changed | **${result.ms} ms** | ${n(requests)}: ${n(httpRequests)} conditional index requests (all 304), ${n(ociRequests)} tags requests | ${result.maxRssMiB} MiB |

Commits made by the quiet runs: ${commits}. Expected requests: exactly ${n(httpRepos)} + ${n(ociRepos)} (one per HTTP repository, one tags page per OCI chart repository, no auth on an anonymous registry).
`;
    return {
      json,
      markdown,
      targets: [
        {
          case: '3. quiet sync',
          target: `exactly ${httpRepos} + ${ociRepos} requests, under 2 s, no commit`,
          measured: `${httpRequests} + ${ociRequests} requests, ${result.ms} ms, ${commits} commits`,
          met: exact && result.ms < 2000 && commits === 0,
        },
      ],
    };
  } finally {
    await repo.cleanup();
    await registry.close();
    await server.close();
  }
}
