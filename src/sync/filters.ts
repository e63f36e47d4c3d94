import picomatch from 'picomatch';
import type { RegistryDefinition } from '../config/types.ts';
import { isPrerelease, satisfiesRange } from '../chart/version.ts';

/** The registry's `charts`, `exclude`, `versions` and `prereleases` fields as predicates. */
export interface RegistryFilters {
  chart(name: string): boolean;
  version(version: string): boolean;
}

export function createFilters(registry: RegistryDefinition): RegistryFilters {
  const allowed = registry.charts ? new Set(registry.charts) : undefined;
  const excluded = registry.exclude.length > 0 ? picomatch(registry.exclude) : undefined;
  return {
    chart: (name) => (allowed === undefined || allowed.has(name)) && !(excluded?.(name) ?? false),
    version: (version) =>
      (registry.prereleases || !isPrerelease(version)) &&
      (registry.versions === undefined || satisfiesRange(version, registry.versions)),
  };
}
