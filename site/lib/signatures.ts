/**
 * A version's signatures in words, the same wherever the site shows them (the badge on chart and
 * version pages, the versions table's column, the search filter): from the catalog's
 * `signatures`, `policy` and `policyError` and the registry's `verify` (src/catalog/types.ts).
 *
 * - refused: the version failed its registry's policy and the policy is `required` (kept in the
 *   catalog, never offered for install);
 * - verified: at least one signature verified (by whom: the first verified one; a keyless
 *   signature or a Sigstore bundle by its certificate's identity and issuer);
 * - signed: signatures, none verified (why: the first one's reason; a Notation signature is
 *   only detected, never verified, and says so);
 * - unsigned: `signatures: []`, checked and none found;
 * - nothing when `signatures` is absent: not checked (an older catalog).
 *
 * Every string here comes from upstream (a signer's user ID, a reason quoting a server) and is
 * only ever rendered as text. A record of the wrong shape (no `verified`, an unknown kind, not an
 * object at all) is read as far as it goes: it never throws, so one odd record never breaks a build.
 */
import { isRefused as isRefusedUnder } from '../../src/catalog/refused.ts';
import type { CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';
import { oneLine } from './format.ts';

export type SignatureState = 'verified' | 'signed' | 'unsigned' | 'refused';

/** The values of the `signature` search filter, in the order the search form offers them. */
export const SIGNATURE_STATES: readonly SignatureState[] = ['verified', 'signed', 'unsigned', 'refused'];

export interface SignatureLine {
  kind: string;
  verified: boolean;
  /** in words: "Helm provenance", "cosign", "cosign (keyless)", "Sigstore bundle", "Notation" */
  kindLabel: string;
  /** a certificate's signature (keyless cosign, a Sigstore bundle): `identity` is its SAN, `issuer` its OIDC issuer */
  keyless: boolean;
  signer?: string;
  /** shortened for the eye; `identity` keeps the whole of it (shown in a title) */
  identityShort?: string;
  identity?: string;
  issuer?: string;
  reason?: string;
}

export interface SignatureBadge {
  state: SignatureState;
  /** the badge's text: "signed · verified", "signed · not verified", "unsigned", "refused by policy" */
  label: string;
  /** the badge's class beside `badge` */
  level: 'ok' | 'warn' | 'bad' | 'plain';
  /** one sentence: by whom, or why not */
  detail: string;
  /** refused: the policy error's code and message */
  policyError?: { code: string; message: string };
  /** the version failed a policy that is not required (so it is no refusal): why */
  policyNote?: { code: string; message: string };
  /** every signature recorded, for a details list */
  lines: SignatureLine[];
}

/**
 * Upstream text is bounded for display: a reason or policy message names the chart, the registry
 * file and what to do, well under this; a 100 KB user ID would only break the layout.
 */
const MAX_TEXT = 1000;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const flat = oneLine(value);
  if (!flat) return undefined;
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat;
}

const KIND_LABELS: Record<string, string> = {
  helm: 'Helm provenance',
  cosign: 'cosign',
  sigstore: 'Sigstore bundle',
  notation: 'Notation',
};

export function kindLabel(kind: unknown): string {
  if (typeof kind === 'string' && Object.hasOwn(KIND_LABELS, kind)) return KIND_LABELS[kind]!;
  const named = text(kind);
  return named ? `unknown kind ${named.slice(0, 40)}` : 'unknown kind';
}

/**
 * An identity short enough to read: an OpenPGP fingerprint as its long key ID (the last 16 hex
 * digits, in groups of four), `sha256:<hex>` as its first 12 hex digits, anything else (a
 * certificate's SAN) cut at 60 characters.
 */
export function shortIdentity(identity: string): string {
  const compact = identity.replace(/\s+/g, '');
  if (/^[0-9A-Fa-f]{40}$|^[0-9A-Fa-f]{64}$/.test(compact)) {
    const keyId = compact.slice(-16).toUpperCase();
    return `key ${keyId.match(/.{4}/g)!.join(' ')}`;
  }
  const digest = /^sha256:([0-9a-f]{12})[0-9a-f]*$/i.exec(compact);
  if (digest) return `sha256:${digest[1]!.toLowerCase()}…`;
  return identity.length > 60 ? `${identity.slice(0, 57)}…` : identity;
}

