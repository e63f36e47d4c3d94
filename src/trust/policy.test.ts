import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartroomError } from '../errors.ts';
import { loadCheckPolicy } from './policy.ts';
import { loadSigstoreRoot } from './sigstore-root.ts';

const REGISTRY = 'registries/r.yaml';
const ID = {
  issuer: '^https://token\\.actions\\.githubusercontent\\.com$',
  subject: '^https://github\\.com/acme/',
};
let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'chartroom-policy-'));
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(path.join(repo, 'cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
});
afterAll(() => rm(repo, { recursive: true, force: true }));

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'loaded',
    (e: unknown) => (e instanceof ChartroomError ? `${e.code}: ${e.message}` : String(e)),
  );

describe('loadCheckPolicy', () => {
  it('cosign with identities only: the shipped root by default, no key', async () => {
    const policy = await loadCheckPolicy(repo, REGISTRY, {
      provider: 'cosign',
      matchOIDCIdentity: [ID],
      required: true,
    });
    expect(policy).toMatchObject({ provider: 'cosign', identities: [ID], required: true });
    expect(policy.key).toBeUndefined();
    expect(policy.sigstore).toBe(await loadSigstoreRoot(repo));
  });

  it('cosign with key and identities, and the run’s root', async () => {
    const root = await loadSigstoreRoot(repo);
    const policy = await loadCheckPolicy(
      repo,
      REGISTRY,
      { provider: 'cosign', key: 'cosign.pub', matchOIDCIdentity: [ID], required: false },
      root,
    );
    expect(policy.key?.provider).toBe('cosign');
    expect(policy.sigstore).toBe(root);
    // a key-only cosign policy still carries the root (a bundle signed with the key is logged too)
    const keyOnly = await loadCheckPolicy(repo, REGISTRY, {
      provider: 'cosign',
      key: 'cosign.pub',
      required: true,
    });
    expect(keyOnly.identities).toBeUndefined();
    expect(keyOnly.sigstore).toBeDefined();
  });

  it('refuses what config/load.ts refuses first: a bad RE2 pattern, helm with identities, cosign with neither', async () => {
    expect(
      await code(
        loadCheckPolicy(repo, REGISTRY, {
          provider: 'cosign',
          matchOIDCIdentity: [{ ...ID, subject: '(?=x)' }],
          required: true,
        }),
      ),
    ).toMatch(
      /^ConfigInvalid: registries\/r\.yaml: verify\.matchOIDCIdentity item 1: subject "\(\?=x\)" is not an RE2 regular expression \(invalid or unsupported Perl syntax/,
    );
    expect(
      await code(
        loadCheckPolicy(repo, REGISTRY, {
          provider: 'helm',
          key: 'k.gpg',
          matchOIDCIdentity: [ID],
          required: true,
        }),
      ),
    ).toMatch(/^ConfigInvalid: .*matchOIDCIdentity is for cosign/);
    expect(await code(loadCheckPolicy(repo, REGISTRY, { provider: 'cosign', required: true }))).toMatch(
      /needs key, matchOIDCIdentity or both/,
    );
    expect(
      await code(loadCheckPolicy(repo, REGISTRY, { provider: 'cosign', key: 'missing.pub', required: true })),
    ).toMatch(/^VerifyKeyInvalid/);
  });
});
