/**
 * `credential add`'s work: writes `registries/credentials/NAME.yaml`, SOPS-encrypted to the age
 * recipients that .sops.yaml's creation rule names for that file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CREDENTIALS_DIR, credentialFile } from './resolve.ts';
import { creationRuleFor } from './sops/config.ts';
import { encryptSops } from './sops/encrypt.ts';
import type { EncryptionRules } from './sops/tree.ts';

// Only username and password are secrets; hosts stay readable (and MAC-covered) so that
// `validate` can check host bindings on pull requests, which run without the age key.
const DEFAULT_RULES: EncryptionRules = { encryptedRegex: '^(username|password)$' };

export interface NewCredential {
  name: string;
  /** the registry hosts this credential may be sent to */
  hosts: string[];
  username?: string | undefined;
  /** the password or token */
  secret: string;
}

/** Where the credential was written and how many age recipients can read it. */
export interface WrittenCredential {
  file: string;
  recipients: number;
}

export async function addCredential(root: string, credential: NewCredential): Promise<WrittenCredential> {
  const file = credentialFile(credential.name);
  const rule = await creationRuleFor(root, file);
  const rules = hasRules(rule) ? rule : DEFAULT_RULES;
  const data: Record<string, unknown> = { hosts: credential.hosts };
  if (credential.username !== undefined) data.username = credential.username;
  data.password = credential.secret;
  await mkdir(path.join(root, CREDENTIALS_DIR), { recursive: true });
  await writeFile(path.join(root, file), await encryptSops(data, rule.recipients, rules));
  return { file, recipients: rule.recipients.length };
}

function hasRules(rule: EncryptionRules): boolean {
  return Boolean(
    rule.encryptedRegex || rule.unencryptedRegex || rule.encryptedSuffix || rule.unencryptedSuffix,
  );
}
