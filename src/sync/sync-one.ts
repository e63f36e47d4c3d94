/**
 * One due registry within a run: resolve its credential, pick its source, sync it
 * (registry-sync.ts), and remember in the state what the next run may use (check time,
 * validators, per-chart digests). A registry that cannot even be set up keeps its last good
 * catalog and records the error.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LimitFunction } from 'p-limit';
import type { CatalogStore } from '../catalog/store.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { Redactor } from '../credentials/redact.ts';
import type { CredentialResolver } from '../credentials/resolve.ts';
import { describeError } from '../errors.ts';
import type { Credential } from '../http/basic-auth.ts';
import { createHttpClient, type HttpClient } from '../http/client.ts';
import type { RegistrySource, SourceDefinition, Validators } from '../sources/types.ts';
import { registryDoc } from './catalog-records.ts';
import { startRegistryDeadline, type Deadlines, type RegistryDeadline } from './deadlines.ts';
import { emptyReport, syncRegistry, type RegistryReport } from './registry-sync.ts';
import type { SyncState } from './state.ts';

/** What every registry of one run shares. */
export interface RunContext {
  root: string;
  store: CatalogStore;
  state: SyncState;
  /** the state belongs to the catalog's last commit (else its validators are not used) */
  trusted: boolean;
  now: Date;
  retryFailed: boolean;
  http: HttpClient;
  /** chart downloads in flight at once, across registries */
  limit: LimitFunction;
  credentials: CredentialResolver;
  redactor: Redactor;
  sourceFor: (definition: SourceDefinition, http: HttpClient) => RegistrySource;
  /** every request's and every registry's deadline */
  deadlines: Deadlines;
  onProgress?:
    ((event: { registry: string; phase: 'start' | 'done'; report?: RegistryReport }) => void) | undefined;
}

interface Listed {
  report: RegistryReport;
  validators?: Validators;
  chartDigests?: Record<string, string>;
}

export async function syncOne(run: RunContext, registry: RegistryDefinition): Promise<RegistryReport> {
  run.onProgress?.({ registry: registry.name, phase: 'start' });
  const definition = definitionHash(registry);
  let listed: Listed;
  let client: HttpClient | undefined;
  let deadline: RegistryDeadline | undefined;
  try {
    const credential = registry.credential ? await run.credentials.resolve(registry) : undefined;
    if (registry.caFile)
      client = createHttpClient({ ca: await readFile(path.resolve(run.root, registry.caFile), 'utf8') });
    deadline = startRegistryDeadline(registry.name, client ?? run.http, run.deadlines);
    const source = run.sourceFor(sourceDefinition(registry, credential), deadline.http);
    const previous = run.trusted ? run.state.registries[registry.name] : undefined;
    const sameDefinition = previous?.definition === definition;
    listed = await syncRegistry({
      registry,
      source,
      store: run.store,
      validators: sameDefinition ? { etag: previous.etag, lastModified: previous.lastModified } : {},
      chartDigests: sameDefinition ? previous.charts : undefined,
      now: run.now,
      retryFailed: run.retryFailed,
      limit: run.limit,
      deadline,
      // syncRegistry redacts every message it records with this
      redact: (text) => run.redactor.redact(text),
    });
  } catch (error) {
    listed = { report: await recordSetupFailure(run, registry, error) };
  } finally {
    deadline?.dispose();
    await client?.close();
  }
  remember(run, registry.name, definition, listed);
  run.onProgress?.({ registry: registry.name, phase: 'done', report: listed.report });
  return listed.report;
}

/** Credential or source set-up failed: the registry keeps its last good catalog. */
async function recordSetupFailure(
  run: RunContext,
  registry: RegistryDefinition,
  error: unknown,
): Promise<RegistryReport> {
  const report = emptyReport(registry, 'failed');
  const { code, message } = describeError(error);
  report.error = { code, message: run.redactor.redact(message) };
  const previousDoc = await run.store.readRegistry(registry.name);
  await run.store.writeRegistry(registryDoc(registry, { ...previousDoc, error: report.error }));
  return report;
}

/** The state entry the next run reads: the check time always; validators only after a listing. */
function remember(run: RunContext, name: string, definition: string, listed: Listed): void {
  const entry = (run.state.registries[name] = {
    ...(run.trusted ? run.state.registries[name] : {}),
    lastCheck: run.now.toISOString(),
  });
  const { validators, chartDigests, report } = listed;
  if (!validators) return;
  entry.definition = definition;
  if (validators.etag) entry.etag = validators.etag;
  else delete entry.etag;
  if (validators.lastModified) entry.lastModified = validators.lastModified;
  else delete entry.lastModified;
  // a 304 leaves the digests of the last full read in place
  if (chartDigests) entry.charts = chartDigests;
  else if (report.status !== 'not-modified') delete entry.charts;
}

/** What a source is given of a registry: the protocol-neutral part of its definition, and its credential. */
function sourceDefinition(
  registry: RegistryDefinition,
  credential: Credential | undefined,
): SourceDefinition {
  const { name, url, charts, insecure, passCredentials } = registry;
  return { name, url, charts, insecure, passCredentials, credential };
}

/** Validators fetched under another definition (URL, filters, keep) must not turn the next fetch into a 304. */
function definitionHash(registry: RegistryDefinition): string {
  const { description: _d, file: _f, intervalMs: _i, ...relevant } = registry;
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}
