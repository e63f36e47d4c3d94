/**
 * `chartroom demo`: arguments, then the demo's run (src/demo/run.ts), then the built site served
 * on loopback until interrupted (`--no-serve` stops after the build). The temporary folder it
 * works in is removed when it stops: on Ctrl+C or SIGTERM while it serves (exit 0, the normal
 * end) and while it still runs (exit 130 or 143, interrupted).
 */
import { demoFolder, runDemo, type DemoFolder } from '../../demo/run.ts';
import { UsageError } from '../../errors.ts';
import { serveSite } from '../../site-build/serve.ts';
import { parseCommand, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const DEMO_HELP = {
  command: 'demo',
  summary:
    "Syncs chartroom's example charts from a chart repository on loopback (and an OCI registry, with docker-registry installed) into a new catalog repository, builds the site and serves it until Ctrl+C. No network needed.",
  options: {
    dir: {
      type: 'string',
      value: 'DIR',
      does: 'make the catalog repository in DIR, new or empty, and keep it (default: a temporary folder, removed at the end)',
    },
    port: { type: 'string', value: 'N', does: 'serve the site on this port (default: any free port)' },
    'no-serve': { type: 'boolean', does: 'stop after building the site, keeping the folder' },
  },
  notes: [
    'exit codes: 0 done (also when stopped with Ctrl+C while serving), 1 a sync failed, 130 interrupted before serving',
  ],
} as const satisfies CommandHelp;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export async function demoCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseCommand(DEMO_HELP, args);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, not "${values.port}"`);
  }
  const folder = await demoFolder(values.dir);
  const keep = !folder.temporary || values['no-serve'] === true;
  if (!keep)
    output.out(
      `chartroom demo: working in ${folder.root} (removed when the demo stops; if it is left behind: rm -rf ${folder.root})`,
    );
  // stopped before the site is served: nothing to finish, so remove the folder and exit at once
  let stopping = false;
  const interrupted = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    output.err(`chartroom demo: ${signal}, stopping`);
    void (keep ? Promise.resolve() : removeFolder(folder, output)).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  // `on`, not `once`: Ctrl+C under npx can deliver SIGINT twice (the terminal's and npm's
  // forwarded one), and a second with no listener would kill the process before the clean-up
  for (const signal of SIGNALS) process.on(signal, interrupted);
  let result;
  try {
    result = await runDemo(folder.root, (line) => output.out(line));
  } catch (error) {
    if (folder.temporary) output.err(`chartroom demo: left ${folder.root} as it was (rm -rf ${folder.root})`);
    throw error;
  } finally {
    for (const signal of SIGNALS) process.off(signal, interrupted);
  }
  if (values['no-serve']) return result.exitCode;

  const site = await serveSite(result.outDir, { port });
  output.out(`chartroom demo: site at ${site.url}`);
  output.out('chartroom demo: press Ctrl+C to stop');
  await new Promise<void>((resolve) => {
    for (const signal of SIGNALS) process.on(signal, () => resolve());
  });
  await site.close();
  if (!keep) await removeFolder(folder, output);
  return result.exitCode;
}

async function removeFolder(folder: DemoFolder, output: Output): Promise<void> {
  try {
    await folder.remove();
    output.err(`chartroom demo: removed ${folder.root}`);
  } catch (error) {
    output.err(
      `chartroom demo: could not remove ${folder.root} (${(error as Error).message}): rm -rf ${folder.root}`,
    );
  }
}
