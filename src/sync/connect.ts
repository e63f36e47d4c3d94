/**
 * `validate --connect`: each registry reached with its credential as a sync would reach it (see
 * sources/index.ts, checkConnection), under the same request and registry deadlines and wait
 * notices, and nothing written: no catalog, no state, no commit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { RegistryDefinition } from '../config/types.ts';
import type { Redactor } from '../credentials/redact.ts';
import { createCredentialResolver, type Env } from '../credentials/resolve.ts';
import { describeError, hintOf } from '../errors.ts';
import { createHttpClient, type HttpClient } from '../http/client.ts';
import { checkConnection } from '../sources/index.ts';
import { deadlinesFrom, startRegistryDeadline, type RegistryWait } from './deadlines.ts';
import { advised } from './credential-advice.ts';
import { sourceDefinition } from './sync-one.ts';

export type ConnectResult =
  | { registry: string; ok: true; summary: string; ms: number }
  | { registry: string; ok: false; code: string; message: string; hint: string | undefined; ms: number };

export interface ConnectOptions {
  root: string;
  env: Env;
  redactor: Redactor;
  onWait?: (wait: RegistryWait) => void;
  /** tests may pass their own */
  http?: HttpClient;
}

/** Every registry reached once, four at a time, in the order given. */
export async function checkConnections(
  registries: RegistryDefinition[],
  options: ConnectOptions,
): Promise<ConnectResult[]> {
  const deadlines = deadlinesFrom(options.env);
  const http = options.http ?? createHttpClient({ deadlineMs: deadlines.requestMs });
  const credentials = createCredentialResolver(options);
  const limit = pLimit(4);
  try {
    return await Promise.all(
      registries.map((registry) =>
        limit(async (): Promise<ConnectResult> => {
          const started = Date.now();
          let client: HttpClient | undefined;
          let deadline: ReturnType<typeof startRegistryDeadline> | undefined;
          try {
            const credential = registry.credential ? await credentials.resolve(registry) : undefined;
            if (registry.caFile) {
              const ca = await readFile(path.resolve(options.root, registry.caFile), 'utf8');
              client = createHttpClient({ ca, deadlineMs: deadlines.requestMs });
            }
            deadline = startRegistryDeadline(registry.name, client ?? http, deadlines, options.onWait);
            const definition = sourceDefinition(registry, credential, options.redactor);
            const { summary } = await checkConnection(definition, deadline.http);
            return { registry: registry.name, ok: true, summary, ms: Date.now() - started };
          } catch (error) {
            const cause = deadline?.passed() ?? error;
            const { code, message } = advised(registry, describeError(cause));
            const hint = hintOf(cause);
            return {
              registry: registry.name,
              ok: false,
              code,
              message: options.redactor.redact(message),
              hint: hint === undefined ? undefined : options.redactor.redact(hint),
              ms: Date.now() - started,
            };
          } finally {
            deadline?.dispose();
            await client?.close();
          }
        }),
      ),
    );
  } finally {
    if (!options.http) await http.close();
  }
}
