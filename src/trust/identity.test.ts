import { describe, expect, it } from 'vitest';
import {
  checkIdentityPattern,
  describeIdentities,
  matchesPattern,
  matchIdentity,
  MAX_IDENTITY_PATTERN_CHARS,
} from './identity.ts';

describe('checkIdentityPattern', () => {
  it.each([
    '.*',
    '^https://github\\.com/login/oauth$',
    '@example\\.com$',
    '(?i)^Release@',
    '^https://github\\.com/[^/]+/charts/',
  ])('accepts %s', (re) => expect(checkIdentityPattern(re)).toBeUndefined());

  it.each([
    ['(a', /^missing closing \)/],
    ['(?=a)', /^invalid or unsupported Perl syntax/],
    ['(a)\\1', /invalid escape/],
    ['', /^empty/],
    ['a'.repeat(MAX_IDENTITY_PATTERN_CHARS + 1), /^longer than 1024 characters$/],
  ])('refuses %s, saying why', (re, why) => {
    expect(checkIdentityPattern(re)).toMatch(why);
  });
});

describe('matchIdentity', () => {
  const signer = { subject: 'release@example.test', issuer: 'https://token.actions.example.test' };

  it('matches unanchored, as Flux and cosign do; ^…$ anchors', () => {
    expect(matchesPattern('example', 'release@example.test')).toBe(true);
    expect(matchesPattern('^example', 'release@example.test')).toBe(false);
    expect(matchIdentity([{ issuer: 'actions', subject: 'release' }], signer)).toBeDefined();
    expect(matchIdentity([{ issuer: '^actions$', subject: 'release' }], signer)).toBeUndefined();
  });

  it('needs both the issuer and the subject of one entry; any entry may match', () => {
    const entries = [
      { issuer: 'google', subject: 'release' },
      { issuer: 'actions', subject: 'nobody' },
      { issuer: 'actions', subject: 'release' },
    ];
    expect(matchIdentity(entries, signer)).toBe(entries[2]);
    expect(matchIdentity(entries.slice(0, 2), signer)).toBeUndefined();
    expect(matchIdentity(entries, { subject: undefined, issuer: signer.issuer })).toBeUndefined();
  });

  it('runs in linear time on a pattern that backtracks exponentially elsewhere', () => {
    const started = Date.now();
    expect(matchesPattern('^(a+)+$', `${'a'.repeat(4000)}!`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a bad pattern or an overlong value matches nothing', () => {
    expect(matchesPattern('(a', 'a')).toBe(false);
    expect(matchesPattern('.*', 'a'.repeat(5000))).toBe(false);
  });

  it('describes a policy’s identities, cut short', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ issuer: `i${i}`, subject: `s${i}` }));
    expect(describeIdentities(many)).toBe(
      '{issuer: "i0", subject: "s0"}, {issuer: "i1", subject: "s1"}, {issuer: "i2", subject: "s2"} and 2 more',
    );
  });
});
