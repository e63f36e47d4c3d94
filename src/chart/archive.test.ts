import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readChartArchive } from './archive.ts';
import { packEntries, type RawEntry } from './pack.ts';

const chartYaml = (name = 'demo', version = '1.0.0') =>
  Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
const base: RawEntry[] = [
  { path: 'demo/Chart.yaml', body: chartYaml() },
  { path: 'demo/values.yaml', body: Buffer.from('a: 1\n') },
  { path: 'demo/README.md', body: Buffer.from('# demo\n') },
  { path: 'demo/templates/x.yaml', body: Buffer.from('kind: X\n') },
  { path: 'demo/charts/sub/Chart.yaml', body: chartYaml('sub') },
];
const read = (entries: RawEntry[], limits?: Parameters<typeof readChartArchive>[2]) =>
  readChartArchive(packEntries(entries), { name: 'demo', version: '1.0.0' }, limits);

describe('reading chart archives', () => {
  it('keeps only the five files at the chart root', async () => {
    const { files } = await read(base);
    expect([...files.keys()].sort()).toEqual(['Chart.yaml', 'README.md', 'values.yaml']);
    expect(files.get('values.yaml')!.toString()).toBe('a: 1\n');
  });

  it("keeps a CHANGELOG.md at the chart's root, not one in a subchart or a folder", async () => {
    const { files } = await read([
      ...base,
      { path: 'demo/CHANGELOG.md', body: Buffer.from('# Changelog\n\n## 1.0.0\n- first\n') },
      { path: 'demo/charts/sub/CHANGELOG.md', body: Buffer.from('# sub\n') },
      { path: 'demo/docs/CHANGELOG.md', body: Buffer.from('# docs\n') },
    ]);
    expect([...files.keys()].sort()).toEqual(['CHANGELOG.md', 'Chart.yaml', 'README.md', 'values.yaml']);
    expect(files.get('CHANGELOG.md')!.toString()).toBe('# Changelog\n\n## 1.0.0\n- first\n');
  });

  it('refuses an archive whose CHANGELOG.md is over the per-file cap, as for README.md', async () => {
    const big = { path: 'demo/CHANGELOG.md', body: Buffer.alloc(2 * 1024 * 1024, 'a') };
    const limits = {
      maxArchiveBytes: 1e9,
      maxDecompressedBytes: 1e9,
      maxFileBytes: 1024 * 1024,
      maxEntries: 100,
    };
    await expect(read([...base, big], limits)).rejects.toMatchObject({ code: 'ArchiveUnsafe' });
  });

  it.each([
    ['a .. path', { path: 'demo/../../etc/passwd', body: Buffer.from('x') }, /climbs out/],
    ['an absolute path', { path: '/etc/passwd', body: Buffer.from('x') }, /absolute path/],
    ['a symlink', { path: 'demo/link', type: 'SymbolicLink', linkpath: '/etc/passwd' }, /is a link/],
    ['a hardlink', { path: 'demo/hard', type: 'Link', linkpath: 'demo/Chart.yaml' }, /is a link/],
    ['a device', { path: 'demo/dev', type: 'CharacterDevice' }, /CharacterDevice entry/],
  ] as const)('refuses the whole archive for %s', async (_what, entry, message) => {
    const error = (await read([...base, entry as RawEntry]).catch((e: unknown) => e)) as {
      code: string;
      message: string;
    };
    expect(error.code).toBe('ArchiveUnsafe');
    expect(error.message).toMatch(message);
  });

  it('reads an archive packed on Windows (\\ in entry names) as Helm does', async () => {
    const windows = base.map((e) => ({ ...e, path: e.path.replaceAll('/', '\\') }));
    const { files } = await read([{ path: 'demo\\', type: 'Directory' }, ...windows]);
    expect([...files.keys()].sort()).toEqual(['Chart.yaml', 'README.md', 'values.yaml']);
    expect(files.get('values.yaml')!.toString()).toBe('a: 1\n');
  });

  it.each([
    ['..\\..\\x', 'demo\\..\\..\\x', /entry "demo\\\.\.\\\.\.\\x" \(demo\/\.\.\/\.\.\/x\) climbs out/],
    ['a mix of / and \\', 'demo/sub\\..\\..\\x', /climbs out of the chart/],
    ['C:\\x', 'C:\\x', /entry "C:\\x" \(C:\/x\) has an absolute path/],
    ['\\x', '\\x', /has an absolute path/],
  ])('still refuses a Windows path that escapes: %s', async (_what, entryPath, message) => {
    const error = (await read([...base, { path: entryPath, body: Buffer.from('x') }]).catch(
      (e: unknown) => e,
    )) as { code: string; message: string };
    expect(error.code).toBe('ArchiveUnsafe');
    expect(error.message).toMatch(message);
  });

  it('drops a UTF-8 byte order mark at the start of each kept file, as Helm does', async () => {
    const bom = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const { files } = await read([
      { path: 'demo/Chart.yaml', body: bom(chartYaml().toString()) },
      { path: 'demo/values.yaml', body: bom('a: 1\n') },
      { path: 'demo/README.md', body: bom('# demo\n') },
      { path: 'demo/values.schema.json', body: bom('{"type": "object"}') },
    ]);
    expect(files.get('Chart.yaml')!.toString()).toBe(chartYaml().toString());
    expect(files.get('values.yaml')!.toString()).toBe('a: 1\n');
    expect(files.get('README.md')!.toString()).toBe('# demo\n');
    expect(files.get('values.schema.json')!.toString()).toBe('{"type": "object"}');
    // only at the start: a mark elsewhere is content
    const inner = (
      await read([...base.slice(0, 1), { path: 'demo/README.md', body: Buffer.from('a\uFEFFb') }])
    ).files;
    expect(inner.get('README.md')!.toString()).toBe('a\uFEFFb');
  });

  it('refuses oversized entries and decompression bombs', async () => {
    const big = { path: 'demo/values.yaml', body: Buffer.alloc(2 * 1024 * 1024, 'a') };
    const limits = {
      maxArchiveBytes: 1e9,
      maxDecompressedBytes: 3 * 1024 * 1024,
      maxFileBytes: 1024 * 1024,
      maxEntries: 100,
    };
    await expect(read([base[0]!, big], limits)).rejects.toThrow(/larger than 1 MiB/);
    const bomb = [
      base[0]!,
      ...Array.from({ length: 4 }, (_, i) => ({ path: `demo/f${i}`, body: Buffer.alloc(900 * 1024) })),
    ];
    await expect(read(bomb, limits)).rejects.toThrow(/add up to more than 3 MiB|decompresses to more than/);
    // a gzip stream far larger than it looks
    const zeros = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    expect(zeros.length).toBeLessThan(1024 * 1024);
    await expect(readChartArchive(zeros, { name: 'demo', version: '1.0.0' })).rejects.toThrow(
      /decompresses to more than 100 MiB/,
    );
  });

  it('refuses a Chart.yaml that disagrees with the index, or none', async () => {
    await expect(read([{ path: 'demo/Chart.yaml', body: chartYaml('demo', '1.0.1') }])).rejects.toMatchObject(
      { code: 'ChartMismatch' },
    );
    await expect(read([{ path: 'demo/Chart.yaml', body: chartYaml('other') }])).rejects.toMatchObject({
      code: 'ChartMismatch',
    });
    await expect(read([{ path: 'demo/values.yaml', body: Buffer.from('a: 1') }])).rejects.toMatchObject({
      code: 'ChartInvalid',
    });
  });

  it('refuses a values.schema.json that is not JSON, and garbage that is not gzip', async () => {
    await expect(
      read([...base, { path: 'demo/values.schema.json', body: Buffer.from('{nope') }]),
    ).rejects.toThrow(/not JSON/);
    await expect(
      readChartArchive(Buffer.from('not a tgz'), { name: 'demo', version: '1.0.0' }),
    ).rejects.toMatchObject({ code: 'ArchiveInvalid' });
  });

  it('reads version strings literally (1.10 is not 1.1)', async () => {
    const entries = [{ path: 'demo/Chart.yaml', body: chartYaml('demo', '1.10') }];
    await expect(
      readChartArchive(packEntries(entries), { name: 'demo', version: '1.10' }),
    ).resolves.toBeDefined();
  });
});

describe('reading an archive in time linear in its entry names', () => {
  // a run of slashes in an entry name (a pax path may be up to 1 MiB): a regular expression that
  // trims the run retries from each slash of it, quadratic; 8 times the run must take well under
  // 64 times as long (a linear reader gives about 8)
  const fastest = async (n: number) => {
    const archive = packEntries([...base, { path: `demo/${'/'.repeat(n)}x`, body: Buffer.from('x') }]);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await readChartArchive(archive, { name: 'demo', version: '1.0.0' });
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  it('reads an entry name with a long run of slashes in linear time', async () => {
    const small = await fastest(100_000);
    const large = await fastest(800_000);
    expect(large / Math.max(small, 20)).toBeLessThan(16);
  });
});
