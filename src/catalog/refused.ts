/**
 * What "refused" means in the catalog, for the sync and the site alike: a version that failed
 * its registry's `verify:` policy (`policy: failed`) where that policy is `required: true`. Such a
 * version stays in chart.json but is never `latest` and never offered for install.
 */
import type { CatalogVersion } from './types.ts';

/** `required`: the registry's policy is `required: true` (its registry document's `verify.required`). */
export const isRefused = (version: Pick<CatalogVersion, 'policy'>, required: boolean): boolean =>
  required && version.policy === 'failed';
