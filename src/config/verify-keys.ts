/**
 * Whether each registry's `verify.key` loads as the key its provider needs (trust/keys.ts), as
 * a configuration problem placed at the key's value: `validate` reports it with the file's
 * other problems. The sync loads the key itself, once per registry and run (sync-one.ts).
 */
import { ConfigError, isChartroomError } from '../errors.ts';
import { loadPolicyKey } from '../trust/keys.ts';
import { fieldPosition } from './field-positions.ts';
import type { RegistryDefinition } from './types.ts';

/** The registries whose key loads, and a problem for each one whose key does not. */
export async function checkPolicyKeys(
  root: string,
  registries: readonly RegistryDefinition[],
): Promise<{ registries: RegistryDefinition[]; errors: ConfigError[] }> {
  const errors: ConfigError[] = [];
  const ok: RegistryDefinition[] = [];
  for (const registry of registries) {
    if (registry.verify?.key === undefined) {
      ok.push(registry);
      continue;
    }
    try {
      await loadPolicyKey(root, registry.file, { ...registry.verify, key: registry.verify.key });
      ok.push(registry);
    } catch (error) {
      if (!isChartroomError(error) || error.code !== 'VerifyKeyInvalid') throw error;
      // loadPolicyKey names the file; here it is placed at the key's value instead
      const message = error.message.replace(`${registry.file}: `, '');
      errors.push(
        new ConfigError(
          registry.file,
          fieldPosition(registry, 'verify.key'),
          `${message} (VerifyKeyInvalid)`,
          error.hint,
          error,
        ),
      );
    }
  }
  return { registries: ok, errors };
}

/** How `validate` shows a policy: `, verify helm keys/helm.asc (required)`; '' without one. */
export function policyWords(registry: RegistryDefinition): string {
  const { verify } = registry;
  if (!verify) return '';
  return `, verify ${verify.provider} ${verify.key} (${verify.required ? 'required' : 'not required: recorded only'})`;
}
