/**
 * A whole sync run: load registry files, decide what is due, sync each due registry, prune
 * registries whose file is gone, commit catalog/ once, push, and save the state file.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { loadRegistries } from '../config/load.ts';
import type { RegistryDefinition } from '../config/types.ts';
import { createCatalogStore, CATALOG_DIR } from '../catalog/store.ts';
import { createRedactor, type Redactor } from '../credentials/redact.ts';
import { createCredentialResolver, type Env } from '../credentials/resolve.ts';
import { ChartroomError, ConfigErrors, describeError, UsageError } from '../errors.ts';
import { createCatalogGit, type CatalogGit } from '../git/repo.ts';
import { createHttpClient, type HttpClient } from '../http/client.ts';
import type { Credential } from '../http/basic-auth.ts';
import { sourceFor } from '../sources/index.ts';
import type { RegistrySource, SourceDefinition } from '../sources/types.ts';
import { acquireLock } from './lock.ts';
import { commitMessage } from './message.ts';
import { registryDoc } from './catalog-records.ts';
import { emptyReport, syncRegistry, type RegistryReport } from './registry-sync.ts';
import { inShard, type Shard } from './shard.ts';
import { readState, writeState, type SyncState } from './state.ts';

export interface SyncOptions {
  /** sync these registries whatever their interval */
  registries?: string[];
  /** ignore intervals (except 0) */
  force?: boolean;
  /** retry versions that were given up or are waiting for their retry */
  retryFailed?: boolean;
  /** commit catalog/ (default true) */
  commit?: boolean;
  push?: boolean;
  /** only the registries of this shard (a GitHub Actions matrix); implies no commit: `merge` commits */
  shard?: Shard;
}

/** What a shard leaves for `merge`: its report, in its repository root. */
export const SHARD_REPORT = path.join('.chartroom', 'shard-report.json');

export interface SyncReport {
  registries: RegistryReport[];
  /** registries whose file was removed, and so their catalog part */
  pruned: string[];
  commit?: string;
  message?: string;
  pushed: boolean;
  pushError?: { code: string; message: string };
  exitCode: 0 | 1;
}

export interface SyncDependencies {
  root: string;
  /** shared HTTP client; registries with a caFile get their own */
  http?: HttpClient;
  git?: CatalogGit;
  clock?: () => Date;
  /** chart downloads in flight at once, across registries */
  concurrency?: number;
  env?: Env;
  /** secrets resolved during the run are registered here and removed from every message */
  redactor?: Redactor;
  onProgress?: (event: { registry: string; phase: 'start' | 'done'; report?: RegistryReport }) => void;
  /** a registry's source; tests and the benchmark may substitute one */
  sourceFor?: (definition: SourceDefinition, http: HttpClient) => RegistrySource;
}

