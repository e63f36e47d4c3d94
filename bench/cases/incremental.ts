/**
 * Case 4: an incremental sync of a 20,000-version registry (the case 1 index, served) where 10
 * new versions appeared, each the newest of its chart, spread over the index. It should
 * download only those 10 archives, and take little more than the index request itself.
 * The registry has `keep: 1`, so setting up the catalog downloads one archive per chart, not
 * 20,000; the incremental run's work does not depend on keep.
 */
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Digest } from '../../src/chart/digest.ts';
import { compareNewestFirst } from '../../src/chart/version.ts';
import { startChartRepoServer } from '../../src/demo/chart-repo-server.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { bigIndex, helmYaml, type Entry } from '../data/big-index.ts';
import { argoIndexFile } from '../data/fixtures.ts';
import { tinyChart } from '../data/tiny-charts.ts';
import {
  median,
  mib,
  n,
  ratio,
  repeat,
  round,
  summarise,
  worker,
  type BenchContext,
  type CaseResult,
  type Sample,
} from '../lib.ts';

type SyncSample = Sample & { requests: number; added: number; failed: number; commitMs: number };

export async function incremental(ctx: BenchContext): Promise<CaseResult> {
  const big = bigIndex(await readFile(argoIndexFile(), 'utf8'), ctx.small ? 300 : 20_000);
  const index = big.document;
  const server = await startChartRepoServer();
  const repo = await createTempRepo();
  const serve = (entry: Entry) => {
    const file = `${entry.name}-${entry.version}.tgz`;
    const archive = tinyChart(entry.name, entry.version);
    server.setFile(`/big/${file}`, archive);
    entry.digest = sha256Digest(archive).slice('sha256:'.length);
    entry.urls = [file];
  };
  try {
    const charts = Object.keys(index.entries).sort();
    for (const chart of charts) {
      const list = index.entries[chart]!;
      const newest = [...list].sort((a, b) => compareNewestFirst(a.version, b.version))[0]!;
      serve(newest);
    }
    server.setFile('/big/index.yaml', helmYaml(index));
    await repo.writeRegistry('big', `url: ${server.origin}/big\ninsecure: true\nkeep: 1\n`);
    await repo.git.add('registries').commit('registries');
    const first = await worker<SyncSample>('sync.ts', [repo.root]);
    if (first.added !== big.versions) throw new Error(`first sync added ${first.added} of ${big.versions}`);

    // 10 new versions, each the newest of another chart, spread over the index
    const newVersions = Math.min(10, charts.length);
    const fresh: string[] = [];
    for (let i = 0; i < newVersions; i++) {
      const chart = charts[Math.floor(((i + 0.5) * charts.length) / newVersions)]!;
      const list = index.entries[chart]!;
      const entry: Entry = { ...list[0]!, version: `${100 + i}.0.0`, created: '2026-11-20T00:00:00Z' };
      serve(entry);
      list.unshift(entry);
      fresh.push(`${chart}-${entry.version}.tgz`);
    }
    const yaml = helmYaml(index);
    server.setFile('/big/index.yaml', yaml);

    const samples: SyncSample[] = [];
    let downloads: string[] = [];
    let requests = 0;
    for (let i = 0; i < ctx.runs; i++) {
      const copy = path.join(ctx.scratch, `run-${i}`);
      await cp(path.dirname(repo.root), copy, { recursive: true });
      const before = server.requests.length;
      const sample = await worker<SyncSample>('sync.ts', [path.join(copy, path.basename(repo.root))]);
      const seen = server.requests.slice(before);
      downloads = seen.filter((r) => r.path.endsWith('.tgz')).map((r) => path.basename(r.path));
      requests = seen.length;
      if (sample.added !== newVersions || sample.failed !== 0)
        throw new Error(`incremental sync added ${sample.added}, ${sample.failed} failed`);
      samples.push(sample);
    }
    const sync = summarise(samples);
    const commitMs = round(median(samples.map((s) => s.commitMs)));
    const get = await repeat(ctx.runs, () => worker('index-fetch.ts', [`${server.origin}/big`, 'get']));
    const getAndParse = await repeat(ctx.runs, () =>
      worker('index-fetch.ts', [`${server.origin}/big`, 'parse']),
    );
    const onlyThose = downloads.length === newVersions && downloads.every((d) => fresh.includes(d));
    const data = `${n(big.versions + newVersions)} versions of ${n(charts.length)} charts (${mib(yaml.length)} MiB index.yaml), ${newVersions} of them new, each in another chart; keep: 1`;
    const json = {
      data,
      firstSync: { ms: Math.round(first.ms), maxRssMiB: Math.round(first.maxRssMiB), added: first.added },
      incremental: { ...sync, commitMs },
      requests,
      downloads,
      indexRequest: get,
      indexRequestAndFullParse: getAndParse,
      ratioVsIndexRequest: ratio(sync.ms, get.ms),
      ratioVsIndexRequestAndFullParse: ratio(sync.ms, getAndParse.ms),
    };
    const markdown = `## 4. Incremental sync: ${data}

| run | median time | requests | peak RSS |
|---|---|---|---|
| first sync (setting up: ${n(first.added)} versions, one archive per chart) | ${Math.round(first.ms)} ms | ${n(first.requests)} | ${Math.round(first.maxRssMiB)} MiB |
| incremental sync (index, read the changed charts, ${downloads.length} downloads, catalog write, commit) | **${sync.ms} ms** (commit: ${commitMs} ms) | ${requests} | ${sync.maxRssMiB} MiB |
| baseline: the index request alone (GET of ${mib(yaml.length)} MiB) | ${get.ms} ms | 1 | ${get.maxRssMiB} MiB |
| baseline: the index request and a full parse (what a sync reading every chart would do first) | ${getAndParse.ms} ms | 1 | ${getAndParse.maxRssMiB} MiB |

Archives downloaded: ${downloads.length} (${onlyThose ? 'exactly the new ones' : `expected the ${newVersions} new ones`}). Incremental sync / index request: **${json.ratioVsIndexRequest}x**; / index request and full parse: **${json.ratioVsIndexRequestAndFullParse}x**. The sync parses only the charts whose part of the index changed (a sha256 per chart, kept in .chartroom/state.json with the ETag).
${
  json.ratioVsIndexRequest >= 2
    ? `
**Target partly missed (time dominated by the index request): why, and what would meet it.** On loopback the ${mib(yaml.length)} MiB GET takes ${get.ms} ms; over a real link it is the run (at 100 Mbit/s it alone takes ${round((yaml.length * 8) / 100e6, 1)} s). What is chartroom's own: splitting and hashing the whole index to find the changed charts, parsing those, reading every chart.json of the registry (once for the crash clean-up, once to diff) and the commit (${commitMs} ms, five git processes). What would meet it on loopback: skipping the clean-up scan when the last run ended cleanly, and reading only the changed charts' chart.json (keeping per-chart counts in the state file).
`
    : ''
}`;
    return {
      json,
      markdown,
      targets: [
        {
          case: '4. incremental sync',
          target: `downloads only the ${newVersions} new archives; time dominated by the index request`,
          measured: `${downloads.length} downloads; ${sync.ms} ms vs ${get.ms} ms for the index request (${json.ratioVsIndexRequest}x)`,
          met: onlyThose && json.ratioVsIndexRequest < 2,
        },
      ],
    };
  } finally {
    await repo.cleanup();
    await server.close();
  }
}
