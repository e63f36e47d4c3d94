/**
 * HTTP chart repositories as a source (see ../types.ts): the conditional index fetch and chart
 * downloads. Protocol only: what is new, and what to do with it, is the sync's business.
 */
import { DEFAULT_ARCHIVE_LIMITS } from '../../chart/limits.ts';
import type { ChartVersionMeta } from '../../chart/metadata.ts';
import { ChartroomError, describeError } from '../../errors.ts';
import { basicAuthHeader } from '../../http/basic-auth.ts';
import type { HttpClient, HttpResponse, RequestAuth } from '../../http/client.ts';
import { safeUrl } from '../../http/safe-url.ts';
import { verifiedVersion } from '../archive.ts';
import { MAX_PROVENANCE_BYTES } from '../../trust/helm-provenance.ts';
import { unreadable } from '../signature-evidence.ts';
import { formatBytes } from '../../http/wait.ts';
import type { SignatureEvidence } from '../../trust/types.ts';
import type { ConnectionCheck, ListResult, RegistrySource, SourceDefinition, Validators } from '../types.ts';
import { parseHelmIndex } from './index-parse.ts';
import { unauthorized } from '../unauthorized.ts';

/** Fetches a chart the index lists by oci:// reference only (a chart mirrored into an OCI registry). */
export type OciChartFetcher = (reference: string) => Promise<{ archive: Buffer; manifestDigest: string }>;

/** Refuse an index over this size. */
export const DEFAULT_MAX_INDEX_BYTES = 100 * 1024 * 1024;

/** An HTTP chart repository as a RegistrySource: the index is the listing, a version is its archive. */
// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createHelmSource(
  repo: SourceDefinition,
  http: HttpClient,
  fetchOciChart: OciChartFetcher,
): RegistrySource {
  function authFor(target?: string): RequestAuth | undefined {
    if (!repo.credential) return undefined;
    const origins = [new URL(repo.url).origin];
    // Helm's --pass-credentials: without it, chart URLs on other hosts get no credential.
    if (repo.passCredentials && target) origins.push(new URL(target).origin);
    return { header: basicAuthHeader(repo.credential), origins };
  }

  /** `known`: chart digests from the last parse, whose unchanged charts are not parsed again */
  async function fetchIndex(validators: Validators, known?: Record<string, string>): Promise<ListResult> {
    const url = indexUrl(repo.url);
    const headers: Record<string, string> = {
      accept: 'application/yaml, application/json;q=0.9, */*;q=0.8',
    };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    const auth = authFor();
    const response = await http.get(url, {
      headers,
      auth,
      maxBytes: DEFAULT_MAX_INDEX_BYTES,
      decompress: true,
      what: 'index',
    });
    if (response.status === 304) return { notModified: true };
    expectOk(response, 'index', auth);
    return {
      notModified: false,
      ...parseHelmIndex(response.body, repo.url, { known }),
      validators: { etag: response.headers.etag, lastModified: response.headers['last-modified'] },
    };
  }

  async function fetchArchive(meta: ChartVersionMeta): Promise<Buffer> {
    const url = meta.urls.find((u) => !u.startsWith('oci://'));
    if (!url) throw new ChartroomError('NoURL', `${meta.chart} ${meta.version}: no http(s) URL in the index`);
    const auth = authFor(url);
    const response = await http.get(url, {
      headers: { accept: 'application/gzip, application/octet-stream, */*;q=0.5' },
      auth,
      maxBytes: DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes,
      what: 'chart archive',
    });
    expectOk(response, `chart archive of ${meta.chart} ${meta.version}`, auth);
    return response.body;
  }

  /**
   * Helm's provenance file: `<archive URL>.prov` (helm pull --verify), through the archive's own
   * client, redirect and credential rules. A 404 or 410 is an unsigned version; any other answer
   * that is not a 2xx, or a body over the cap, is unreadable evidence (checked again at the next
   * sync); a request that got no answer at all (refused, timed out) throws, as the archive would.
   */
  async function fetchProvenance(meta: ChartVersionMeta): Promise<SignatureEvidence[]> {
    const archive = meta.urls.find((u) => !u.startsWith('oci://'));
    // a version the index lists by oci:// reference only: its provenance would be an OCI layer, not looked up here
    if (!archive) return [];
    const url = provenanceUrl(archive);
    const auth = authFor(archive);
    let response: HttpResponse;
    try {
      response = await http.get(url, {
        headers: { accept: 'application/pgp-signature, text/plain, */*;q=0.5' },
        auth,
        maxBytes: MAX_PROVENANCE_BYTES,
        what: 'provenance file',
      });
    } catch (error) {
      return [unreadable('helm', error)];
    }
    if (response.status === 404 || response.status === 410) return [];
    try {
      expectOk(response, `provenance file of ${meta.chart} ${meta.version}`, auth);
    } catch (error) {
      return [{ kind: 'helm', unreadable: describeError(error) }];
    }
    return [{ kind: 'helm', provenance: response.body, fileName: archiveFileName(archive) }];
  }

  return {
    list: (validators, hints) => fetchIndex(validators, hints?.charts),
    findSignatures: (meta) => fetchProvenance(meta),
    async fetchVersion(meta) {
      // An index may list oci:// URLs (charts mirrored into a registry): those go through the OCI client.
      const download = meta.urls.every((u) => u.startsWith('oci://'))
        ? await fetchOciChart(meta.urls[0]!)
        : { archive: await fetchArchive(meta) };
      return verifiedVersion(meta, { ...download, digest: meta.digest });
    },
  };
}

