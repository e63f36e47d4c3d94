import { parseArgs } from 'node:util';
import { loadRegistries } from '../../config/load.ts';
import { formatInterval } from '../../config/duration.ts';
import type { Output } from '../output.ts';

export const VALIDATE_USAGE = 'chartroom validate';

/** Checks every registry file; exit 2 on any problem. */
export async function validateCommand(root: string, args: string[], output: Output): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const { registries, errors } = await loadRegistries(root);
  for (const error of errors) {
    output.err(`error: ${error.message}`);
    if (error.hint) output.err(`  hint: ${error.hint}`);
  }
  for (const r of registries)
    output.out(`ok ${r.file}: ${r.kind} ${r.url}, interval ${formatInterval(r.intervalMs)}`);
  if (errors.length > 0) {
    output.err(`${errors.length} invalid registry file${errors.length === 1 ? '' : 's'}`);
    return 2;
  }
  output.out(`${registries.length} registry file${registries.length === 1 ? '' : 's'} valid`);
  return 0;
}
