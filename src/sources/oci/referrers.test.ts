import { describe, expect, it } from 'vitest';
import { createReferrersSupport, referrerKind, referrersTag } from './referrers.ts';

const page = { index: { manifests: [] } };
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the referrers probe', () => {
  it('one probe; concurrent look-ups wait for it, then take the fallback without asking', async () => {
    const support = createReferrersSupport();
    let asked = 0;
    const first = async () => {
      asked++;
      await tick();
      return undefined;
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => support.index(first, () => Promise.resolve('rest'))),
    );
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(asked).toBe(1);
    expect(await support.index(first, () => Promise.resolve('rest'))).toBeUndefined();
    expect(asked).toBe(1);
  });

  it('with the API, each look-up asks for its own index', async () => {
    const support = createReferrersSupport();
    let asked = 0;
    const first = async () => {
      asked++;
      await tick();
      return page;
    };
    const results = await Promise.all(
      Array.from({ length: 3 }, (_, i) => support.index(first, () => Promise.resolve(i))),
    );
    expect(results).toEqual([0, 1, 2]);
    expect(asked).toBe(3);
  });

  it('a probe that fails teaches nothing: the next look-up (a waiting one too) probes again', async () => {
    const support = createReferrersSupport();
    let asked = 0;
    const failing = async () => {
      asked++;
      await tick();
      throw new Error('500');
    };
    const none = () => {
      asked++;
      return Promise.resolve(undefined);
    };
    const a = support.index(failing, () => Promise.resolve('rest'));
    const b = support.index(none, () => Promise.resolve('rest'));
    await expect(a).rejects.toThrow('500');
    expect(await b).toBeUndefined();
    expect(asked).toBe(2);
  });

  it('the first page answers the probe: a later page that fails does not unlearn the API', async () => {
    const support = createReferrersSupport();
    await expect(
      support.index(
        () => Promise.resolve(page),
        () => Promise.reject(new Error('page 2')),
      ),
    ).rejects.toThrow('page 2');
    let asked = 0;
    const second = support.index(
      () => {
        asked++;
        return Promise.resolve(page);
      },
      () => Promise.resolve('read'),
    );
    expect(await second).toBe('read');
    expect(asked).toBe(1);
  });
});

describe('names', () => {
  it('the fallback tag of a digest; nothing for what is not one', () => {
    expect(referrersTag(`sha256:${'ab'.repeat(32)}`)).toBe(`sha256-${'ab'.repeat(32)}`);
    expect(referrersTag('sha256:AB')).toBeUndefined();
    expect(referrersTag('1.0.0')).toBeUndefined();
  });

  it('signature kinds by artifact type', () => {
    expect(referrerKind('application/vnd.dev.sigstore.bundle.v0.3+json')).toBe('sigstore');
    expect(referrerKind('application/vnd.dev.sigstore.bundle+json;version=0.1')).toBe('sigstore');
    expect(referrerKind('application/vnd.dev.cosign.artifact.sig.v1+json')).toBe('cosign');
    expect(referrerKind('application/vnd.cncf.notary.signature')).toBe('notation');
    expect(referrerKind('application/spdx+json')).toBeUndefined();
    expect(referrerKind(undefined)).toBeUndefined();
  });
});