export function createSync(deps: SyncDependencies) {
  const root = path.resolve(deps.root);
  const clock = deps.clock ?? (() => new Date());
  const git = deps.git ?? createCatalogGit(root);
  const env = deps.env ?? process.env;
  const redactor = deps.redactor ?? createRedactor();
  const credentials = createCredentialResolver({ root, env, redactor });

  return {
    async run(options: SyncOptions = {}): Promise<SyncReport> {
      const loaded = await loadRegistries(root);
      if (loaded.errors.length > 0) throw new ConfigErrors(loaded.errors);
      const mine = (name: string) => options.shard === undefined || inShard(name, options.shard);
      const definitions = loaded.registries.filter((d) => mine(d.name));
      if (options.shard) options = { ...options, commit: false, push: false };
      for (const name of options.registries ?? []) {
        if (!definitions.some((d) => d.name === name)) {
          throw new UsageError(`no registry named "${name}": expected registries/${name}.yaml`);
        }
      }
      const commit = options.commit !== false;
      const isRepository = await git.isRepository();
      if (commit && !isRepository) {
        throw new ChartroomError(
          'NotARepository',
          `${root} is not a git repository: run git init there, or sync with --no-commit`,
        );
      }

      const release = await acquireLock(root);
      const ownHttp = deps.http === undefined;
      const http = deps.http ?? createHttpClient();
      try {
        const now = clock();
        const store = createCatalogStore(root);
        const state = await readState(root);
        const trusted =
          state.catalogCommit !== null && state.catalogCommit === (await git.lastCommitTouching(CATALOG_DIR));
        await store.cleanup();
        await store.init();

        const known = new Set(definitions.map((d) => d.name));
        const pruned: string[] = [];
        for (const name of await store.registryNames()) {
          if (!known.has(name) && mine(name)) {
            await store.removeRegistry(name);
            pruned.push(name);
            delete state.registries[name];
          }
        }

        const limit = pLimit(deps.concurrency ?? 8);
        const registryLimit = pLimit(4);
        const due = definitions.filter((d) => isDue(d, options, trusted ? state : undefined, now));
        const reports = await Promise.all(
          definitions.map((registry) =>
            due.includes(registry)
              ? registryLimit(() => syncOne(registry))
              : Promise.resolve(emptyReport(registry, 'skipped')),
          ),
        );

        async function syncOne(registry: RegistryDefinition): Promise<RegistryReport> {
          deps.onProgress?.({ registry: registry.name, phase: 'start' });
          const previous = trusted ? state.registries[registry.name] : undefined;
          const definition = definitionHash(registry);
          let report: RegistryReport;
          let validators;
          let chartDigests;
          let client: HttpClient | undefined;
          try {
            const credential = registry.credential ? await credentials.resolve(registry) : undefined;
            if (registry.caFile)
              client = createHttpClient({ ca: await readFile(path.resolve(root, registry.caFile), 'utf8') });
            const source = (deps.sourceFor ?? sourceFor)(
              sourceDefinition(registry, credential),
              client ?? http,
            );
            const sameDefinition = previous?.definition === definition;
            const result = await syncRegistry({
              registry,
              source,
              store,
              validators: sameDefinition ? { etag: previous.etag, lastModified: previous.lastModified } : {},
              chartDigests: sameDefinition ? previous.charts : undefined,
              now,
              retryFailed: options.retryFailed === true,
              limit,
              redact: (text) => redactor.redact(text),
            });
            report = result.report; // syncRegistry redacts its messages with `redact` above
            validators = result.validators;
            chartDigests = result.chartDigests;
          } catch (error) {
            // credential or source set-up failed: the registry keeps its last good catalog
            report = emptyReport(registry, 'failed');
            report.error = redactError(describeError(error), redactor);
            const previousDoc = await store.readRegistry(registry.name);
            await store.writeRegistry(registryDoc(registry, { ...previousDoc, error: report.error }));
          } finally {
            await client?.close();
          }
          const entry = (state.registries[registry.name] = {
            ...(trusted ? state.registries[registry.name] : {}),
            lastCheck: now.toISOString(),
          });
          if (validators) {
            entry.definition = definition;
            if (validators.etag) entry.etag = validators.etag;
            else delete entry.etag;
            if (validators.lastModified) entry.lastModified = validators.lastModified;
            else delete entry.lastModified;
            // a 304 leaves the digests of the last full read in place
            if (chartDigests) entry.charts = chartDigests;
            else if (report.status !== 'not-modified') delete entry.charts;
          }
          deps.onProgress?.({ registry: registry.name, phase: 'done', report });
          return report;
        }

        const report: SyncReport = {
          registries: reports,
          pruned,
          pushed: false,
          exitCode: reports.some(
            (r) => r.status === 'failed' || r.failed.length > 0 || r.chartErrors.length > 0,
          )
            ? 1
            : 0,
        };
        if (commit) {
          const message = commitMessage(reports, pruned);
          const sha = await git.commitPath(CATALOG_DIR, message);
          if (sha) {
            report.commit = sha;
            report.message = message;
          }
          // also pushes a commit an earlier run made but could not push
          if (options.push) {
            try {
              await git.push();
              report.pushed = true;
            } catch (error) {
              report.pushError = describeError(error);
              report.exitCode = 1;
            }
          }
          // the commit just made touched catalog/, unless a push rebased it onto another
          state.catalogCommit =
            report.commit && !report.pushed
              ? report.commit
              : ((await git.lastCommitTouching(CATALOG_DIR)) ?? null);
        } else {
          state.catalogCommit =
            isRepository && (await git.isClean(CATALOG_DIR))
              ? ((await git.lastCommitTouching(CATALOG_DIR)) ?? null)
              : null;
        }
        await writeState(root, state);
        if (options.shard)
          await writeFile(path.join(root, SHARD_REPORT), `${JSON.stringify(report, null, 2)}\n`);
        return report;
      } finally {
        if (ownHttp) await http.close();
        await release();
      }
    },
  };
}

function redactError(error: { code: string; message: string }, redactor: Redactor) {
  return { code: error.code, message: redactor.redact(error.message) };
}

/** What a source is given of a registry: the protocol-neutral part of its definition, and its credential. */
function sourceDefinition(
  registry: RegistryDefinition,
  credential: Credential | undefined,
): SourceDefinition {
  const { name, url, charts, insecure, passCredentials } = registry;
  return { name, url, charts, insecure, passCredentials, credential };
}

function isDue(
  registry: RegistryDefinition,
  options: SyncOptions,
  state: SyncState | undefined,
  now: Date,
): boolean {
  if (options.registries && options.registries.length > 0) return options.registries.includes(registry.name);
  if (registry.intervalMs === 0) return false;
  if (options.force) return true;
  const lastCheck = state?.registries[registry.name]?.lastCheck;
  return lastCheck === undefined || Date.parse(lastCheck) + registry.intervalMs <= now.getTime();
}

/** Validators fetched under another definition (URL, filters, keep) must not turn the next fetch into a 304. */
function definitionHash(registry: RegistryDefinition): string {
  const { description: _d, file: _f, intervalMs: _i, ...relevant } = registry;
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}
