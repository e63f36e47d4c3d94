/**
 * The CLI entry: `--root`, the command's dispatch, help and version, usage, and how each kind of
 * error is printed and which exit code it gets.
 */
import path from 'node:path';
import { exitCodeOf } from '../error-catalogue.ts';
import { ConfigErrors, isChartroomError, UsageError } from '../errors.ts';
import { installedVersion } from '../init/files.ts';
import { credentialCommand, CREDENTIAL_HELP } from './commands/credential.ts';
import { demoCommand, DEMO_HELP } from './commands/demo.ts';
import { initCommand, INIT_HELP } from './commands/init.ts';
import { mergeCommand, MERGE_HELP } from './commands/merge.ts';
import { registryCommand, REGISTRY_HELP } from './commands/registry.ts';
import { siteCommand, SITE_HELP } from './commands/site.ts';
import { statusCommand, STATUS_HELP } from './commands/status.ts';
import { syncCommand, SYNC_HELP } from './commands/sync.ts';
import { validateCommand, VALIDATE_HELP } from './commands/validate.ts';
import { watchCommand, WATCH_HELP } from './commands/watch.ts';
import { helpText, nearestCommand, usageLine, wantsHelp, type CommandHelp } from './help.ts';
import { createOutput, type Output } from './output.ts';

type Run = (root: string, args: string[], output: Output) => Promise<number>;

/** Each command: its help (or its subcommands' helps) and what runs it. */
const COMMANDS: Record<string, { help: CommandHelp | Record<string, CommandHelp>; run: Run }> = {
  init: { help: INIT_HELP, run: initCommand },
  sync: { help: SYNC_HELP, run: syncCommand },
  validate: { help: VALIDATE_HELP, run: (root, args, output) => validateCommand(root, args, output) },
  merge: { help: MERGE_HELP, run: mergeCommand },
  watch: { help: WATCH_HELP, run: watchCommand },
  status: { help: STATUS_HELP, run: statusCommand },
  registry: { help: REGISTRY_HELP, run: registryCommand },
  credential: { help: CREDENTIAL_HELP, run: (root, args, output) => credentialCommand(root, args, output) },
  demo: { help: DEMO_HELP, run: (_root, args, output) => demoCommand(args, output) },
  site: { help: SITE_HELP, run: siteCommand },
};

const isSingle = (help: CommandHelp | Record<string, CommandHelp>): help is CommandHelp =>
  typeof help.command === 'string';
const helpsOf = (help: CommandHelp | Record<string, CommandHelp>): CommandHelp[] =>
  isSingle(help) ? [help] : Object.values(help);

const USAGE = [
  'usage: chartroom [--root DIR] <command> [options]',
  '',
  'commands:',
  ...Object.values(COMMANDS).flatMap(({ help }) => helpsOf(help).map((h) => `  ${usageLine(h)}`)),
  '  chartroom help COMMAND   what a command does and each of its options (or: chartroom COMMAND --help)',
  '  chartroom --version      the version of chartroom',
  '',
  'exit codes: 0 all good, 1 something failed in this run, 2 bad configuration or usage',
].join('\n');

/** The CLI entry: the only place that decides exit codes. */
export async function main(argv: string[], output: Output = createOutput()): Promise<number> {
  const { root, args, problem } = takeRoot(argv);
  if (problem) return usage(output, problem);
  const [command, ...rest] = args;
  if (command === '--version' || command === '-V' || command === 'version') {
    output.out(await installedVersion());
    return 0;
  }
  if (command === undefined) {
    output.out(USAGE);
    return 2;
  }
  const asked = command === 'help' || command === '--help' || command === '-h';
  let found: { help?: CommandHelp; group?: Record<string, CommandHelp>; error?: string };
  if (asked && rest.length === 0) found = {};
  else found = asked ? resolve(rest[0]!, rest.slice(1)) : resolve(command, rest);
  if (found.error) return usage(output, found.error);
  if (asked || wantsHelp(rest)) {
    output.out(found.help ? helpText(found.help) : found.group ? groupHelp(found.group) : USAGE);
    return 0;
  }
  try {
    return await COMMANDS[command]!.run(root, rest, output);
  } catch (error) {
    return report(error, output, found.help);
  }
}

/** `--root DIR` (or `--root=DIR`) anywhere in the arguments, taken out of them. */
function takeRoot(argv: string[]): { root: string; args: string[]; problem?: string } {
  let root = process.cwd();
  const args = [...argv];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--root' || arg.startsWith('--root=')) {
      const value = arg === '--root' ? args[i + 1] : arg.slice('--root='.length);
      if (!value) return { root, args, problem: '--root needs a directory' };
      root = path.resolve(value);
      args.splice(i, arg === '--root' ? 2 : 1);
      i--;
    }
  }
  return { root, args };
}

/** The help a command line names (`registry add …`), or what was mistyped with a did-you-mean. */
function resolve(
  command: string,
  rest: string[],
): { help?: CommandHelp; group?: Record<string, CommandHelp>; error?: string } {
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) {
    const near = nearestCommand(command, Object.keys(COMMANDS));
    return { error: `unknown command "${command}"${near ? `: did you mean "${near}"?` : ''}` };
  }
  if (isSingle(entry.help)) return { help: entry.help };
  const group = entry.help;
  const sub = rest[0];
  if (sub === undefined || sub.startsWith('-')) return { group };
  if (Object.hasOwn(group, sub)) return { help: group[sub]! };
  const near = nearestCommand(sub, Object.keys(group));
  return {
    error: `unknown ${command} subcommand "${sub}"${near ? `: did you mean "${command} ${near}"?` : `: ${Object.keys(group).join(' or ')}`}`,
  };
}

function groupHelp(group: Record<string, CommandHelp>): string {
  const helps = Object.values(group);
  const name = helps[0]!.command.split(' ')[0]!;
  return [
    `usage: chartroom ${name} ${Object.keys(group).join('|')} …`,
    '',
    ...helps.map((h) => `  ${usageLine(h)}`),
    '',
    `chartroom ${name} SUBCOMMAND --help says what each option does`,
  ].join('\n');
}

/**
 * A usage error: what was wrong, then the command's usage line (or the general usage; after a
 * did-you-mean, only where to find it).
 */
function usage(output: Output, message: string, help?: CommandHelp): number {
  output.err(`error: ${message}`);
  if (help) output.err(`usage: ${usageLine(help)}`);
  else output.err(message.includes('did you mean') ? 'chartroom help lists the commands' : USAGE);
  return 2;
}

function report(error: unknown, output: Output, help: CommandHelp | undefined): number {
  if (error instanceof ConfigErrors) {
    for (const e of error.errors) {
      output.err(`error: ${e.message}`);
      if (e.hint) output.err(`  hint: ${e.hint}`);
    }
    output.err('nothing was synced: fix the registry files above (chartroom validate checks them)');
    return 2;
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    return usage(output, (error as Error).message, help);
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
