/**
 * `chartroom credential add` and `rotate`: arguments, the secret from stdin, and what was
 * written; the work is src/credentials/.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.ts';
import { addCredential } from '../../credentials/add.ts';
import type { Env } from '../../credentials/resolve.ts';
import { rotateCredentials } from '../../credentials/rotate.ts';
import { REGISTRY_NAME } from '../../config/load.ts';
import type { Output } from '../output.ts';

export const CREDENTIAL_USAGE =
  'chartroom credential add NAME --host H [--host H]... [--username U] < secret | credential rotate';

export async function credentialCommand(
  root: string,
  args: string[],
  output: Output,
  io: { stdin: NodeJS.ReadableStream; env: Env } = { stdin: process.stdin, env: process.env },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(root, rest, output, io.stdin);
  if (sub === 'rotate') return rotate(root, rest, output, io.env);
  throw new UsageError(`credential needs a subcommand: ${CREDENTIAL_USAGE}`);
}

const recipientsOf = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

async function add(
  root: string,
  args: string[],
  output: Output,
  stdin: NodeJS.ReadableStream,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { host: { type: 'string', multiple: true }, username: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const name = positionals[0];
  if (!name || positionals.length > 1 || !REGISTRY_NAME.test(name))
    throw new UsageError(`credential add needs one NAME of lowercase letters, digits and dashes`);
  if (!values.host?.length)
    throw new UsageError('credential add needs --host (the registry host this credential may be sent to)');
  if ((stdin as { isTTY?: boolean }).isTTY) output.err('secret (password or token), then Ctrl-D:');
  // The secret comes from stdin only: argv is visible to other processes and shell history.
  let secret = '';
  for await (const chunk of stdin) secret += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  secret = secret.replace(/\r?\n$/, '');
  if (secret === '') throw new UsageError('no secret on stdin: pipe the password or token in');
  const written = await addCredential(root, { name, hosts: values.host, username: values.username, secret });
  output.out(
    `wrote ${written.file}, encrypted to ${recipientsOf(written.recipients, 'age recipient')} (hosts: ${values.host.join(', ')})`,
  );
  return 0;
}

async function rotate(root: string, args: string[], output: Output, env: Env): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const count = await rotateCredentials(root, env, (file, recipients) =>
    output.out(`re-encrypted ${file} to ${recipientsOf(recipients, 'recipient')}`),
  );
  output.out(`${count} credential file${count === 1 ? '' : 's'} rotated`);
  return 0;
}
