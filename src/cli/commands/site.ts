/**
 * `chartroom site build` and `chartroom site dev`: arguments and the closing line; the work is
 * src/site-build/.
 */
import path from 'node:path';
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { UsageError } from '../../errors.ts';
import { buildSite } from '../../site-build/build.ts';
import { devSite } from '../../site-build/dev.ts';
import { parseCommand, usageLine, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

const BASE = {
  type: 'string',
  value: 'PATH',
  does: 'the path the site is served under, e.g. /charts/ for a GitHub Pages project site (default: CHARTROOM_BASE, else chartroom.yaml site.base, else /)',
} as const;

export const SITE_HELP = {
  build: {
    command: 'site build',
    summary: 'Builds the static chart browser (Astro and Pagefind) from catalog/ and chartroom.yaml.',
    options: {
      out: { type: 'string', value: 'DIR', does: 'the folder to write the site to (default: dist/)' },
      base: BASE,
    },
  },
  dev: {
    command: 'site dev',
    summary:
      'Serves the chart browser from catalog/ on loopback, rebuilding pages as they change, until Ctrl+C.',
    options: {
      port: { type: 'string', value: 'N', does: "the port to listen on (default: Astro's, 4321)" },
      base: BASE,
    },
  },
} as const satisfies Record<string, CommandHelp>;

export async function siteCommand(root: string, args: string[], output: Output): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'build') {
    const { values } = parseCommand(SITE_HELP.build, rest);
    await requireCatalogRepository(root);
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
    const { values } = parseCommand(SITE_HELP.dev, rest);
    await requireCatalogRepository(root);
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
  const both = `${usageLine(SITE_HELP.build)} | ${usageLine(SITE_HELP.dev)}`;
  throw new UsageError(
    sub === undefined ? `site needs a subcommand: ${both}` : `unknown site subcommand "${sub}": ${both}`,
  );
}
