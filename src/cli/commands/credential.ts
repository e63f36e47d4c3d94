import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.ts';
import { CREDENTIALS_DIR, credentialFile, type Env } from '../../credentials/resolve.ts';
import { loadIdentities } from '../../credentials/sops/age-identities.ts';
import { creationRuleFor } from '../../credentials/sops/config.ts';
import { decryptSops, parseSopsDocument } from '../../credentials/sops/decrypt.ts';
import { encryptSops } from '../../credentials/sops/encrypt.ts';
import type { EncryptionRules } from '../../credentials/sops/tree.ts';
import { REGISTRY_NAME } from '../../config/load.ts';
import type { Output } from '../output.ts';

export const CREDENTIAL_USAGE =
  'chartroom credential add NAME --host H [--host H]... [--username U] < secret | credential rotate';

// Only username and password are secrets; hosts stay readable (and MAC-covered) so that
// `validate` can check host bindings on pull requests, which run without the age key.
const DEFAULT_RULES: EncryptionRules = { encryptedRegex: '^(username|password)$' };

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
  const file = credentialFile(name);
  const rule = await creationRuleFor(root, file);
  const rules = hasRules(rule) ? rule : DEFAULT_RULES;
  const data: Record<string, unknown> = { hosts: values.host };
  if (values.username !== undefined) data.username = values.username;
  data.password = secret;
  await mkdir(path.join(root, CREDENTIALS_DIR), { recursive: true });
  await writeFile(path.join(root, file), await encryptSops(data, rule.recipients, rules));
  output.out(
    `wrote ${file}, encrypted to ${rule.recipients.length} age recipient${rule.recipients.length === 1 ? '' : 's'} (hosts: ${values.host.join(', ')})`,
  );
  return 0;
}

/** Re-encrypts every SOPS credential to the recipients .sops.yaml names now, with a new data key. */
async function rotate(root: string, args: string[], output: Output, env: Env): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const identities = await loadIdentities(env);
  let names: string[] = [];
  try {
    names = (await readdir(path.join(root, CREDENTIALS_DIR))).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    // nothing to rotate
  }
  let count = 0;
  for (const name of names) {
    const file = path.posix.join(CREDENTIALS_DIR, name);
    const text = await readFile(path.join(root, file), 'utf8');
    if (!/^sops:/m.test(text)) continue;
    const { meta } = parseSopsDocument(text, file);
    const data = await decryptSops(text, file, identities);
    const rule = await creationRuleFor(root, file);
    await writeFile(path.join(root, file), await encryptSops(data, rule.recipients, meta));
    output.out(
      `re-encrypted ${file} to ${rule.recipients.length} recipient${rule.recipients.length === 1 ? '' : 's'}`,
    );
    count++;
  }
  output.out(`${count} credential file${count === 1 ? '' : 's'} rotated`);
  return 0;
}

function hasRules(rule: EncryptionRules): boolean {
  return Boolean(
    rule.encryptedRegex || rule.unencryptedRegex || rule.encryptedSuffix || rule.unencryptedSuffix,
  );
}
