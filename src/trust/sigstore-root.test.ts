// loadSigstoreRoot: the shipped public-good root, and `trust.sigstoreRoot` files held to the
// repository, bounded, and refused with SigstoreRootInvalid naming the file and what to do.
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigstore } from '../../testkit/sigstore.ts';
import { ChartroomError } from '../errors.ts';
import { loadSigstoreRoot, MAX_SIGSTORE_ROOT_BYTES, rootDate, SHIPPED_ROOT_URL } from './sigstore-root.ts';

let repo: string;
let outside: string;
const sigstore = createSigstore();
const good = JSON.stringify(sigstore.trustedRoot());
const tlog = (JSON.parse(good) as { tlogs: unknown[] }).tlogs[0];

beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'chartroom-root-'));
  outside = await mkdtemp(path.join(tmpdir(), 'chartroom-root-outside-'));
  await mkdir(path.join(repo, 'sigstore'));
  await writeFile(path.join(repo, 'sigstore', 'root.json'), good);
  await writeFile(path.join(outside, 'root.json'), good);
  await symlink(path.join(outside, 'root.json'), path.join(repo, 'sigstore', 'link.json'));
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function refusal(file: string, contents?: string | Buffer): Promise<ChartroomError> {
  if (contents !== undefined) await writeFile(path.join(repo, file), contents);
  const error = await loadSigstoreRoot(repo, file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChartroomError);
  expect((error as ChartroomError).code).toBe('SigstoreRootInvalid');
  expect((error as ChartroomError).message).toContain(
    `chartroom.yaml: trust.sigstoreRoot ${JSON.stringify(file)}`,
  );
  expect((error as ChartroomError).hint).toMatch(/trusted_root\.json/);
  return error as ChartroomError;
}

describe('loadSigstoreRoot', () => {
  it('the shipped root: loaded once, dated, with its CT logs counted', async () => {
    const a = await loadSigstoreRoot(repo);
    const b = await loadSigstoreRoot('/elsewhere');
    expect(a).toBe(b);
    expect(a.source).toMatch(/^the public-good Sigstore root shipped with chartroom \(\d{4}-\d\d-\d\d\)$/);
    expect(a.ctlogs).toBeGreaterThan(0);
    expect(rootDate(await readFile(fileURLToPath(SHIPPED_ROOT_URL)))).toBe(a.source.slice(-11, -1));
  });

  it('a repository file: its path is the source, its digest recorded', async () => {
    const trust = await loadSigstoreRoot(repo, 'sigstore/root.json');
    expect(trust).toMatchObject({ source: 'sigstore/root.json', path: 'sigstore/root.json', ctlogs: 0 });
    expect(trust.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses a path outside the repository, a symbolic link out of it, an absolute path, a missing file', async () => {
    expect((await refusal('../x.json')).message).toMatch(/outside the repository/);
    expect((await refusal('sigstore/link.json')).message).toMatch(/outside the repository/);
    expect((await refusal(path.join(outside, 'root.json'))).message).toMatch(
      /not a repository-relative path/,
    );
    expect((await refusal('nothing.json')).message).toMatch(/does not exist/);
    expect((await refusal('sigstore')).message).toMatch(/not a file/);
  });

  it('refuses a file over 1 MiB without reading it', async () => {
    await writeFile(path.join(repo, 'big.json'), '');
    await truncate(path.join(repo, 'big.json'), MAX_SIGSTORE_ROOT_BYTES + 1);
    expect((await refusal('big.json')).message).toMatch(/larger than 1048576 bytes/);
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    ['another media type', JSON.stringify({ mediaType: 'application/json' }), /not a Sigstore trusted root/],
    [
      'no CA',
      JSON.stringify({ ...JSON.parse(good), certificateAuthorities: [] }),
      /no certificate authority/,
    ],
    ['no log', JSON.stringify({ ...JSON.parse(good), tlogs: [] }), /no transparency log/],
    ['a list that is not one', JSON.stringify({ ...JSON.parse(good), tlogs: {} }), /not a list/],
    [
      'too many logs',
      JSON.stringify({
        ...JSON.parse(good),
        tlogs: Array.from({ length: 65 }, () => tlog),
      }),
      /at most 64/,
    ],
  ])('refuses %s', async (_, contents, why) => {
    expect((await refusal('bad.json', contents)).message).toMatch(why);
  });
});
