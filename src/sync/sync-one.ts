/**
 * One due registry within a run: resolve its credential, pick its source, sync it
 * (registry-sync.ts), and remember in the state what the next run may use (check time,
 * validators, per-chart digests). A registry that cannot even be set up keeps its last good
 * catalog and records the error.
 */
import { redactingStore } from './redacting-store.ts';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LimitFunction } from 'p-limit';
import type { CatalogStore } from '../catalog/store.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { Redactor } from '../credentials/redact.ts';
import type { CredentialResolver } from '../credentials/resolve.ts';
import { CATALOG_DIR } from '../catalog/store.ts';
import { describeError, hintOf, isChartroomError } from '../errors.ts';
import type { Credential } from '../http/basic-auth.ts';
import { createHttpClient, type HttpClient } from '../http/client.ts';
import type { RegistrySource, SourceDefinition, Validators } from '../sources/types.ts';
import { registryDoc } from './catalog-records.ts';
import {
  startRegistryDeadline,
  type Deadlines,
  type RegistryDeadline,
  type RegistryWait,
} from './deadlines.ts';
import { emptyReport, syncRegistry, type RegistryReport } from './registry-sync.ts';
import { loadRegistryPolicy, policyDigests, sigstoreRootOf } from './policy.ts';
import type { SyncState } from './state.ts';

/** What every registry of one run shares. */
export interface RunContext {
  root: string;
  /** each registry's fingerprint (due.ts), remembered with its check */
  fingerprints: ReadonlyMap<string, string>;
  store: CatalogStore;
  state: SyncState;
  /**
   * whether a registry's state may be used: it belongs to the catalog's last commit and nobody
   * changed the registry's part since (else its validators are not used, and it is fetched in full)
   */
  trusts: (registry: string) => boolean;
  /** whether the registry's part differs from HEAD (then its files are checked against chart.json) */
  handEdited: (registry: string) => boolean;
  /** registries whose catalog part could not be read: they fail, and nothing of theirs is written */
  unreadable: Map<string, { code: string; message: string }>;
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
  /** a request that waits past CHARTROOM_WAIT_NOTICE says what it waits for (deadlines.ts) */
  onWait?: ((wait: RegistryWait) => void) | undefined;
}

interface Listed {
  report: RegistryReport;
  validators?: Validators;
  chartDigests?: Record<string, string>;
  recheck?: Record<string, Record<string, string>>;
}

/** A catalog file of this registry does not parse or does not match its schema (or its format). */
export const UNREADABLE_CODES: ReadonlySet<string> = new Set(['CatalogInvalid', 'CatalogFormatUnsupported']);

/** The paths of a registry's catalog part, from the repository root. */
export const registryPaths = (name: string) => [
  `${CATALOG_DIR}/registries/${name}.json`,
  `${CATALOG_DIR}/charts/${name}`,
];

/** The error a registry with an unreadable catalog file fails with: the file, what is wrong, and the way back. */
export function unreadableError(error: unknown): { code: string; message: string } {
  const { code, message } = describeError(error);
  const hint = hintOf(error);
  return { code, message: hint ? `${message}; ${hint}` : message };
}

