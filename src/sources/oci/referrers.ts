/**
 * OCI referrers of a chart version's manifest (OCI distribution spec 1.1): the manifests whose
 * `subject` is the version, as cosign 3 (Sigstore bundles), cosign's OCI-1.1 mode and Notation
 * push them. Found, bounded and digest-checked here; verified (or, Notation, recorded) in trust/.
 *
 * Discovery: `GET /v2/<name>/referrers/<digest>` where the registry has the API. A registry
 * without it (docker-registry 2.8 answers 404) is probed once per run (the source lives for one
 * registry in one sync; concurrent look-ups wait on the one probe); then the "referrers tag
 * schema" fallback: the image index under the tag `sha256-<hex>` that cosign and oras keep up to
 * date on such registries, looked up in the tags the listing read (an absent tag costs nothing).
 *
 * Each entry is read by referrer-manifest.ts (Sigstore bundle, cosign OCI-1.1, Notation; others
 * ignored); an entry whose `artifactType` names something else (an SBOM) is left out unread.
 * Referrers of referrers are not followed, so an index cannot lead into a loop; an entry listed
 * twice is read once, the version itself never. Bounds: the index 1 MiB (API pages followed on
 * the registry's origin, at most 8), at most 16 referrers read per version.
 */
import { ChartroomError } from '../../errors.ts';
import type { SignatureEvidence } from '../../trust/types.ts';
import type { OciClient } from './client.ts';
import { OCI_INDEX, REFERRER_MANIFEST_TYPES } from './client.ts';
import { unreadable } from '../signature-evidence.ts';
import { invalid, readReferrer, referrerKind, type ReferrerDescriptor } from './referrer-manifest.ts';

export { referrerKind } from './referrer-manifest.ts';

/** the referrers index, all its pages together */
export const MAX_REFERRERS_INDEX_BYTES = 1024 * 1024;
export const MAX_REFERRERS_PAGES = 8;
export const MAX_REFERRERS = 16;

/** The fallback tag of a manifest digest: `sha256:abc…` → `sha256-abc…` */
export function referrersTag(manifestDigest: string): string | undefined {
  const match = /^(sha256|sha512):([0-9a-f]{64,128})$/.exec(manifestDigest);
  return match ? `${match[1]}-${match[2]}` : undefined;
}

/**
 * Whether the registry has the referrers API, learnt by the first look-up of a run (the probe)
 * and shared by the others. A probe that fails (a 5xx, no answer) teaches nothing: the next
 * look-up probes again.
 */
export function createReferrersSupport() {
  let probe: Promise<boolean> | undefined;
  return {
    /**
     * The referrers index through the API (`first` asks for its first page, undefined: no API;
     * `rest` reads the pages after it), or undefined when the registry has none. The first page
     * answers the probe: a later page that fails does not unlearn the API.
     */
    async index<P extends object>(
      first: () => Promise<P | undefined>,
      rest: (page: P) => Promise<unknown>,
    ): Promise<unknown> {
      for (;;) {
        const pending = probe;
        if (!pending) break;
        let hasApi: boolean;
        try {
          hasApi = await pending;
        } catch {
          if (probe === pending) probe = undefined;
          continue;
        }
        if (!hasApi) return undefined;
        const page = await first();
        return page === undefined ? undefined : rest(page);
      }
      const answer = first();
      const mine = answer.then((page) => page !== undefined);
      probe = mine;
      mine.catch(() => undefined);
      const page = await answer;
      return page === undefined ? undefined : rest(page);
    },
  };
}
export type ReferrersSupport = ReturnType<typeof createReferrersSupport>;

export interface ReferrersLookup {
  client: OciClient;
  repo: string;
  /** the version's manifest digest */
  manifestDigest: string;
  /** the tags the listing read (the fallback tag is looked for among them) */
  tags: ReadonlySet<string>;
  known: readonly string[];
  support: ReferrersSupport;
}

