/**
 * The Sigstore trusted root keyless signatures and bundles are verified with: the public-good
 * instance's `trusted_root.json`, shipped in `assets/sigstore/trusted_root.json`, or the file
 * `chartroom.yaml` names in `trust.sigstoreRoot` (a private Sigstore deployment, an air-gapped
 * copy). Read from disk only: verifying needs no network.
 */
import type { TrustMaterial } from '@sigstore/verify';

export interface SigstoreTrust {
  /** in words, for records and messages: `the public-good Sigstore root shipped with chartroom (2025-…)` or the repository path */
  source: string;
  /** the repository path of `trust.sigstoreRoot`; absent for the shipped root */
  path?: string;
  /** sha256:<hex> of the file: a changed root re-checks every keyless signature */
  digest: string;
  material: TrustMaterial;
  /** how many certificate transparency logs the root lists: SCTs are required only when there is one */
  ctlogs: number;
}

/**
 * Loads the shipped root (no `path`) or the repository file at `path` (inside `root`, capped);
 * ChartroomError 'SigstoreRootInvalid' naming the file and what to do when it cannot be used.
 */
export async function loadSigstoreRoot(root: string, path?: string): Promise<SigstoreTrust> {
  void root;
  void path;
  throw new Error('loadSigstoreRoot: not built yet (issue 17, trust helper)');
}
