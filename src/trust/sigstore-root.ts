/**
 * The Sigstore trusted root keyless signatures and bundles are verified with: the public-good
 * instance's `trusted_root.json`, shipped in `assets/sigstore/trusted_root.json`, or the file
 * `chartroom.yaml` names in `trust.sigstoreRoot` (a private Sigstore deployment, an air-gapped
 * copy). Read from disk only: verifying needs no network.
 *
 * The shipped file is the `trusted_root.json` target of the public-good TUF repository as
 * `@sigstore/tuf` carries it in its `seeds.json` (`npm run sigstore-root` writes it again).
 */
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type KeyFinderFunc, type TrustMaterial } from '@sigstore/verify';
import { ChartroomError } from '../errors.ts';
import { insideRepository } from '../inside-repository.ts';

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

/** A trusted root larger than this is not one (the public-good root is ~7 KiB). */
export const MAX_SIGSTORE_ROOT_BYTES = 1024 * 1024;

/** At most this many authorities of each kind, and certificates in one chain. */
const MAX_AUTHORITIES = 64;
const MAX_CHAIN = 10;

export const SHIPPED_ROOT_URL = new URL('../../assets/sigstore/trusted_root.json', import.meta.url);

const HINT =
  'name a Sigstore `trusted_root.json` (`application/vnd.dev.sigstore.trustedroot+json`) committed in the repository, or drop `trust.sigstoreRoot` to use the public-good root shipped with chartroom';

function invalid(where: string, what: string): ChartroomError {
  return new ChartroomError('SigstoreRootInvalid', `${where} ${what}`, { hint: HINT });
}

/** No key outside the root: a bundle's `publicKey` hint verifies only with a policy's key (see withKey). */
const noKeys: KeyFinderFunc = (hint) => {
  throw Object.assign(new Error(`key not found: ${hint.slice(0, 100)}`), { code: 'PUBLIC_KEY_ERROR' });
};

/**
 * Parses trusted-root JSON into what the verifier needs. `where` names it in messages
 * (`chartroom.yaml: trust.sigstoreRoot "x"`); ChartroomError 'SigstoreRootInvalid' when unusable.
 */
export function sigstoreTrustFrom(
  bytes: Buffer,
  where: string,
  source: string,
  path?: string,
): SigstoreTrust {
  if (bytes.length > MAX_SIGSTORE_ROOT_BYTES) {
    throw invalid(where, `is larger than ${MAX_SIGSTORE_ROOT_BYTES} bytes: it is not a trusted root`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(where, 'is not JSON');
  }
  const object = json as Record<string, unknown> | null;
  const mediaType = typeof object === 'object' && object !== null ? object.mediaType : undefined;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw invalid(
      where,
      'is not a Sigstore trusted root (its mediaType is not application/vnd.dev.sigstore.trustedroot+json…)',
    );
  }
  for (const field of ['tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities']) {
    const list = object![field];
    if (list !== undefined && (!Array.isArray(list) || list.length > MAX_AUTHORITIES)) {
      throw invalid(where, `has a ${field} that is not a list of at most ${MAX_AUTHORITIES}`);
    }
  }
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(TrustedRoot.fromJSON(json), noKeys);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw invalid(where, `does not parse as a trusted root: ${why.slice(0, 200)}`);
  }
  if (material.certificateAuthorities.length === 0) {
    throw invalid(where, 'lists no certificate authority (Fulcio): no keyless certificate could chain to it');
  }
  if (material.tlogs.length === 0) {
    throw invalid(where, 'lists no transparency log (Rekor): no signature could be shown to be logged');
  }
  const longChain = [...material.certificateAuthorities, ...material.timestampAuthorities].some(
    (ca) => ca.certChain.length === 0 || ca.certChain.length > MAX_CHAIN,
  );
  if (longChain) throw invalid(where, `has a certificate chain that is empty or longer than ${MAX_CHAIN}`);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const trust: SigstoreTrust = { source, digest, material, ctlogs: material.ctlogs.length };
  if (path !== undefined) trust.path = path;
  return trust;
}

/** The newest `validFor.start` a root lists, YYYY-MM-DD: the date a shipped root is known by. */
export function rootDate(bytes: Buffer): string | undefined {
  const starts = [...bytes.toString('utf8').matchAll(/"start"\s*:\s*"(\d{4}-\d\d-\d\d)T/g)].map((m) => m[1]!);
  return starts.sort().at(-1);
}

let shipped: Promise<SigstoreTrust> | undefined;

async function loadShipped(): Promise<SigstoreTrust> {
  const bytes = await readFile(fileURLToPath(SHIPPED_ROOT_URL));
  const date = rootDate(bytes);
  const source = `the public-good Sigstore root shipped with chartroom${date ? ` (${date})` : ''}`;
  return sigstoreTrustFrom(bytes, `the shipped ${fileURLToPath(SHIPPED_ROOT_URL)}`, source);
}

/**
 * Loads the shipped root (no `path`) or the repository file at `path` (inside `root`, capped);
 * ChartroomError 'SigstoreRootInvalid' naming the file and what to do when it cannot be used.
 */
export async function loadSigstoreRoot(root: string, path?: string): Promise<SigstoreTrust> {
  if (path === undefined) {
    shipped ??= loadShipped();
    return shipped.catch((error: unknown) => {
      shipped = undefined;
      throw error;
    });
  }
  const where = `chartroom.yaml: trust.sigstoreRoot ${JSON.stringify(path)}`;
  const inside = await insideRepository(root, path);
  if ('refused' in inside) throw invalid(where, inside.refused);
  const stat = await lstat(inside.real).catch(() => undefined);
  if (!stat?.isFile()) throw invalid(where, stat ? 'is not a file' : 'does not exist');
  if (stat.size > MAX_SIGSTORE_ROOT_BYTES) {
    throw invalid(where, `is larger than ${MAX_SIGSTORE_ROOT_BYTES} bytes: it is not a trusted root`);
  }
  return sigstoreTrustFrom(await readFile(inside.real), where, path, path);
}
