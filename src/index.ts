/**
 * chartroom's public library surface: what another program (a CI step, a bot, the benchmark)
 * imports from 'chartroom' (package.json `exports`). Named re-exports only: a name that is not
 * here is internal and may move. The CLI (src/cli/) is built on these same modules.
 */
export {
  createSync,
  SHARD_REPORT,
  type SyncDependencies,
  type SyncOptions,
  type SyncReport,
} from './sync/run.ts';
export type { RegistryReport, VersionRef } from './sync/registry-sync.ts';

export { loadRegistries, parseRegistryFile, type LoadResult } from './config/load.ts';
export { DEFAULTS, type RegistryDefinition } from './config/types.ts';

export { CATALOG_DIR, createCatalogStore, type CatalogStore } from './catalog/store.ts';
export { parseCatalogFile, readCatalogFile, type CatalogFileKind } from './catalog/read.ts';
export {
  FORMAT_VERSION,
  type CatalogChart,
  type CatalogRegistry,
  type CatalogVersion,
  type FailedVersion,
  type Republished,
} from './catalog/types.ts';

export { sourceFor } from './sources/index.ts';
export type {
  FetchedVersion,
  ListHints,
  ListResult,
  RegistrySource,
  SourceDefinition,
  Validators,
} from './sources/types.ts';

export {
  ChartroomError,
  ConfigError,
  ConfigErrors,
  describeError,
  isChartroomError,
  UsageError,
} from './errors.ts';
export { ERROR_CATALOGUE, ERROR_CODES, errorEntry, type ErrorCode } from './error-catalogue.ts';

export { buildSite, type SiteBuildOptions, type SiteBuildResult } from './site-build/build.ts';
