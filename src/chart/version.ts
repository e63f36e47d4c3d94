import semver, { SemVer } from 'semver';

/**
 * Versions are compared as Helm does (Masterminds/semver's lenient parsing: a leading `v`,
 * missing minor or patch), but the published string stays the version's key everywhere.
 * Returns undefined for a string Helm would also refuse.
 */
export function parseChartVersion(published: string): SemVer | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(
    published.trim(),
  );
  if (!match) return undefined;
  const [, major, minor, patch, pre, build] = match;
  const normal = `${Number(major)}.${Number(minor ?? 0)}.${Number(patch ?? 0)}${pre ?? ''}${build ?? ''}`;
  return semver.parse(normal) ?? undefined;
}

/** Newest first in semver order; equal versions (they differ only in build metadata) by string, for determinism. */
export function compareNewestFirst(a: string, b: string): number {
  const va = parseChartVersion(a);
  const vb = parseChartVersion(b);
  if (va && vb) {
    const order = semver.rcompare(va, vb);
    if (order !== 0) return order;
    const build = semver.compareBuild(vb, va);
    if (build !== 0) return build;
  } else if (va) return -1;
  else if (vb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isPrerelease(published: string): boolean {
  return (parseChartVersion(published)?.prerelease.length ?? 0) > 0;
}

export function satisfiesRange(published: string, range: string): boolean {
  const version = parseChartVersion(published);
  // includePrerelease: the `prereleases` field, not the range, decides about prereleases
  return version !== undefined && semver.satisfies(version, range, { loose: true, includePrerelease: true });
}

/** The highest version that is not a prerelease, or the highest of all when every version is one. */
export function latestOf(versions: readonly string[]): string | undefined {
  const sorted = [...versions].sort(compareNewestFirst);
  return sorted.find((v) => !isPrerelease(v)) ?? sorted[0];
}
