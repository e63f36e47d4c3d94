/**
 * Hostile chart archives, end to end: a real chart repository serves nu 1.0.0 and 1.2.0 as
 * `helm package` makes them and, as 1.1.0, an archive built to escape, to exhaust or to lie (with
 * the index digest of what is served, so the digest check passes and the archive reader is what
 * refuses it). Each fails only nu 1.1.0 with an error that names it, the other versions sync, and
 * nothing lands outside catalog/ (chartroom never unpacks to disk; this proves it stays so).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { sha256Digest } from '../src/chart/digest.ts';
import { packEntries, type RawEntry } from '../src/chart/pack.ts';
import type { CatalogChart, CatalogRegistry } from '../src/catalog/types.ts';
import { createSync } from '../src/sync/run.ts';
import { catalogProblems, reportProblems } from './helpers/catalog-check.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';
import { listTree } from './helpers/tree.ts';

const MiB = 1024 * 1024;
/** in every escaping path, so a file that escaped anywhere can be looked for by name */
const MARKER = `pwned-${randomUUID().slice(0, 8)}`;
const OUTSIDE = path.join(tmpdir(), MARKER, 'passwd');

const chartYaml = (name = 'nu', version = '1.1.0') =>
  Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: hostile\n`);
const good: RawEntry[] = [
  { path: 'nu/Chart.yaml', body: chartYaml() },
  { path: 'nu/values.yaml', body: Buffer.from('replicas: 1\n') },
  { path: 'nu/README.md', body: Buffer.from('# nu\n') },
];
const pack = (...extra: RawEntry[]) => packEntries([...good, ...extra]);
const special = (entryPath: string, type: string): RawEntry => ({
  path: entryPath,
  type: type as RawEntry['type'],
});

/** 1 KiB of gzip members that inflate to `mib` MiB of zeros after a real tar header: the tar never ends. */
function gzipBomb(mib: number): Buffer {
  const head = gunzipSync(packEntries([good[0]!])).subarray(0, 1024);
  const zeros = gzipSync(Buffer.alloc(16 * MiB));
  return Buffer.concat([gzipSync(head), ...Array<Buffer>(Math.ceil(mib / 16)).fill(zeros)]);
}

/** A tar whose second header's checksum no longer matches its bytes. */
function badChecksum(): Buffer {
  const tar = gunzipSync(pack());
  tar[2 * 512 + 148] = tar[2 * 512 + 148]! ^ 0x01; // header 2 (after Chart.yaml's header and its one data block)
  return gzipSync(tar);
}

// [label, archive served as nu 1.1.0, error code, message after "nu 1.1.0: "]
const ROWS: Array<[string, () => Buffer, string, RegExp]> = [
  [
    'an entry with ../ in its path',
    () => pack({ path: `nu/../../../../../${MARKER}/passwd`, body: Buffer.from('root::0:0::/:/bin/sh\n') }),
    'ArchiveUnsafe',
    /^archive refused: entry ".*" climbs out of the chart with "\.\."/,
  ],
  [
    'an entry with an absolute path',
    () => pack({ path: OUTSIDE, body: Buffer.from('root::0:0::/:/bin/sh\n') }),
    'ArchiveUnsafe',
    /^archive refused: entry "\/.*" has an absolute path/,
  ],
  [
    'an entry with .. between backslashes in its path (packed on Windows)',
    () =>
      pack({ path: `nu\\..\\..\\..\\..\\${MARKER}\\passwd`, body: Buffer.from('root::0:0::/:/bin/sh\n') }),
    'ArchiveUnsafe',
    /^archive refused: entry ".*" \(nu\/\.\.\/\.\..*\) climbs out of the chart with "\.\."/,
  ],
  [
    'an entry with a drive letter (packed on Windows)',
    () => pack({ path: `C:\\${MARKER}\\passwd`, body: Buffer.from('root::0:0::/:/bin/sh\n') }),
    'ArchiveUnsafe',
    /^archive refused: entry "C:\\.*" \(C:\/.*\) has an absolute path/,
  ],
  [
    'a symlink to /etc/passwd',
    () => packEntries([good[0]!, { path: 'nu/values.yaml', type: 'SymbolicLink', linkpath: '/etc/passwd' }]),
    'ArchiveUnsafe',
    /^archive refused: entry "nu\/values.yaml" is a link/,
  ],
  [
    'a hardlink to a file outside the chart',
    () => packEntries([good[0]!, { path: 'nu/README.md', type: 'Link', linkpath: `../../${MARKER}/passwd` }]),
    'ArchiveUnsafe',
    /^archive refused: entry "nu\/README.md" is a link/,
  ],
  [
    'a character device',
    () => pack(special('nu/tty', 'CharacterDevice')),
    'ArchiveUnsafe',
    /CharacterDevice entry/,
  ],
  ['a block device', () => pack(special('nu/sda', 'BlockDevice')), 'ArchiveUnsafe', /BlockDevice entry/],
  ['a FIFO', () => pack(special('nu/pipe', 'FIFO')), 'ArchiveUnsafe', /FIFO entry/],
  [
    'a file over the 5 MiB per-file cap',
    () => pack({ path: 'nu/templates/big.yaml', body: Buffer.alloc(5 * MiB + 1, 'a') }),
    'ArchiveUnsafe',
    /entry "nu\/templates\/big.yaml" is larger than 5 MiB/,
  ],
  [
    'entries over the 100 MiB decompressed cap',
    () => {
      // 21 files under the per-file cap, 100.8 MiB together: the sum is what is refused
      const body = Buffer.alloc(4.8 * MiB);
      return pack(...Array.from({ length: 21 }, (_, i) => ({ path: `nu/files/f${i}.bin`, body })));
    },
    'ArchiveUnsafe',
    /its entries add up to more than 100 MiB/,
  ],
  ['a gzip bomb', () => gzipBomb(160), 'ArchiveUnsafe', /it decompresses to more than 100 MiB/],
  ['no Chart.yaml', () => packEntries(good.slice(1)), 'ChartInvalid', /^the archive has no nu\/Chart.yaml/],
  [
    'a Chart.yaml whose name disagrees with the index',
    () => packEntries([{ path: 'nu/Chart.yaml', body: chartYaml('other') }, ...good.slice(1)]),
    'ChartMismatch',
    /the archive's Chart.yaml says other 1\.1\.0/,
  ],
  [
    'a Chart.yaml whose version disagrees with the index',
    () => packEntries([{ path: 'nu/Chart.yaml', body: chartYaml('nu', '6.6.6') }, ...good.slice(1)]),
    'ChartMismatch',
    /the archive's Chart.yaml says nu 6\.6\.6/,
  ],
  [
    'a values.schema.json that is not JSON',
    () => pack({ path: 'nu/values.schema.json', body: Buffer.from('{"type": "object",') }),
    'ChartInvalid',
    /^values.schema.json is not JSON/,
  ],
  [
    'entries under two top folders',
    () => pack({ path: 'other/Chart.yaml', body: chartYaml('other') }),
    'ArchiveUnsafe',
    /entries sit under two top folders/,
  ],
  ['bytes that are not gzip', () => Buffer.from('<html>404</html>'), 'ArchiveInvalid', /not gzip/],
  ['a tar header with a bad checksum', badChecksum, 'ArchiveInvalid', /damaged tar: .*checksum/],
];

let chart: OwnChart;
let repo: TempRepo;
let served: ServedRepository;
const base = () => path.dirname(repo.root);

beforeAll(async () => {
  chart = await writeOwnChart('nu', { schema: true });
});
beforeEach(async () => {
  repo = await createTempRepo();
  served = await serveCharts([{ dir: chart.dir, name: 'nu', versions: ['1.2.0', '1.0.0'] }]);
  await repo.writeRegistry('own', `url: ${served.url}\ninsecure: true\n`);
});
afterEach(async () => {
  expect(await catalogProblems(repo.root)).toEqual([]);
  await served.close();
  await repo.cleanup();
});

it.each(ROWS)('%s', async (_what, build, code, message) => {
  const archive = build();
  served.server.setFile('/charts/nu-1.1.0.tgz', archive);
  served.repo.index.entries.nu!.push({
    apiVersion: 'v2',
    name: 'nu',
    version: '1.1.0',
    digest: sha256Digest(archive).slice('sha256:'.length),
    urls: ['nu-1.1.0.tgz'],
  });
  served.reindex();
  const before = await listTree(base(), ['work/.git']);

  const report = await createSync({ root: repo.root }).run({ force: true });
  expect(reportProblems(report)).toEqual([]);

  // only nu 1.1.0 fails, with an error that names it
  expect(report.exitCode).toBe(1);
  expect(report.registries[0]!.status).toBe('synced');
  expect(report.registries[0]!.added).toEqual([
    { chart: 'nu', version: '1.2.0' },
    { chart: 'nu', version: '1.0.0' },
  ]);
  const [failed] = report.registries[0]!.failed;
  expect(report.registries[0]!.failed).toHaveLength(1);
  expect(failed).toMatchObject({ chart: 'nu', version: '1.1.0', code, attempts: 1 });
  expect(failed!.message.startsWith('nu 1.1.0: ')).toBe(true);
  expect(failed!.message.slice('nu 1.1.0: '.length)).toMatch(message);
  const registry = JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'registries', 'own.json'), 'utf8'),
  ) as CatalogRegistry;
  expect(registry.failedVersions).toEqual([expect.objectContaining({ chart: 'nu', version: '1.1.0', code })]);
  const doc = JSON.parse(
    await readFile(path.join(repo.root, 'catalog', 'charts', 'own', 'nu', 'chart.json'), 'utf8'),
  ) as CatalogChart;
  expect(doc.versions.map((v) => [v.version, v.files])).toEqual([
    ['1.2.0', ['Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml']],
    ['1.0.0', ['Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml']],
  ]);

  // nothing written outside catalog/ (and the run's own .chartroom/), nothing of the archive inside it
  const after = await listTree(base(), ['work/.git']);
  const added = after.filter((p) => !before.includes(p));
  expect(added.filter((p) => !/^work\/(catalog|\.chartroom)\//.test(p))).toEqual([]);
  expect(after.filter((p) => p.includes('1.1.0') || p.includes(MARKER))).toEqual([]);
  expect(existsSync(OUTSIDE) || existsSync(path.dirname(OUTSIDE))).toBe(false);
  for (const dir of [tmpdir(), process.cwd(), path.dirname(base())])
    expect((await readdir(dir)).filter((name) => name.includes(MARKER))).toEqual([]);
  for (const file of added.filter((p) => !p.endsWith('/') && p.startsWith('work/catalog/')))
    expect(await readFile(path.join(base(), file), 'utf8')).not.toMatch(/root:.*:0:0:|hostile/);
});
