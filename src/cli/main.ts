/**
 * The CLI entry: `--root`, the command's dispatch, usage, and how each kind of error is printed
 * and which exit code it gets.
 */
import path from 'node:path';
import { exitCodeOf } from '../error-catalogue.ts';
import { ConfigErrors, isChartroomError, UsageError } from '../errors.ts';
import { credentialCommand, CREDENTIAL_USAGE } from './commands/credential.ts';
import { demoCommand, DEMO_USAGE } from './commands/demo.ts';
import { initCommand, INIT_USAGE } from './commands/init.ts';
import { mergeCommand, MERGE_USAGE } from './commands/merge.ts';
import { registryCommand, REGISTRY_USAGE } from './commands/registry.ts';
import { siteCommand, SITE_USAGE } from './commands/site.ts';
import { statusCommand, STATUS_USAGE } from './commands/status.ts';
import { syncCommand, SYNC_USAGE } from './commands/sync.ts';
import { validateCommand, VALIDATE_USAGE } from './commands/validate.ts';
import { watchCommand, WATCH_USAGE } from './commands/watch.ts';
import { createOutput, type Output } from './output.ts';

const USAGE = `usage: chartroom [--root DIR] <command>

commands:
  ${INIT_USAGE}
  ${SYNC_USAGE}
  ${VALIDATE_USAGE}
  ${MERGE_USAGE}
  ${WATCH_USAGE}
  ${STATUS_USAGE}
  ${REGISTRY_USAGE}
  ${CREDENTIAL_USAGE}
  ${DEMO_USAGE}
  ${SITE_USAGE}

exit codes: 0 all good, 1 something failed in this run, 2 bad configuration or usage`;

/** The CLI entry: the only place that decides exit codes. */
export async function main(argv: string[], output: Output = createOutput()): Promise<number> {
  let root = process.cwd();
  const args = [...argv];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--root' || arg.startsWith('--root=')) {
      const value = arg === '--root' ? args[i + 1] : arg.slice('--root='.length);
      if (!value) return usage(output, '--root needs a directory');
      root = path.resolve(value);
      args.splice(i, arg === '--root' ? 2 : 1);
      i--;
    }
  }
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'sync':
        return await syncCommand(root, rest, output);
      case 'validate':
        return await validateCommand(root, rest, output);
      case 'merge':
        return await mergeCommand(root, rest, output);
      case 'watch':
        return await watchCommand(root, rest, output);
      case 'status':
        return await statusCommand(root, rest, output);
      case 'registry':
        return await registryCommand(root, rest, output);
      case 'credential':
        return await credentialCommand(root, rest, output);
      case 'site':
        return await siteCommand(root, rest, output);
      case 'init':
        return await initCommand(root, rest, output);
      case 'demo':
        return await demoCommand(rest, output);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        output.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        return usage(output, `unknown command "${command}"`);
    }
  } catch (error) {
    return report(error, output);
  }
}

function usage(output: Output, message: string): number {
  output.err(`error: ${message}`);
  output.err(USAGE);
  return 2;
}

function report(error: unknown, output: Output): number {
  if (error instanceof ConfigErrors) {
    for (const e of error.errors) {
      output.err(`error: ${e.message}`);
      if (e.hint) output.err(`  hint: ${e.hint}`);
    }
    output.err('nothing was synced: fix the registry files above (chartroom validate checks them)');
    return 2;
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    return usage(output, (error as Error).message);
  }
  if (isChartroomError(error)) {
    output.err(`error: ${error.message}`);
    if (error.hint) output.err(`  hint: ${error.hint}`);
    // bad configuration is exit 2, whatever command met it
    return exitCodeOf(error.code);
  }
  output.err(`error: ${(error as Error).stack ?? String(error)}`);
  return 1;
}
