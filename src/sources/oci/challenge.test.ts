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