function line(record: unknown): SignatureLine | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  const kind = typeof r.kind === 'string' ? r.kind : '';
  const signer = text(r.signer);
  const identity = text(r.identity);
  const issuer = text(r.issuer);
  const reason = text(r.reason);
  // the sync records an issuer only for a certificate (keyless .sig, bundle)
  const keyless = issuer !== undefined && (kind === 'cosign' || kind === 'sigstore');
  return {
    kind,
    verified: r.verified === true,
    kindLabel: keyless && kind === 'cosign' ? 'cosign (keyless)' : kindLabel(r.kind),
    keyless,
    ...(signer ? { signer } : {}),
    ...(identity ? { identity, identityShort: shortIdentity(identity) } : {}),
    ...(issuer ? { issuer } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** The registry's policy requires it and the version failed it: never offered for install. */
export function isRefused(version: CatalogVersion | undefined, registry: CatalogRegistry): boolean {
  return version !== undefined && isRefusedUnder(version, registry.verify?.required === true);
}

/**
 * "by <signer> (<identity>, <kind>)" for a verified signature; a keyless one "by <identity>
 * (issuer <issuer>, <kind>)": who signed is the certificate's identity, not a key.
 */
export function verifiedBy(l: SignatureLine): string {
  if (l.keyless) {
    const who = l.identity ? `by ${l.identityShort}` : 'by an unnamed identity';
    return `${who} (issuer ${l.issuer}, ${l.kindLabel})`;
  }
  const about = [l.identityShort, l.kindLabel].filter(Boolean).join(', ');
  return `${l.signer ? `by ${l.signer}` : 'by an unnamed signer'} (${about})`;
}

function policyErrorOf(version: CatalogVersion): { code: string; message: string } {
  const raw = version.policyError as unknown;
  const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    code: text(r.code) ?? 'PolicyFailed',
    message: text(r.message) ?? 'the version does not pass the registry’s signature policy',
  };
}

/** The version's badge; undefined when its signatures were not checked (nothing is shown). */
export function signatureBadge(
  version: CatalogVersion | undefined,
  registry: CatalogRegistry,
): SignatureBadge | undefined {
  if (!version) return undefined;
  const raw = version.signatures as unknown;
  const lines = Array.isArray(raw)
    ? raw.map(line).filter((l): l is SignatureLine => l !== undefined)
    : undefined;
  if (isRefused(version, registry)) {
    const policyError = policyErrorOf(version);
    return {
      state: 'refused',
      label: 'refused by policy',
      level: 'bad',
      detail: `${policyError.code}: ${policyError.message}`,
      policyError,
      lines: lines ?? [],
    };
  }
  if (!lines) return undefined;
  const note = version.policy === 'failed' ? { policyNote: policyErrorOf(version) } : {};
  const verified = lines.find((l) => l.verified);
  if (verified)
    return {
      state: 'verified',
      label: 'signed · verified',
      level: 'ok',
      detail: `Signed and verified ${verifiedBy(verified)}.`,
      lines,
      ...note,
    };
  if (lines.length > 0) {
    // a signature chartroom could verify says more than a Notation one it only detects
    const first = lines.find((l) => l.kind !== 'notation') ?? lines[0]!;
    const said =
      first.kind === 'notation'
        ? `Notation signature detected, not verified: ${first.reason ?? 'chartroom does not verify Notation signatures'}`
        : `${first.kindLabel} signature, not verified: ${first.reason ?? 'no reason was recorded'}`;
    return {
      state: 'signed',
      label: 'signed · not verified',
      level: 'warn',
      detail: said,
      lines,
      ...note,
    };
  }
  return {
    state: 'unsigned',
    label: 'unsigned',
    level: 'plain',
    detail: 'No signature was found.',
    lines,
    ...note,
  };
}

/**
 * The version a chart page offers for install: `preferred` (the latest) unless the policy refuses
 * it, else the newest version that is not refused (the sync never makes a refused version
 * latest; this guards a catalog that says otherwise). Undefined: every version is refused.
 */
export function installableVersion(
  versions: readonly CatalogVersion[],
  registry: CatalogRegistry,
  preferred: string | undefined,
): CatalogVersion | undefined {
  const wanted = versions.find((v) => v.version === preferred);
  if (wanted && !isRefused(wanted, registry)) return wanted;
  return versions.find((v) => !isRefused(v, registry));
}

export interface PolicyWords {
  provider: string;
  /** the key's path in the catalog repository; absent for a keyless-only cosign policy */
  key?: string;
  /** cosign: the identities keyless signatures and bundles must have, as the registry file gives them */
  identities: { issuer: string; subject: string }[];
  /** with identities: the Sigstore trusted root they were verified under, in words */
  sigstoreRoot?: string;
  required: boolean;
}

/** The registry's policy in words, for its page; undefined without one. */
export function policyWords(registry: CatalogRegistry): PolicyWords | undefined {
  const verify = registry.verify as unknown;
  if (typeof verify !== 'object' || verify === null) return undefined;
  const v = verify as Record<string, unknown>;
  const key = text(v.key);
  const identities = (Array.isArray(v.matchOIDCIdentity) ? v.matchOIDCIdentity : [])
    .slice(0, 16)
    .flatMap((entry: unknown) => {
      const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const issuer = text(e.issuer);
      const subject = text(e.subject);
      return issuer && subject ? [{ issuer, subject }] : [];
    });
  const sigstoreRoot = text(v.sigstoreRoot);
  const cosign = [key ? 'public key' : undefined, identities.length > 0 ? 'keyless' : undefined]
    .filter(Boolean)
    .join(' or ');
  const provider =
    v.provider === 'helm'
      ? 'Helm provenance (OpenPGP keyring)'
      : v.provider === 'cosign'
        ? `cosign (${cosign || 'no key recorded'})`
        : kindLabel(v.provider);
  return {
    provider,
    ...(key || identities.length === 0 ? { key: key ?? '(no key recorded)' } : {}),
    identities,
    ...(identities.length > 0 && sigstoreRoot ? { sigstoreRoot } : {}),
    required: v.required === true,
  };
}
