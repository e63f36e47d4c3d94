/**
 * `chartroom credential add` and `rotate`: arguments, the secret from stdin, and what was
 * written; the work is src/credentials/.
 */
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { UsageError } from '../../errors.ts';
import { addCredential } from '../../credentials/add.ts';
import type { Env } from '../../credentials/resolve.ts';
import { rotateCredentials } from '../../credentials/rotate.ts';
import { REGISTRY_NAME } from '../../config/load.ts';
import { parseCommand, usageLine, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const CREDENTIAL_HELP = {
  add: {
    command: 'credential add',
    args: 'NAME',
    summary:
      'Reads a password or token from stdin (never from the command line) and writes it to registries/credentials/NAME.yaml, encrypted with SOPS to the age recipients .sops.yaml names. A registry uses it with credential: NAME.',
    options: {
      host: {
        type: 'string',
        multiple: true,
        required: true,
        value: 'H',
        does: 'a registry host the credential may be sent to (host or host:port)',
      },
      username: { type: 'string', value: 'U', does: 'the username (default: none, for a token)' },
    },
    notes: [
      'example: printf %s "$TOKEN" | chartroom credential add acme --host charts.acme.example --username ci',
    ],
  },
  rotate: {
    command: 'credential rotate',
    summary:
      'Re-encrypts every SOPS credential file to the recipients .sops.yaml names now, with a new data key. Needs an age key that can decrypt them (SOPS_AGE_KEY or SOPS_AGE_KEY_FILE).',
    options: {},
  },
} as const satisfies Record<string, CommandHelp>;

export async function credentialCommand(
  root: string,
  args: string[],
  output: Output,
  io: { stdin: NodeJS.ReadableStream; env: Env } = { stdin: process.stdin, env: process.env },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(root, rest, output, io.stdin);
  if (sub === 'rotate') return rotate(root, rest, output, io.env);
  throw new UsageError(
    `credential needs a subcommand: ${usageLine(CREDENTIAL_HELP.add)} | ${usageLine(CREDENTIAL_HELP.rotate)}`,
  );
}

const recipientsOf = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

async function add(
  root: string,
  args: string[],
  output: Output,
  stdin: NodeJS.ReadableStream,
): Promise<number> {
  const { values, positionals } = parseCommand(CREDENTIAL_HELP.add, args);
  const name = positionals[0];
  if (!name || positionals.length > 1 || !REGISTRY_NAME.test(name))
    throw new UsageError(`credential add needs one NAME of lowercase letters, digits and dashes`);
  if (!values.host?.length)
    throw new UsageError('credential add needs --host (the registry host this credential may be sent to)');
  // like registry add, it may start registries/; its own need, .sops.yaml, is said by addCredential
  await requireCatalogRepository(root, { starting: true });
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
  parseCommand(CREDENTIAL_HELP.rotate, args);
  await requireCatalogRepository(root);
  const count = await rotateCredentials(root, env, (file, recipients) =>
    output.out(`re-encrypted ${file} to ${recipientsOf(recipients, 'recipient')}`),
  );
  output.out(`${count} credential file${count === 1 ? '' : 's'} rotated`);
  return 0;
}
