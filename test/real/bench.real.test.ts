/**
 * `npm run bench` in its small mode (tiny sizes, one run): every case still runs end to end on
 * the real fixtures, against its baseline, and writes its results. The figures are not checked
 * (timed tests would be flaky); what each case counts is.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const out = await mkdtemp(path.join(tmpdir(), 'chartroom-bench-check-'));
afterAll(() => rm(out, { recursive: true, force: true }));

describe('the benchmark, small mode', () => {
  it('runs every case with its baseline and writes results.json and results.md', async () => {
    await run(process.execPath, ['bench/run.ts', '--small', '--out', out], { maxBuffer: 16 << 20 });
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as {
      small: boolean;
      machine: { cores: number; node: string };
      targets: Array<{ case: string; measured: string }>;
      cases: Record<string, Record<string, unknown>>;
    };
    expect(results.small).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(Object.keys(results.cases)).toEqual([
      'index-parse',
      'first-sync',
      'quiet-sync',
      'incremental',
      'oci-sync',
      'git',
      'site',
      'site-search',
      'package',
      'signatures',
      'sigstore',
    ]);
    const { cases } = results;
    expect(cases['index-parse']).toMatchObject({ versions: 500, newFound: 10 });
    // the index, 26 archives and 26 provenance look-ups (404s: the fixtures are unsigned)
    expect(cases['first-sync']).toMatchObject({ versions: 26, requests: 53 });
    expect(cases['quiet-sync']).toMatchObject({ httpRequests: 3, ociRequests: 3, commits: 0 });
    expect((cases.incremental!.downloads as string[]).sort()).toEqual([
      'argo-100.0.0.tgz',
      'argo-cd-101.0.0.tgz',
    ]);
    expect(cases['oci-sync']).toMatchObject({ artifacts: 6, second: { requests: 3 } });
    expect(cases.git!.files).toBeGreaterThan(300);
    // signed OCI: the .sig manifest and its layer per version; HTTP looks .prov up signed or not; quiet: nothing
    expect(cases.signatures).toMatchObject({
      versions: 4,
      ociAdded: { requests: 8, quietRequests: 0 },
      httpAdded: { requests: 0, quietRequests: 0 },
    });
    // keyless .sig: its manifest and layer; a bundle: the fallback index, the referrer manifest and
    // the bundle (through the API: the referrer manifest and the bundle over the referrers list an
    // unsigned version costs there); quiet: nothing
    expect(cases.sigstore).toMatchObject({
      versions: 4,
      keylessAdded: { requests: 8, quietRequests: 0 },
      fallbackAdded: { requests: 12, quietRequests: 0 },
      apiAdded: { requests: 8, quietRequests: 0 },
      apiUnsigned: 3,
    });
    for (const figure of [
      (cases['first-sync']!.floor as { ms: number }).ms,
      (cases['first-sync']!.script as { ms: number }).ms,
      (cases['oci-sync']!.skopeo as { ms: number }).ms,
      cases.git!.plainCommit as number,
    ])
      expect(figure).toBeGreaterThan(0);
    const md = await readFile(path.join(out, 'results.md'), 'utf8');
    for (let i = 1; i <= 10; i++) expect(md).toMatch(new RegExp(`^## ${i}\\. `, 'm'));
    expect(md).toContain('small mode');
  });
});