/** The signatures among the referrers of `manifestDigest`. */
export async function findReferrers(lookup: ReferrersLookup): Promise<SignatureEvidence[]> {
  const { client, repo, manifestDigest } = lookup;
  let index: unknown;
  let where: string;
  try {
    index = await lookup.support.index(
      () => client.referrers(repo, manifestDigest, { maxBytes: MAX_REFERRERS_INDEX_BYTES }),
      (first) => laterPages(client, repo, manifestDigest, first),
    );
    where = `${client.origin}/v2/${repo}/referrers/${manifestDigest}`;
    if (index === undefined) {
      const tag = referrersTag(manifestDigest);
      if (!tag || !lookup.tags.has(tag)) return [];
      where = `${client.origin}/${repo}:${tag}`;
      index = await readFallbackIndex(client, repo, tag);
      if (index === undefined) return [];
    }
  } catch (error) {
    return [unreadable('sigstore', error)];
  }
  const listed = indexEntries(index, manifestDigest);
  if (typeof listed === 'string') return [invalid('sigstore', `${where}: ${listed}`)];
  const out: SignatureEvidence[] = [];
  for (const descriptor of listed.slice(0, MAX_REFERRERS)) {
    out.push(...(await readReferrer(lookup, descriptor)));
  }
  if (listed.length > MAX_REFERRERS) {
    out.push({
      kind: 'sigstore',
      unreadable: {
        code: 'TooLarge',
        message: `${where}: ${listed.length} referrers may be signatures; only the first ${MAX_REFERRERS} were read`,
      },
    });
  }
  return out;
}

/**
 * The referrers API's answer after its first page, every page of it (`Link: <…>; rel="next"`, on
 * the registry's origin, no page twice), as one index: at most MAX_REFERRERS_PAGES pages and
 * MAX_REFERRERS_INDEX_BYTES together.
 */
async function laterPages(
  client: OciClient,
  repo: string,
  digest: string,
  first: { index: unknown; next: string | undefined; bytes: number },
): Promise<unknown> {
  let { index, next } = first;
  let left = MAX_REFERRERS_INDEX_BYTES - first.bytes;
  const seen = new Set<string>();
  for (let pages = 1; next !== undefined; pages++) {
    const where = `${client.origin}/v2/${repo}/referrers/${digest}`;
    if (pages >= MAX_REFERRERS_PAGES || left <= 0 || seen.has(next)) {
      throw new ChartroomError(
        'TooManyPages',
        `${where}: the referrers index goes on past ${pages} pages or 1 MiB, or leads back to a page already read; not taken`,
      );
    }
    seen.add(next);
    const page = await client.referrers(repo, digest, { maxBytes: left, url: next });
    if (page === undefined) break;
    index = mergeIndexes(index, page.index);
    left -= page.bytes;
    next = page.next;
  }
  return index;
}

/** Two pages of an index as one: the later page's `manifests` after the earlier's (copied one by one). */
function mergeIndexes(a: unknown, b: unknown): unknown {
  const list = (x: unknown): unknown[] => {
    const m = x !== null && typeof x === 'object' ? (x as Record<string, unknown>).manifests : undefined;
    return Array.isArray(m) ? (m as unknown[]) : [];
  };
  // a first page that is no index stays what it is (refused by indexEntries)
  if (a === null || typeof a !== 'object' || !Array.isArray((a as Record<string, unknown>).manifests))
    return a;
  const manifests: unknown[] = [];
  for (const entry of list(a)) manifests.push(entry);
  for (const entry of list(b)) manifests.push(entry);
  return { manifests };
}

/** The index under the fallback tag; undefined when the tag went away since the listing. */
async function readFallbackIndex(client: OciClient, repo: string, tag: string): Promise<unknown> {
  try {
    const manifest = await client.manifest(repo, tag, {
      accept: [OCI_INDEX],
      maxBytes: MAX_REFERRERS_INDEX_BYTES,
    });
    return manifest.json;
  } catch (error) {
    if (error instanceof ChartroomError && error.code === 'ManifestUnknown') return undefined;
    throw error;
  }
}

/**
 * The index's entries that may be signatures: well-formed descriptors of manifests, not the
 * version itself, each digest once; an entry whose artifact type names something else than a
 * signature is left out without being read.
 */
function indexEntries(index: unknown, manifestDigest: string): ReferrerDescriptor[] | string {
  if (index === null || typeof index !== 'object' || Array.isArray(index))
    return 'the referrers index is not a JSON object';
  const manifests = (index as Record<string, unknown>).manifests;
  if (manifests === undefined || manifests === null) return [];
  if (!Array.isArray(manifests)) return 'the referrers index has no manifests list';
  const seen = new Set<string>([manifestDigest]);
  const out: ReferrerDescriptor[] = [];
  for (const entry of manifests as unknown[]) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const d = entry as Record<string, unknown>;
    if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest)) continue;
    if (typeof d.mediaType === 'string' && !REFERRER_MANIFEST_TYPES.includes(d.mediaType)) continue;
    const artifactType = typeof d.artifactType === 'string' ? d.artifactType : undefined;
    if (artifactType !== undefined && referrerKind(artifactType) === undefined) continue;
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    out.push({ digest: d.digest, size: typeof d.size === 'number' ? d.size : 0, artifactType });
  }
  return out;
}
