import { describe, expect, it } from 'vitest';
import { parseChallenge } from './challenge.ts';
import { nextLink } from './pages.ts';

describe('WWW-Authenticate challenges', () => {
  it('parses Bearer and Basic challenges as registries send them', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:user/image:pull' },
    });
    expect(
      parseChallenge('Basic realm="https://1.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"'),
    ).toMatchObject({
      scheme: 'basic',
      params: { service: 'ecr.amazonaws.com' },
    });
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token", service="registry.docker.io", error="insufficient_scope"',
      )?.params,
    ).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      error: 'insufficient_scope',
    });
    expect(parseChallenge(undefined)).toBeUndefined();
  });

  it('parses in time linear in the header: a long run of letters without an equals sign is skipped at once', () => {
    expect(parseChallenge('Bearer junk;, realm="r",x')?.params).toEqual({ realm: 'r' });
    const time = (n: number) => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const header = `Bearer ${'a'.repeat(n)}, realm="r"`;
        const started = performance.now();
        expect(parseChallenge(header)?.params.realm).toBe('r');
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    // quadratic, 64 KiB of letters took seconds and 1 MiB hours
    expect(time(1 << 20)).toBeLessThan(1000);
    expect(time(8 << 20) / Math.max(time(1 << 20), 1)).toBeLessThan(16);
  });
});

describe('Link pagination', () => {
  it('resolves rel="next" against the page (pages.ts refuses another origin)', () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', 'https://r.example/v2/a/tags/list?n=2')).toBe(
      'https://r.example/v2/a/tags/list?n=2&last=b',
    );
    expect(
      nextLink(
        '<https://evil.example/v2/a/tags/list?last=b>; rel="next"',
        'https://r.example/v2/a/tags/list',
      ),
    ).toBe('https://evil.example/v2/a/tags/list?last=b');
    expect(nextLink(undefined, 'https://r.example/')).toBeUndefined();
  });
});
