/**
 * A registry's `verify:` policy made ready to check versions with: its key loaded (keys.ts), its
 * `matchOIDCIdentity` regular expressions compiled, the Sigstore trusted root it verifies keyless
 * signatures and bundles with. Loaded once per registry and run.
 */
import type { PolicyKey } from './keys.ts';
import type { SigstoreTrust } from './sigstore-root.ts';
import type { OidcIdentity, VerifyPolicy } from './types.ts';

export interface CheckPolicy {
  provider: VerifyPolicy['provider'];
  /** the policy's key, when it names one (helm always) */
  key?: PolicyKey | undefined;
  /** cosign: the identities a keyless signature or a bundle may have */
  identities?: readonly OidcIdentity[] | undefined;
  /** cosign with identities: the trusted root */
  sigstore?: SigstoreTrust | undefined;
  required: boolean;
}
