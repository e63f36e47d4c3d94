import { describe, expect, it } from 'vitest';
import { compareNewestFirst, isPrerelease, latestOf, parseChartVersion, satisfiesRange } from './version.ts';

describe('chart versions compared as Helm does', () => {
  it('accepts lenient forms and refuses non-semver', () => {
    expect(parseChartVersion('v1.2.3')?.version).toBe('1.2.3');
    expect(parseChartVersion('1.2')?.version).toBe('1.2.0');
    expect(parseChartVersion('2')?.version).toBe('2.0.0');
    expect(parseChartVersion('1.0.0-rc.1+build.5')?.version).toBe('1.0.0-rc.1');
    for (const bad of ['latest', 'sha256-abc', '1.2.3.4', '', '../1.0.0'])
      expect(parseChartVersion(bad)).toBeUndefined();
  });
  it('sorts newest first, deterministically', () => {
    const sorted = ['1.0.0', 'v1.10.0', '1.2.0', '1.10.0-rc.1', '1.2', '0.9.9'].sort(compareNewestFirst);
    expect(sorted).toEqual(['v1.10.0', '1.10.0-rc.1', '1.2', '1.2.0', '1.0.0', '0.9.9']);
  });
  it('picks latest: highest non-prerelease, else highest of all', () => {
    expect(latestOf(['2.0.0-rc.1', '1.5.0', '1.4.0'])).toBe('1.5.0');
    expect(latestOf(['2.0.0-rc.1', '2.0.0-beta.3'])).toBe('2.0.0-rc.1');
    expect(isPrerelease('1.0.0-alpha')).toBe(true);
  });
  it('matches ranges on the parsed version', () => {
    expect(satisfiesRange('v1.2', '>=1.0.0')).toBe(true);
    expect(satisfiesRange('0.9.0', '>=1.0.0')).toBe(false);
    expect(satisfiesRange('2.0.0-rc.1', '>=1.0.0')).toBe(true);
  });
});
