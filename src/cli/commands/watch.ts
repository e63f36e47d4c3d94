/**
 * `chartroom watch`: a line per run that synced something, until SIGINT or SIGTERM; the loop is
 * src/sync/watch.ts.
 */
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { createRedactor } from '../../credentials/redact.ts';
import { UsageError } from '../../errors.ts';
import { createCatalogGit } from '../../git/repo.ts';
import { describeWait } from '../../sync/deadlines.ts';
import { createSync } from '../../sync/run.ts';
import { watch } from '../../sync/watch.ts';
import { paint, type Output } from '../output.ts';
import { parseCommand, type CommandHelp } from '../help.ts';

export const WATCH_HELP = {
  command: 'watch',
  summary:
    'Syncs each registry when it is due, in a loop, until Ctrl+C or SIGTERM (the sync in progress finishes first); a line per run that synced something.',
  options: {
    push: { type: 'boolean', does: 'push each commit it makes' },
    branch: { type: 'string', value: 'NAME', does: 'the branch --push pushes to (default: the current one)' },
  },
} as const satisfies CommandHelp;

/** Runs until SIGINT or SIGTERM; the sync in progress then finishes before the process exits. */
export async function watchCommand(root: string, args: string[], output: Output): Promise<number> {
  const { values } = parseCommand(WATCH_HELP, args);
  await requireCatalogRepository(root);
  if (values.branch !== undefined && values.push !== true) throw new UsageError('--branch goes with --push');
  // a push that cannot tell its branch stops watch now, not at every run
  const git = createCatalogGit(root);
  if (values.push === true && (await git.isRepository())) await git.pushBranch({ branch: values.branch });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    output.err(`chartroom watch: ${signal}, stopping after the sync in progress`);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const redactor = createRedactor();
  const sync = createSync({
    root,
    redactor,
    onWait: (wait) => output.err(paint(output.tty, 'dim', redactor.redact(describeWait(wait)))),
  });
  output.err(`chartroom watch: watching ${root}`);
  await watch(
    {
      root,
      sync,
      onRun: (report) => {
        const synced = report.registries.filter((r) => r.status !== 'skipped');
        if (synced.length === 0) return;
        const failed = synced
          .filter((r) => r.status === 'failed')
          .map((r) => `${r.name} (${r.error?.message ?? ''})`);
        output.err(
          `${new Date().toISOString()} synced ${synced.map((r) => r.name).join(', ')}${report.commit ? `; committed ${report.commit.slice(0, 12)}: ${report.message?.split('\n')[0]}` : '; nothing new'}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
        );
      },
      onError: (error) => output.err(`chartroom watch: ${redactor.redact(error.message)}`),
    },
    {
      push: values.push === true,
      ...(values.branch !== undefined ? { branch: values.branch } : {}),
      signal: stop.signal,
    },
  );
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  output.err('chartroom watch: stopped');
  return 0;
}
