/**
 * A registry's `verify:` policy made ready to check versions with: its key loaded (keys.ts), its
 * `matchOIDCIdentity` regular expressions checked (identity.ts), the Sigstore trusted root it
 * verifies keyless signatures and bundles with. Loaded once per registry and run.
 */
import { ChartroomError } from '../errors.ts';
import { checkIdentityPattern } from './identity.ts';
import { loadPolicyKey, type PolicyKey } from './keys.ts';
import { loadSigstoreRoot, type SigstoreTrust } from './sigstore-root.ts';
import type { OidcIdentity, VerifyPolicy } from './types.ts';

export interface CheckPolicy {
  provider: VerifyPolicy['provider'];
  /** the policy's key, when it names one (helm always) */
  key?: PolicyKey | undefined;
  /** cosign: the identities a keyless signature or a bundle may have */
  identities?: readonly OidcIdentity[] | undefined;
  /** cosign: the trusted root (keyless signatures, bundles, and the log of a bundle signed with the key) */
  sigstore?: SigstoreTrust | undefined;
  required: boolean;
}

/**
 * Loads `policy` of `registryFile`: the key (VerifyKeyInvalid when unusable), the identities
 * (ConfigInvalid for one that is not an RE2 pattern; config/load.ts reports those first, with
 * file:line:col), and for cosign the Sigstore root: `sigstore` (the run's, loaded once with
 * loadSigstoreRoot) or else the shipped public-good root.
 */
export async function loadCheckPolicy(
  root: string,
  registryFile: string,
  policy: VerifyPolicy,
  sigstore?: SigstoreTrust,
): Promise<CheckPolicy> {
  const identities = policy.matchOIDCIdentity ?? [];
  if (policy.provider === 'helm' && identities.length > 0) {
    throw new ChartroomError(
      'ConfigInvalid',
      `${registryFile}: verify.matchOIDCIdentity is for cosign signatures; a helm policy verifies with verify.key`,
    );
  }
  if (policy.key === undefined && (policy.provider === 'helm' || identities.length === 0)) {
    throw new ChartroomError(
      'ConfigInvalid',
      policy.provider === 'helm'
        ? `${registryFile}: verify.key is required for provider helm (an OpenPGP keyring in the repository)`
        : `${registryFile}: verify needs key, matchOIDCIdentity or both for provider cosign`,
    );
  }
  identities.forEach((identity, index) => {
    for (const field of ['issuer', 'subject'] as const) {
      const wrong = checkIdentityPattern(identity[field]);
      if (wrong !== undefined) {
        throw new ChartroomError(
          'ConfigInvalid',
          `${registryFile}: verify.matchOIDCIdentity item ${index + 1}: ${field} ${JSON.stringify(identity[field].slice(0, 100))} is not an RE2 regular expression (${wrong})`,
        );
      }
    }
  });
  const key =
    policy.key === undefined
      ? undefined
      : await loadPolicyKey(root, registryFile, {
          provider: policy.provider,
          key: policy.key,
          required: policy.required,
        });
  const loaded: CheckPolicy = { provider: policy.provider, required: policy.required };
  if (key) loaded.key = key;
  if (policy.provider === 'cosign') {
    if (identities.length > 0)
      loaded.identities = identities.map(({ issuer, subject }) => ({ issuer, subject }));
    loaded.sigstore = sigstore ?? (await loadSigstoreRoot(root));
  }
  return loaded;
}
