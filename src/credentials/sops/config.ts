/**
 * `.sops.yaml`: the first `creation_rules` entry whose `path_regex` matches the file (relative to
 * the repository root) gives the age recipients, as the sops CLI chooses them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ChartroomError } from '../../errors.ts';
import { rulesFrom, type EncryptionRules } from './tree.ts';

export interface CreationRule extends EncryptionRules {
  recipients: string[];
}

export async function creationRuleFor(root: string, file: string): Promise<CreationRule> {
  let config: unknown;
  try {
    config = parse(await readFile(path.join(root, '.sops.yaml'), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ChartroomError(
      'SopsConfigMissing',
      missing
        ? '.sops.yaml does not exist: create .sops.yaml naming the age recipients to encrypt credentials to, or run chartroom init (it writes one)'
        : `.sops.yaml does not parse: ${(error as Error).message}`,
      {
        hint: 'a .sops.yaml with creation_rules: [{path_regex: registries/credentials/.*\\.yaml$, age: age1…}]',
      },
    );
  }
  const rules = (config as { creation_rules?: unknown } | null)?.creation_rules;
  if (!Array.isArray(rules))
    throw new ChartroomError('SopsConfigInvalid', '.sops.yaml has no creation_rules list');
  const rel = file.split(path.sep).join('/');
  for (const rule of rules as Array<Record<string, unknown>>) {
    if (typeof rule.path_regex === 'string' && !new RegExp(rule.path_regex).test(rel)) continue;
    const recipients = ageRecipients(rule);
    if (recipients.length === 0) continue;
    return { recipients, ...rulesFrom(rule) };
  }
  throw new ChartroomError(
    'SopsConfigInvalid',
    `no creation_rules entry in .sops.yaml with age recipients matches ${rel}`,
  );
}

function ageRecipients(rule: Record<string, unknown>): string[] {
  const split = (v: unknown): string[] =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : Array.isArray(v)
        ? v.flatMap(split)
        : [];
  const groups = Array.isArray(rule.key_groups)
    ? (rule.key_groups as Array<Record<string, unknown>>).flatMap((g) => split(g.age))
    : [];
  return [...split(rule.age), ...groups];
}
