/**
 * `chartroom merge DIR…`: combines what sharded syncs (`sync --shard I/N`, one per matrix job)
 * left in their repository roots into this repository's catalog/, and commits once. Each shard
 * names the registries it owns in its shard report; only those are taken from it.
 */
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createCatalogStore, CATALOG_DIR } from '../catalog/store.ts';
import { loadRegistries } from '../config/load.ts';
import { ChartroomError, ConfigErrors } from '../errors.ts';
import { createCatalogGit, type CatalogGit } from '../git/repo.ts';
import { isCatalogFile } from './catalog-files.ts';
import { correctChartMetadataOnce } from './chart-metadata.ts';
import { commitMessage } from './message.ts';
import type { RegistryReport } from './registry-sync.ts';
import { SHARD_REPORT, type SyncReport } from './run.ts';
import { forgetRemoved, readState, writeState } from './state.ts';
import { healHandEdits } from './hand-edits.ts';
import { UNREADABLE_CODES } from './sync-one.ts';

export interface MergeResult {
  registries: RegistryReport[];
  pruned: string[];
  commit?: string;
  message?: string;
  exitCode: 0 | 1;
}

const anyFailed = (reports: RegistryReport[]) =>
  reports.some((r) => r.status === 'failed' || r.failed.length > 0 || r.chartErrors.length > 0);

/** A shard's part of a registry it synced; one it could not read stays as this checkout has it, for the user to restore. */
const takenFromShard = (report: RegistryReport) =>
  report.status !== 'skipped' && !(report.error && UNREADABLE_CODES.has(report.error.code));

export async function mergeShards(
  rootDir: string,
  dirs: string[],
  deps: { git?: CatalogGit } = {},
): Promise<MergeResult> {
  const root = path.resolve(rootDir);
  const git = deps.git ?? createCatalogGit(root);
  const { registries: definitions, errors } = await loadRegistries(root);
  if (errors.length > 0) throw new ConfigErrors(errors);
  const known = new Set(definitions.map((d) => d.name));
  const store = createCatalogStore(root);
  // files of this checkout's catalog/ deleted by hand come back, so the merge commit loses none
  if (await git.isRepository()) await healHandEdits(git, CATALOG_DIR);
  await store.init();
  const state = await readState(root);
  const reports: RegistryReport[] = [];
  const pruned: string[] = [];
  const scratch = path.join(root, '.chartroom', 'tmp');

  for (const dir of dirs.map((d) => path.resolve(d))) {
    let shard: SyncReport;
    try {
      shard = JSON.parse(await readFile(path.join(dir, SHARD_REPORT), 'utf8')) as SyncReport;
    } catch {
      throw new ChartroomError(
        'ShardMissing',
        `${dir} has no ${SHARD_REPORT}: run chartroom sync --shard I/N there first`,
      );
    }
    const shardState = await readState(dir);
    for (const name of shard.pruned) {
      if (known.has(name)) continue;
      await store.removeRegistry(name);
      pruned.push(name);
    }
    for (const report of shard.registries) {
      reports.push(report);
      if (!known.has(report.name) || !takenFromShard(report)) continue;
      // stage the shard's part on this filesystem, then swap it in
      const staged = path.join(scratch, randomUUID());
      await mkdir(staged, { recursive: true });
      const charts = path.join(dir, CATALOG_DIR, 'charts', report.name);
      const hasCharts = await cp(charts, path.join(staged, 'charts'), { recursive: true }).then(
        () => true,
        () => false,
      );
      await cp(
        path.join(dir, CATALOG_DIR, 'registries', `${report.name}.json`),
        path.join(staged, 'registry.json'),
      );
      await store.removeRegistry(report.name);
      await mkdir(path.join(root, CATALOG_DIR, 'charts'), { recursive: true });
      await mkdir(path.join(root, CATALOG_DIR, 'registries'), { recursive: true });
      if (hasCharts)
        await rename(path.join(staged, 'charts'), path.join(root, CATALOG_DIR, 'charts', report.name));
      await rename(
        path.join(staged, 'registry.json'),
        path.join(root, CATALOG_DIR, 'registries', `${report.name}.json`),
      );
      await rm(staged, { recursive: true, force: true });
      const entry = shardState.registries[report.name];
      if (entry) state.registries[report.name] = entry;
    }
  }
  const result: MergeResult = { registries: reports, pruned, exitCode: anyFailed(reports) ? 1 : 0 };
  // the shards leave the one-time Chart.yaml correction to the merged catalog (chart-metadata.ts)
  const correction = await correctChartMetadataOnce(store, new Set());
  const message = commitMessage(reports, pruned, correction);
  const sha = await git.commitPath(CATALOG_DIR, message, { ours: isCatalogFile });
  if (sha) {
    result.commit = sha;
    result.message = message;
  }
  state.catalogCommit = (await git.lastCommitTouching(CATALOG_DIR)) ?? null;
  forgetRemoved(state, known, new Set(await store.registryNames()));
  await writeState(root, state);
  return result;
}
