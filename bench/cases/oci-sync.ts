/**
 * Case 5: a first sync of 500 Helm OCI artifacts (real fixture charts, 20 versions each) from
 * the real distribution registry on loopback, and a second one with nothing new, against
 * `skopeo copy docker://… dir:…` fetching the same artifacts 8 at a time in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { packChartDir } from '../../src/chart/pack.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry } from '../../testkit/oci-registry.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { fixtureCharts } from '../data/fixtures.ts';
import {
  n,
  ratio,
  run,
  summarise,
  timed,
  worker,
  type BenchContext,
  type CaseResult,
  type Sample,
} from '../lib.ts';

type SyncSample = Sample & { requests: number; added: number; failed: number };

export async function ociSync(ctx: BenchContext): Promise<CaseResult> {
  const perChart = ctx.small ? 2 : 20;
  const charts = fixtureCharts().slice(0, ctx.small ? 3 : 25);
  const registry = await startRegistry('none');
  try {
    const refs: string[] = [];
    const push = pLimit(4);
    await Promise.all(
      charts.flatMap((chart) =>
        Array.from({ length: perChart }, (_, v) =>
          push(async () => {
            const version = `0.${v}.0`;
            await pushChart(
              registry,
              `helm/${chart.name}`,
              await packChartDir(chart.dir, { name: chart.name, version }),
              version,
            );
            refs.push(`${registry.host}/helm/${chart.name}:${version}`);
          }),
        ),
      ),
    );
    const first: SyncSample[] = [];
    const second: SyncSample[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const repo = await createTempRepo();
      await repo.writeRegistry(
        'oci',
        `url: oci://${registry.host}/helm\ninsecure: true\nkeep: all\ncharts: [${charts.map((c) => c.name).join(', ')}]\n`,
      );
      const sample = await worker<SyncSample>('sync.ts', [repo.root]);
      if (sample.added !== refs.length || sample.failed !== 0)
        throw new Error(`OCI first sync added ${sample.added} of ${refs.length}, ${sample.failed} failed`);
      first.push(sample);
      second.push(await worker<SyncSample>('sync.ts', [repo.root]));
      await repo.cleanup();
    }
    const skopeoTimes: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const out = await mkdtemp(path.join(ctx.scratch, 'skopeo-'));
      const limit = pLimit(8);
      skopeoTimes.push(
        await timed(() =>
          Promise.all(
            refs.map((ref, k) =>
              limit(() =>
                run('skopeo', [
                  'copy',
                  '--quiet',
                  '--src-tls-verify=false',
                  `docker://${ref}`,
                  `dir:${path.join(out, String(k))}`,
                ]),
              ),
            ),
          ),
        ),
      );
      await rm(out, { recursive: true, force: true });
    }
    const sync = summarise(first);
    const quiet = summarise(second);
    const skopeo = summarise(skopeoTimes.map((ms) => ({ ms, maxRssMiB: 0 })));
    const data = `${n(refs.length)} Helm OCI artifacts (${charts.length} real charts x ${perChart} versions) in the real distribution registry on loopback, anonymous, keep: all`;
    const json = {
      data,
      artifacts: refs.length,
      first: { ...sync, requests: sync.last.requests },
      second: { ...quiet, requests: quiet.last.requests },
      skopeo: {
        ms: skopeo.ms,
        runs: skopeo.runs,
        what: 'skopeo copy docker://… dir:… of the same artifacts, 8 at a time',
      },
      ratioVsSkopeo: ratio(sync.ms, skopeo.ms),
    };
    const markdown = `## 5. OCI first sync: ${data}

| run | median time | requests | peak RSS |
|---|---|---|---|
| first sync (tags, manifests, config and layer blobs, digest checks, catalog write, commit) | **${sync.ms} ms** | ${n(sync.last.requests)} | ${sync.maxRssMiB} MiB |
| second sync (nothing new: tags only) | ${quiet.ms} ms | ${n(quiet.last.requests)} | ${quiet.maxRssMiB} MiB |
| baseline: \`skopeo copy\` of the same artifacts, 8 at a time | ${skopeo.ms} ms | | |

First sync / skopeo: **${json.ratioVsSkopeo}x**.
`;
    return {
      json,
      markdown,
      targets: [
        {
          case: '5. OCI first sync vs skopeo',
          target: 'faster than skopeo copy of the same artifacts (no target in the issue; 1.0x)',
          measured: `${json.ratioVsSkopeo}x (${sync.ms} ms vs ${skopeo.ms} ms)`,
          met: json.ratioVsSkopeo < 1,
        },
      ],
    };
  } finally {
    await registry.close();
  }
}
