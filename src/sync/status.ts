/**
 * `chartroom status`'s data: per registry, its kind, URL and interval (registry file), its last
 * check (state file), and its last change, counts, error, failed versions and charts that could
 * not be listed (catalog).
 */
import { isRefused } from '../catalog/refused.ts';
import { createCatalogStore, type CatalogStore } from '../catalog/store.ts';
import { formatInterval } from '../config/duration.ts';
import { loadRegistries } from '../config/load.ts';
import type { CatalogRegistry } from '../catalog/types.ts';
import { ConfigErrors, isChartroomError } from '../errors.ts';
import { UNREADABLE_CODES, unreadableError } from './sync-one.ts';
import { readState } from './state.ts';

export interface RegistryStatus {
  name: string;
  kind: 'http' | 'oci';
  url: string;
  interval: string;
  lastCheck: string | null;
  lastChange: string | null;
  charts: number;
  versions: number;
  error: { code: string; message: string } | null;
  failedVersions: Array<{
    chart: string;
    version: string;
    code: string;
    attempts: number;
    nextRetry: string;
    gaveUp: boolean;
  }>;
  /** charts the last sync could not list (catalog's chartErrors) */
  chartErrors: Array<{ chart: string; code: string; message: string }>;
  /** versions a `required: true` policy refuses (never latest): read from chart.json only for such a registry */
  refused: Array<{ chart: string; version: string; code: string }>;
  /** versions whose recorded signatures disappeared or changed upstream (catalog's signatureChanges) */
  signatureChanges: Array<{ chart: string; version: string; change: 'removed' | 'changed' }>;
}

/** Throws ConfigErrors when a registry file is invalid, as a sync would. */
export async function registryStatuses(root: string): Promise<RegistryStatus[]> {
  const { registries, errors } = await loadRegistries(root);
  if (errors.length > 0) throw new ConfigErrors(errors);
  const store = createCatalogStore(root);
  const state = await readState(root);
  const rows: RegistryStatus[] = [];
  for (const registry of registries) {
    // a registry file that cannot be read is that registry's error, as in a sync
    let doc: CatalogRegistry | undefined;
    let unreadable: RegistryStatus['error'] = null;
    try {
      doc = await store.readRegistry(registry.name);
    } catch (error) {
      if (!isChartroomError(error) || !UNREADABLE_CODES.has(error.code)) throw error;
      unreadable = unreadableError(error);
    }
    rows.push({
      name: registry.name,
      kind: registry.kind,
      url: registry.url,
      interval: formatInterval(registry.intervalMs),
      lastCheck: state.registries[registry.name]?.lastCheck ?? null,
      lastChange: doc?.lastChange ?? null,
      charts: doc?.charts ?? 0,
      versions: doc?.versions ?? 0,
      error: unreadable ?? doc?.error ?? null,
      failedVersions: (doc?.failedVersions ?? []).map(
        ({ chart, version, code, attempts, nextRetry, gaveUp }) => ({
          chart,
          version,
          code,
          attempts,
          nextRetry,
          gaveUp,
        }),
      ),
      chartErrors: doc?.chartErrors ?? [],
      refused: doc?.verify?.required ? await refusedVersions(store, registry.name) : [],
      signatureChanges: (doc?.signatureChanges ?? []).map(({ chart, version, change }) => ({
        chart,
        version,
        change,
      })),
    });
  }
  return rows;
}

/** The refused versions of a registry whose policy is required, from its chart.json files. */
async function refusedVersions(store: CatalogStore, registry: string): Promise<RegistryStatus['refused']> {
  const refused: RegistryStatus['refused'] = [];
  for (const [chart, doc] of await store.readCharts(registry)) {
    for (const v of doc.versions) {
      if (isRefused(v, true))
        refused.push({ chart, version: v.version, code: v.policyError?.code ?? 'SignatureMissing' });
    }
  }
  return refused;
}
