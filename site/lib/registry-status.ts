/**
 * A registry's sync status in words, the same wherever the site shows it (registry page, its card
 * on the home page). It reads "in sync" only when nothing of the registry is failing: a failed
 * listing is "sync failing", a registry without its catalog file "status unknown"; charts that could not be listed, versions that failed, versions
 * republished upstream and versions whose signatures changed upstream keep "in sync" (the rest of the registry is) but say how many, as a warning.
 */
import type { CatalogRegistry } from '../../src/catalog/types.ts';

export interface RegistryStatusWords {
  level: 'ok' | 'warn' | 'bad';
  words: string;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function registryStatus(registry: CatalogRegistry): RegistryStatusWords {
  if (registry.error) return { level: 'bad', words: 'sync failing' };
  // charts without their registry file are shown under a stub (data.ts), whose status is not known
  if (!registry.url) return { level: 'warn', words: 'status unknown: no registry file' };
  const problems = [
    [registry.chartErrors?.length ?? 0, 'chart failed', 'charts failed'],
    [registry.failedVersions.length, 'version failed', 'versions failed'],
    [registry.republished.length, 'version republished', 'versions republished'],
    [
      Array.isArray(registry.signatureChanges) ? registry.signatureChanges.length : 0,
      'signature change',
      'signature changes',
    ],
  ] as const;
  const said = problems.filter(([n]) => n > 0).map(([n, one, many]) => count(n, one, many));
  if (said.length === 0) return { level: 'ok', words: 'in sync' };
  return { level: 'warn', words: `in sync, ${said.join(', ')}` };
}

/** "1 chart", "2 charts": the registry's counts as words. */
export const plural = count;