export async function syncOne(run: RunContext, registry: RegistryDefinition): Promise<RegistryReport> {
  run.onProgress?.({ registry: registry.name, phase: 'start' });
  const unreadable = run.unreadable.get(registry.name);
  if (unreadable) return failUnreadable(run, registry, unreadable);
  let definition = definitionHash(registry, {});
  let listed: Listed;
  let client: HttpClient | undefined;
  let deadline: RegistryDeadline | undefined;
  try {
    // the policy's key and trusted root, once per registry and run: one that does not load
    // (VerifyKeyInvalid, SigstoreRootInvalid) fails the registry, which keeps its catalog
    const policy = await loadRegistryPolicy(run.root, registry, () => sigstoreRootOf(run));
    definition = definitionHash(registry, policyDigests(policy));
    const credential = registry.credential ? await run.credentials.resolve(registry) : undefined;
    if (registry.caFile)
      client = createHttpClient({ ca: await readFile(path.resolve(run.root, registry.caFile), 'utf8') });
    deadline = startRegistryDeadline(registry.name, client ?? run.http, run.deadlines, run.onWait);
    const source = run.sourceFor(sourceDefinition(registry, credential, run.redactor), deadline.http);
    const trusted = run.trusts(registry.name);
    const previous = trusted ? run.state.registries[registry.name] : undefined;
    const sameDefinition = previous?.definition === definition;
    listed = await syncRegistry({
      registry,
      source,
      store: redactingStore(run.store, run.redactor),
      validators: sameDefinition ? { etag: previous.etag, lastModified: previous.lastModified } : {},
      chartDigests: sameDefinition ? previous.charts : undefined,
      now: run.now,
      retryFailed: run.retryFailed,
      // the part was changed by hand: a version listed with files may have lost them
      checkFiles: run.handEdited(registry.name),
      limit: run.limit,
      deadline,
      policy,
      recheck: previous?.recheck,
      // syncRegistry redacts every message it records with this
      redact: (text) => run.redactor.redact(text),
    });
  } catch (error) {
    const report = await recordFailure(run, registry, error);
    if (!report) return failUnreadable(run, registry, run.unreadable.get(registry.name)!);
    listed = { report };
  } finally {
    deadline?.dispose();
    await client?.close();
  }
  remember(run, registry.name, definition, listed);
  run.onProgress?.({ registry: registry.name, phase: 'done', report: listed.report });
  return listed.report;
}

/** Nothing is written and nothing remembered: the file stays as it is for the user to restore. */
function failUnreadable(
  run: RunContext,
  registry: RegistryDefinition,
  error: { code: string; message: string },
): RegistryReport {
  const report = emptyReport(registry, 'failed');
  report.error = { code: error.code, message: run.redactor.redact(error.message) };
  run.onProgress?.({ registry: registry.name, phase: 'done', report });
  return report;
}

const isUnreadable = (error: unknown) => isChartroomError(error) && UNREADABLE_CODES.has(error.code);

/**
 * Records a failure in the registry document; undefined when a catalog file of the registry
 * cannot be read (then it is in run.unreadable and nothing is written).
 */
async function recordFailure(
  run: RunContext,
  registry: RegistryDefinition,
  error: unknown,
): Promise<RegistryReport | undefined> {
  let cause = error;
  try {
    if (!isUnreadable(error)) return await recordSetupFailure(run, registry, error);
  } catch (readError) {
    if (!isUnreadable(readError)) throw readError;
    cause = readError;
  }
  run.unreadable.set(registry.name, unreadableError(cause));
  return undefined;
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
    ...(run.trusts(name) ? run.state.registries[name] : {}),
    lastCheck: run.now.toISOString(),
  });
  const fingerprint = run.fingerprints.get(name);
  if (fingerprint) entry.fingerprint = fingerprint;
  const { validators, chartDigests, report, recheck } = listed;
  if (!validators) return;
  entry.definition = definition;
  if (recheck) entry.recheck = recheck;
  else delete entry.recheck;
  if (validators.etag) entry.etag = validators.etag;
  else delete entry.etag;
  if (validators.lastModified) entry.lastModified = validators.lastModified;
  else delete entry.lastModified;
  // a 304 leaves the digests of the last full read in place
  if (chartDigests) entry.charts = chartDigests;
  else if (report.status !== 'not-modified') delete entry.charts;
}

/**
 * What a source is given of a registry: the protocol-neutral part of its definition, its credential,
 * and where to register the tokens it buys with it.
 */
export function sourceDefinition(
  registry: RegistryDefinition,
  credential: Credential | undefined,
  redactor: Redactor,
): SourceDefinition {
  const { name, url, charts, insecure, passCredentials } = registry;
  const registerSecret = (secret: string) => redactor.add(secret);
  return { name, url, charts, insecure, passCredentials, credential, registerSecret };
}

/**
 * Validators fetched under another definition (URL, filters, keep, the `verify:` policy with its
 * identities, its key's digest and its trusted root's) must not turn the next fetch into a 304:
 * a changed policy lists in full and checks every version. `signatures` marks definitions since signatures are checked, so a
 * catalog synced before lists in full once and its versions get their first look-up (rule (d)).
 */
function definitionHash(registry: RegistryDefinition, digests: Record<string, string>): string {
  const { description: _d, file: _f, intervalMs: _i, ...relevant } = registry;
  const hashed = { ...relevant, signatures: 1, ...digests };
  return createHash('sha256').update(JSON.stringify(hashed)).digest('hex').slice(0, 16);
}
