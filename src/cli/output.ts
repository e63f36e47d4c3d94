/** The only place that writes to the terminal. Plain lines when not a TTY (CI logs), a little colour on one. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly tty: boolean;
}

export function createOutput(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Output {
  const tty = stderr.isTTY === true && process.env.CI === undefined;
  return {
    tty,
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
  };
}

export function paint(tty: boolean, colour: 'red' | 'green' | 'yellow' | 'dim', text: string): string {
  if (!tty) return text;
  const codes = { red: 31, green: 32, yellow: 33, dim: 2 } as const;
  return `\u001b[${codes[colour]}m${text}\u001b[0m`;
}
