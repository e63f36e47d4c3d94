/**
 * `chartroom site build` and `chartroom site dev`: arguments and the closing line; the work is
 * src/site-build/.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.ts';
import { buildSite } from '../../site-build/build.ts';
import { devSite } from '../../site-build/dev.ts';
import type { Output } from '../output.ts';

export const SITE_USAGE =
  'chartroom site build [--out DIR] [--base PATH] | chartroom site dev [--port N] [--base PATH]';

export async function siteCommand(root: string, args: string[], output: Output): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { out: { type: 'string' }, base: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  if (sub === 'build') {
    if (values.port !== undefined) throw new UsageError('site build takes no --port (site dev does)');
    const result = await buildSite({
      root,
      ...(values.out !== undefined ? { out: path.resolve(root, values.out) } : {}),
      ...(values.base !== undefined ? { base: values.base } : {}),
      onLine: (line, stream) => (stream === 'out' ? output.out(line) : output.err(line)),
    });
    for (const warning of result.warnings) output.err(`warning: ${warning}`);
    for (const d of result.degraded)
      output.err(
        d.leftOut
          ? `warning: ${d.file} left out of the site: ${d.reason}`
          : `warning: ${d.registry}/${d.chart} ${d.version} ${d.file} shown as plain text or in part: ${d.reason}`,
      );
    output.out(`chartroom site: built ${result.outDir} in ${(result.ms / 1000).toFixed(1)} s`);
    return 0;
  }
  if (sub === 'dev') {
    if (values.out !== undefined) throw new UsageError('site dev takes no --out (site build does)');
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new UsageError(`--port must be a port number, not "${values.port}"`);
    }
    return devSite({
      root,
      ...(port !== undefined ? { port } : {}),
      ...(values.base !== undefined ? { base: values.base } : {}),
    });
  }
  throw new UsageError(
    sub === undefined
      ? `site needs a subcommand: ${SITE_USAGE}`
      : `unknown site subcommand "${sub}": ${SITE_USAGE}`,
  );
}
