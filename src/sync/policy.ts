/**
 * A registry's `verify:` policy made ready for its sync (trust/policy.ts CheckPolicy): its key
 * loaded, its identities, and for cosign the Sigstore trusted root (keyless signatures, bundles,
 * the log of a bundle signed with the key), which the run loads once (sigstoreRootOf) and every
 * cosign registry shares. A key or a root that cannot be
 * used fails the registry, which keeps its catalog.
 */
import type { RegistryDefinition } from '../config/types.ts';
import { needsSigstoreRoot } from '../config/verify-keys.ts';
import { loadSettings } from '../config/settings.ts';
import { loadCheckPolicy, type CheckPolicy } from '../trust/policy.ts';
import { loadSigstoreRoot, type SigstoreTrust } from '../trust/sigstore-root.ts';

/** The policy of `registry`, or undefined without one (trust/policy.ts loadCheckPolicy). */
export async function loadRegistryPolicy(
  root: string,
  registry: RegistryDefinition,
  sigstore: () => Promise<SigstoreTrust>,
): Promise<CheckPolicy | undefined> {
  const verify = registry.verify;
  if (!verify) return undefined;
  return loadCheckPolicy(
    root,
    registry.file,
    verify,
    needsSigstoreRoot(registry) ? await sigstore() : undefined,
  );
}

const roots = new WeakMap<object, Promise<SigstoreTrust>>();

/**
 * The run's trusted root, loaded the first time one of its registries asks for it (`run`: the
 * run's context, which keys it): the file chartroom.yaml names in `trust.sigstoreRoot`, else the
 * one shipped with chartroom. A chartroom.yaml that does not load fails (with its first problem)
 * only the registries that need the root.
 */
export function sigstoreRootOf(run: { root: string }): Promise<SigstoreTrust> {
  let loading = roots.get(run);
  if (!loading) {
    loading = (async () => {
      const { settings, errors } = await loadSettings(run.root);
      if (errors[0]) throw errors[0];
      return loadSigstoreRoot(run.root, settings.trust?.sigstoreRoot);
    })();
    roots.set(run, loading);
  }
  return loading;
}

/**
 * What of a policy the definition hash (sync-one.ts) takes beyond the registry file: the key's
 * digest and the trusted root's, each only when the policy has it (so a key-only definition's
 * hash stays as it was).
 */
export function policyDigests(policy: CheckPolicy | undefined): Record<string, string> {
  return {
    ...(policy?.key ? { keyDigest: policy.key.digest } : {}),
    ...(policy?.sigstore ? { sigstoreRootDigest: policy.sigstore.digest } : {}),
  };
}
