import { expect, it } from 'vitest';
import { versionOfTag } from './schema.ts';

it('versionOfTag takes strict semver tags only, with _ as +, as Helm lists tags', () => {
  expect(versionOfTag('1.0.0')).toBe('1.0.0');
  expect(versionOfTag('1.1.0_build.1')).toBe('1.1.0+build.1');
  expect(versionOfTag('2.0.0-rc.1')).toBe('2.0.0-rc.1');
  expect(versionOfTag('0.0.0-0.3.7_exp.sha.5114f85')).toBe('0.0.0-0.3.7+exp.sha.5114f85');
  for (const tag of [
    'v0.1.0',
    '1.0',
    '1',
    'latest',
    'sha256-abc.sig',
    '01.0.0',
    '1.0.0-01',
    '1.0.0_',
    '1.0.0-',
    '',
  ])
    expect(versionOfTag(tag), tag).toBeUndefined();
  // over the distribution spec's 128 characters: not a tag (and bounds the regular expression's work)
  expect(versionOfTag(`1.0.0-${'a'.repeat(200)}`)).toBeUndefined();
});
