/**
 * One command's help, defined beside the command (src/cli/commands/*.ts): what it does, its
 * arguments and what each option does. The usage line, the `--help` text and the argument parser
 * are all made from it, so that they cannot drift apart: adding an option is one entry here.
 */
import { parseArgs } from 'node:util';
import { nearestField } from '../config/schema-errors.ts';
import { UsageError } from '../errors.ts';

export interface OptionHelp {
  type: 'string' | 'boolean';
  /** may be given more than once */
  multiple?: boolean;
  /** the value's placeholder in the usage line and the help: NAME, DIR, D */
  value?: string;
  /** shown without brackets in the usage line */
  required?: boolean;
  /** what the option does, one line */
  does: string;
}

export interface CommandHelp {
  /** the words after `chartroom`: "sync", "registry add" */
  command: string;
  /** the positional arguments as the usage line shows them: "NAME URL", "[DIR]", "DIR..." */
  args?: string;
  /** what the command does, in a sentence or two */
  summary: string;
  options: Record<string, OptionHelp>;
  /** lines after the options: exit codes, how options go together */
  notes?: readonly string[];
}

/** Options every command takes; main.ts reads `--root`, `--help` is answered before the command runs. */
const GLOBAL_OPTIONS: Record<string, OptionHelp> = {
  root: {
    type: 'string',
    value: 'DIR',
    does: 'the catalog repository to work in (default: the current folder)',
  },
};

const placeholder = (name: string, option: OptionHelp) =>
  option.type === 'string' ? `--${name} ${option.value ?? 'VALUE'}` : `--${name}`;

/** `chartroom sync [--registry NAME]... [--force] …`, the line the general usage lists too. */
export function usageLine(help: CommandHelp): string {
  const parts = [`chartroom ${help.command}`];
  if (help.args) parts.push(help.args);
  for (const [name, option] of Object.entries(help.options)) {
    const shown = placeholder(name, option);
    if (option.required) parts.push(option.multiple ? `${shown} [${shown}]...` : shown);
    else parts.push(option.multiple ? `[${shown}]...` : `[${shown}]`);
  }
  return parts.join(' ');
}

/** The `--help` text: the usage line, what the command does, a line per option, the notes. */
export function helpText(help: CommandHelp): string {
  const rows: Array<[string, string]> = [
    ...Object.entries(help.options).map(([name, option]): [string, string] => [
      placeholder(name, option),
      option.multiple ? `${option.does} (may be repeated)` : option.does,
    ]),
    ...Object.entries(GLOBAL_OPTIONS).map(([name, option]): [string, string] => [
      placeholder(name, option),
      option.does,
    ]),
    ['-h, --help', 'print this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `usage: ${usageLine(help)}`,
    '',
    help.summary,
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    ...(help.notes?.length ? ['', ...help.notes] : []),
  ].join('\n');
}

/** Whether the arguments ask for help (before a `--`, after which everything is a positional). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** What an option's value is once parsed: a string (or strings, when repeatable), or a boolean. */
type ValueOf<O extends OptionHelp> = O['type'] extends 'string'
  ? O['multiple'] extends true
    ? string[]
    : string
  : boolean;

export interface Parsed<H extends CommandHelp> {
  values: { [K in keyof H['options']]?: ValueOf<H['options'][K]> };
  positionals: string[];
}

/** The command's arguments parsed by its help's options; a mistyped option gets a did-you-mean. */
export function parseCommand<H extends CommandHelp>(help: H, args: string[]): Parsed<H> {
  const options = Object.fromEntries(
    Object.entries(help.options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple === true }]),
  );
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: help.args !== undefined,
      strict: true,
    });
    return { values: values as Parsed<H>['values'], positionals };
  } catch (error) {
    throw new UsageError(argumentProblem(help, error as Error & { code?: string }));
  }
}

function argumentProblem(help: CommandHelp, error: Error & { code?: string }): string {
  const see = `(chartroom ${help.command} --help says what each option does)`;
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(error.message)?.[1] ?? '';
    const name = given.replace(/^-+/, '').replace(/=.*$/, '');
    const near = nearestField(name, Object.keys(help.options), {});
    return `unknown option ${given} for chartroom ${help.command}${near ? `: did you mean --${near}?` : ''} ${see}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const given = /'([^']+)'/.exec(error.message)?.[1] ?? '';
    return `chartroom ${help.command} takes no arguments, only options: "${given}" ${see}`;
  }
  return `${error.message} ${see}`;
}

/** A mistyped command or subcommand: its nearest name, when one is near. */
export function nearestCommand(given: string, names: readonly string[]): string | undefined {
  return nearestField(given, names, {});
}
