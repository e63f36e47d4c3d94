/**
 * Whether each registry's `verify.key` loads as the key its provider needs (trust/keys.ts), as
 * a configuration problem placed at the key's value, and whether the Sigstore trusted root loads
 * (trust/sigstore-root.ts): `validate` reports them with the files' other problems. The sync loads
 * the key itself, once per registry and run, and the root once per run (sync-one.ts, run.ts).
 */
import { ConfigError, isChartroomError } from '../errors.ts';
import { loadPolicyKey } from '../trust/keys.ts';
import { loadSigstoreRoot, type SigstoreTrust } from '../trust/sigstore-root.ts';
import type { OidcIdentity } from '../trust/types.ts';
import { SETTINGS_FILE, type SettingsResult } from './settings.ts';
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

/**
 * Whether a registry's policy verifies with the Sigstore trusted root: every cosign policy does
 * (keyless signatures and bundles under matchOIDCIdentity, and the log entry of a bundle signed
 * with the key), a helm one never.
 */
export const needsSigstoreRoot = (registry: RegistryDefinition) => registry.verify?.provider === 'cosign';

/**
 * The Sigstore trusted root, loaded when a registry has a cosign policy or chartroom.yaml names
 * one (`trust.sigstoreRoot`); a root that cannot be used is a problem of chartroom.yaml.
 */
export async function checkSigstoreRoot(
  root: string,
  { settings, sigstoreRootAt }: SettingsResult,
  registries: readonly RegistryDefinition[],
): Promise<{ trust?: SigstoreTrust; error?: ConfigError }> {
  const file = settings.trust?.sigstoreRoot;
  if (file === undefined && !registries.some(needsSigstoreRoot)) return {};
  try {
    return { trust: await loadSigstoreRoot(root, file) };
  } catch (error) {
    if (!isChartroomError(error)) throw error;
    // the loader names the file; here it is placed at the setting that names it
    const message = error.message.replace(`${SETTINGS_FILE}: `, '');
    return {
      error: new ConfigError(SETTINGS_FILE, sigstoreRootAt, `${message} (${error.code})`, error.hint, error),
    };
  }
}

/**
 * How `validate` shows a policy: `, verify helm keys/helm.asc (required)`, or for keyless cosign
 * `, verify cosign keys/cosign.pub or keyless (issuer ^https://… subject ^https://…) (required)`;
 * '' without one.
 */
export function policyWords(registry: RegistryDefinition): string {
  const { verify } = registry;
  if (!verify) return '';
  const identities = verify.matchOIDCIdentity ?? [];
  const means = [
    ...(verify.key !== undefined ? [verify.key] : []),
    ...(identities.length > 0 ? [`keyless (${identities.map(identityWords).join('; ')})`] : []),
  ].join(' or ');
  return `, verify ${verify.provider} ${means} (${verify.required ? 'required' : 'not required: recorded only'})`;
}

const identityWords = ({ issuer, subject }: OidcIdentity) => `issuer ${issuer} subject ${subject}`;

/** `validate`'s line for the trusted root it loaded: where it comes from and its digest. */
export const sigstoreRootWords = (trust: SigstoreTrust) =>
  `ok Sigstore trusted root: ${trust.source} (${trust.digest}${trust.ctlogs === 0 ? ', no CT log: certificate transparency not required' : ''})`;
