/**
 * `chartroom demo`: arguments, then the demo's run (src/demo/run.ts), then the built site served
 * on loopback until interrupted (`--no-serve` stops after the build).
 */
import { parseArgs } from 'node:util';
import { runDemo } from '../../demo/run.ts';
import { UsageError } from '../../errors.ts';
import { serveSite } from '../../site-build/serve.ts';
import type { Output } from '../output.ts';

export const DEMO_USAGE = 'chartroom demo [--dir DIR] [--port N] [--no-serve]';

export async function demoCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { dir: { type: 'string' }, port: { type: 'string' }, 'no-serve': { type: 'boolean' } },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, not "${values.port}"`);
  }
  const { exitCode, outDir } = await runDemo(values.dir, (line) => output.out(line));
  if (values['no-serve']) return exitCode;

  const site = await serveSite(outDir, { port });
  output.out(`chartroom demo: site at ${site.url}`);
  output.out('chartroom demo: press Ctrl+C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await site.close();
  return exitCode;
}
