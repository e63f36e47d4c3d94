/**
 * Walks a SOPS document the way sops does (document order, keys as path, list items share
 * their parent's path, nulls skipped, the top-level `sops` key excluded) and decides, per
 * value, whether sops encrypts it (unencrypted_suffix, encrypted_suffix, unencrypted_regex,
 * encrypted_regex). Works on the `yaml` package's document model so key order (which the MAC
 * covers) is kept even for numeric keys, which plain JS objects would reorder.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { ChartroomError } from '../../errors.ts';

export interface EncryptionRules {
  unencryptedSuffix?: string | undefined;
  encryptedSuffix?: string | undefined;
  unencryptedRegex?: string | undefined;
  encryptedRegex?: string | undefined;
}

/**
 * The rules as sops writes them, in .sops.yaml's creation rules and in a file's metadata; an empty
 * string is no rule.
 */
export function rulesFrom(raw: Record<string, unknown>): EncryptionRules {
  const rule = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    unencryptedSuffix: rule(raw.unencrypted_suffix),
    encryptedSuffix: rule(raw.encrypted_suffix),
    unencryptedRegex: rule(raw.unencrypted_regex),
    encryptedRegex: rule(raw.encrypted_regex),
  };
}

export interface Leaf {
  node: Scalar;
  path: string[];
  encrypted: boolean;
}

export function leaves(root: Node | null, rules: EncryptionRules): Leaf[] {
  const out: Leaf[] = [];
  const visit = (node: unknown, path: string[], top: boolean) => {
    if (node === null || node === undefined) return;
    if (isAlias(node))
      throw new ChartroomError('SopsInvalid', 'SOPS files with YAML aliases are not supported');
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (top && key === 'sops') continue;
        visit(pair.value, [...path, key], false);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, path, false);
    } else if (isScalar(node)) {
      if (node.value === null) return;
      out.push({ node, path, encrypted: shouldBeEncrypted(path, rules) });
    }
  };
  visit(root, [], true);
  return out;
}

export function shouldBeEncrypted(path: string[], rules: EncryptionRules): boolean {
  let encrypted = true;
  const { unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex } = rules;
  if (unencryptedSuffix && path.some((p) => p.endsWith(unencryptedSuffix))) encrypted = false;
  if (encryptedSuffix) encrypted = path.some((p) => p.endsWith(encryptedSuffix));
  if (unencryptedRegex && path.some((p) => new RegExp(unencryptedRegex).test(p))) encrypted = false;
  if (encryptedRegex) encrypted = path.some((p) => new RegExp(encryptedRegex).test(p));
  return encrypted;
}

export const aadOf = (path: string[]) => `${path.join(':')}:`;
