/**
 * The command's help, as a new user meets it: `--help`/`-h` on every command and subcommand (its
 * usage and a line per option saying what it does, on stdout, exit 0), `chartroom help CMD`, the
 * version, and a did-you-mean for a mistyped command or option (exit 2).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { chartroom, type CliResult } from './helpers/cli.ts';

/**
 * The CLI's entry in this process, with its output captured: the same words and exit code as the
 * binary (bin/chartroom.js only calls main), without starting Node 40 times. The cases that prove
 * the binary itself says so (sync --help, --version, a did-you-mean) run it for real.
 */
async function inProcess(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const output = {
    tty: false,
    out: (l: string) => void (stdout += `${l}\n`),
    err: (l: string) => void (stderr += `${l}\n`),
  };
  const code = await main(args, output);
  return { code, stdout, stderr };
}

const COMMANDS = [
  ['sync'],
  ['validate'],
  ['merge'],
  ['watch'],
  ['status'],
  ['registry', 'add'],
  ['registry', 'remove'],
  ['credential', 'add'],
  ['credential', 'rotate'],
  ['site', 'build'],
  ['site', 'dev'],
  ['init'],
  ['demo'],
];

/** The option lines of a help text: `  --name VALUE   what it does`. */
const optionLines = (help: string) =>
  help
    .split('\n')
    .filter((line) => /^ {2}(-\w, )?--[a-z-]+/.test(line))
    .map((line) => line.trim());

describe('chartroom help', () => {
  it.each(COMMANDS.map((words) => [words.join(' ')]))(
    '%s --help and -h print its usage and what every option does',
    async (line) => {
      const words = line.split(' ');
      for (const flag of ['--help', '-h']) {
        const result = await inProcess([...words, flag]);
        expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
        expect(result.stdout).toMatch(new RegExp(`^usage: chartroom ${words.join(' ')}\\b`));
        const usageLine = result.stdout.split('\n')[0]!;
        // every option the usage line names has a line of its own saying what it does
        const named = [...usageLine.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
        const lines = optionLines(result.stdout);
        for (const option of named) {
          const line = lines.find((l) => l.replace(/^-\w, /, '').startsWith(`${option} `) || l === option);
          expect(line, `${words.join(' ')}: no help line for ${option}`).toBeDefined();
          expect(line!.replace(/^(-\w, )?--[a-z-]+( [A-Z.…/0-9a-z]+)?/, '').trim().length).toBeGreaterThan(
            10,
          );
        }
        expect(lines.some((l) => l.startsWith('-h, --help'))).toBe(true);
      }
    },
  );

  it('chartroom help sync prints what sync --help prints; help and --help print the general usage', async () => {
    const direct = await chartroom(['sync', '--help']);
    expect(direct).toMatchObject({
      code: 0,
      stderr: '',
      stdout: (await inProcess(['sync', '--help'])).stdout,
    });
    expect(await inProcess(['help', 'sync'])).toMatchObject({ code: 0, stdout: direct.stdout });
    expect((await inProcess(['help', 'registry', 'add'])).stdout).toBe(
      (await inProcess(['registry', 'add', '--help'])).stdout,
    );
    for (const args of [['help'], ['--help'], ['-h']]) {
      const general = await inProcess(args);
      expect(general.code).toBe(0);
      expect(general.stdout).toMatch(/^usage: chartroom \[--root DIR\] <command>/);
      expect(general.stdout).toContain('chartroom sync');
      expect(general.stdout).toContain('chartroom help COMMAND');
    }
  });

  it('--version, -V and version print the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await chartroom(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    for (const args of [['-V'], ['version']]) {
      expect(await inProcess(args)).toMatchObject({ code: 0, stdout: `${version}\n` });
    }
  });

  it('a mistyped command or option gets a did-you-mean, exit 2', async () => {
    const command = await chartroom(['synk']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "synk": did you mean "sync"?');
    const option = await inProcess(['sync', '--forse']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown option --forse for chartroom sync: did you mean --force?');
    expect(option.stderr).toContain('chartroom sync --help');
    const sub = await inProcess(['registry', 'ad', 'x', 'https://x.example']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('did you mean "registry add"?');
    const far = await inProcess(['sync', '--frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown option --frobnicate for chartroom sync');
    expect(far.stderr).not.toContain('did you mean');
  });
});
