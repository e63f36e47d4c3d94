/**
 * `chartroom validate`: every problem in chartroom.yaml and the registry and credential files,
 * printed, and exit 2 when there is one.
 */
import { parseArgs } from 'node:util';
import { loadRegistries } from '../../config/load.ts';
import { formatInterval } from '../../config/duration.ts';
import { loadSettings, SETTINGS_FILE } from '../../config/settings.ts';
import { checkCredentials } from '../../credentials/check.ts';
import type { Env } from '../../credentials/resolve.ts';
import type { Output } from '../output.ts';

export const VALIDATE_USAGE = 'chartroom validate';

/** Checks chartroom.yaml and every registry and credential file; exit 2 on any problem. This is what the pull-request check runs. */
export async function validateCommand(
  root: string,
  args: string[],
  output: Output,
  env: Env = process.env,
): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const settings = await loadSettings(root);
  const { registries, errors } = await loadRegistries(root);
  const credentials = await checkCredentials(root, registries, env);
  const all = [...settings.errors, ...errors, ...credentials.errors];
  for (const error of all) {
    output.err(`error: ${error.message}`);
    if (error.hint) output.err(`  hint: ${error.hint}`);
  }
  if (settings.found && settings.errors.length === 0) output.out(`ok ${SETTINGS_FILE}`);
  for (const r of registries) {
    output.out(
      `ok ${r.file}: ${r.kind} ${r.url}, interval ${formatInterval(r.intervalMs)}${r.credential ? `, credential ${r.credential}` : ''}`,
    );
  }
  for (const note of credentials.notes) output.out(note);
  if (all.length > 0) {
    output.err(`${all.length} problem${all.length === 1 ? '' : 's'} found`);
    return 2;
  }
  output.out(`${registries.length} registry file${registries.length === 1 ? '' : 's'} valid`);
  return 0;
}