/**
 * Reaches the repository as a sync would: a GET of index.yaml with the credential. Not a HEAD:
 * Helm only ever GETs it, and a HEAD is not answered like the GET everywhere (ChartMuseum's router
 * and some auth front-ends and CDNs answer it differently or not at all), so only the GET proves
 * what the sync needs. The body is read under the index's size cap and not parsed: a first line
 * check (`apiVersion:` somewhere near the top) tells an index from an HTML page answering 200.
 */
export async function checkHelmRepository(
  repo: SourceDefinition,
  http: HttpClient,
): Promise<ConnectionCheck> {
  const auth = repo.credential
    ? { header: basicAuthHeader(repo.credential), origins: [new URL(repo.url).origin] }
    : undefined;
  const response = await http.get(indexUrl(repo.url), {
    headers: { accept: 'application/yaml, application/json;q=0.9, */*;q=0.8' },
    auth,
    maxBytes: DEFAULT_MAX_INDEX_BYTES,
    decompress: true,
    what: 'index',
  });
  expectOk(response, 'index', auth);
  const head = response.body.subarray(0, 64 * 1024).toString('utf8');
  if (!/^\s*"?apiVersion"?\s*:/m.test(head)) {
    throw new ChartroomError(
      'IndexInvalid',
      `GET ${safeUrl(response.url)} answered ${response.status} but is not a Helm index (no apiVersion); check the URL`,
    );
  }
  return { summary: `index.yaml reachable (${response.status}, ${formatBytes(response.body.length)})` };
}

/** `<archive URL>.prov`, as Helm asks for it; a query (a signed URL) stays after the path. */
export function provenanceUrl(archive: string): string {
  const url = new URL(archive);
  url.pathname = `${url.pathname}.prov`;
  return url.href;
}

/** The archive's base name, the key of a provenance file's `files:` map (as `helm pull` saves it). */
export function archiveFileName(archive: string): string {
  const base = new URL(archive).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}

export function indexUrl(repoUrl: string): string {
  return new URL('index.yaml', repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`).href;
}

function expectOk(response: HttpResponse, what: string, auth: RequestAuth | undefined): void {
  if (response.status >= 200 && response.status < 300) return;
  const where = `GET ${safeUrl(response.url)} answered ${response.status}`;
  if (response.status === 401 || response.status === 403) {
    const sent = auth !== undefined && auth.origins.includes(new URL(response.url).origin);
    throw unauthorized({
      status: response.status,
      url: response.url,
      sent,
      access: `permission to read the ${what}`,
      // Helm's --pass-credentials: a chart on another host gets no credential unless the file says so
      also:
        auth && !sent ? 'if the credential should go to this host too, set passCredentials: true' : undefined,
    });
  }
  if (response.status === 404) {
    throw new ChartroomError('NotFound', `${where}: the ${what} is not there; check the URL`);
  }
  if (response.status === 429) {
    throw new ChartroomError(
      'RateLimited',
      `${where}: the repository is rate limiting; the next sync tries again`,
    );
  }
  throw new ChartroomError('HTTPError', `${where} for the ${what}`);
}
