/**
 * OCI registries as chart sources. Listing costs the tags requests (one per page) of each chart
 * repository and nothing else, so a quiet sync fetches no manifest and no blob; a version's
 * metadata and files come from its manifest, config blob and chart layer when it is fetched, and
 * a new version outside `keep` costs its manifest alone (describeVersion), once.
 */
import pLimit from 'p-limit';
import { DEFAULT_ARCHIVE_LIMITS } from '../../chart/limits.ts';
import type { ChartVersionMeta } from '../../chart/metadata.ts';
import { CHART_NAME } from '../../chart/metadata.ts';
import { failsChartOnly } from '../../error-catalogue.ts';
import { ChartroomError, describeError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { verifiedVersion } from '../archive.ts';
import type { ChartError, ConnectionCheck, RegistrySource, SourceDefinition } from '../types.ts';
import { createOciClient, type OciClient } from './client.ts';
import { parseOciChartReference, parseOciReference } from './reference.ts';
import { sha256Digest } from '../../chart/digest.ts';
import type { SignatureEvidence } from '../../trust/types.ts';
import type { SignatureSubject } from '../types.ts';
import {
  parseHelmConfig,
  parseHelmManifest,
  versionOfTag,
  versionToTag,
  type Descriptor,
  type HelmManifest,
} from './schema.ts';
import { cosignSignatureTag, readCosignSignature, readProvenanceLayer } from './signatures.ts';
import { createReferrersSupport, findReferrers } from './referrers.ts';

/** What findSignatures needs of a manifest read earlier in the run: its digest and provenance layer. */
interface ManifestSeen {
  digest: string;
  provenance: Descriptor | undefined;
}

/** Chart.yaml as JSON: far smaller than this in any chart. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** An OCI registry as a RegistrySource. OCI has no conditional listing: tags requests are the cheap check. */
// eslint-disable-next-line max-lines-per-function -- a factory: each inner function is under 80 lines
export function createOciSource(registry: SourceDefinition, http: HttpClient): RegistrySource {
  const ref = parseOciReference(registry.url);
  const client = registryClient(registry, ref.host, http);
  const repoOf = (chart: string) => (ref.namespace ? `${ref.namespace}/${chart}` : chart);
  // This run's knowledge (a source lives for one registry in one sync): every tag the listing
  // read per chart (cosign's `.sig` tags among them), and per version the manifest fetchVersion or
  // describeVersion read, so that findSignatures asks for neither again. An entry is dropped once
  // findSignatures used it.
  const tagsOf = new Map<string, Set<string>>();
  const manifestsSeen = new Map<string, ManifestSeen>();
  const seen = (meta: ChartVersionMeta, digest: string, helm: HelmManifest) =>
    manifestsSeen.set(versionKey(meta), { digest, provenance: helm.provenance });
  // whether the registry has the referrers API: probed by this run's first look-up (referrers.ts)
  const referrers = createReferrersSupport();

  async function findSignatures(
    meta: ChartVersionMeta,
    subject: SignatureSubject,
  ): Promise<SignatureEvidence[]> {
    const repo = repoOf(meta.chart);
    const key = versionKey(meta);
    let manifest = manifestsSeen.get(key);
    manifestsSeen.delete(key);
    if (!manifest || (subject.manifestDigest && manifest.digest !== subject.manifestDigest)) {
      // a re-check (nothing read this run): the manifest the catalog holds, by digest when it has one
      const what = `${registry.name}/${meta.chart} ${meta.version}`;
      const read = await client.manifest(repo, subject.manifestDigest ?? versionToTag(meta.version));
      manifest = { digest: read.digest, provenance: parseHelmManifest(read.json, what).provenance };
    }
    const evidence: SignatureEvidence[] = [];
    if (manifest.provenance) {
      const fileName = `${meta.chart}-${meta.version}.tgz`;
      evidence.push(await readProvenanceLayer(client, repo, manifest.provenance, fileName));
    }
    const manifestDigest = subject.manifestDigest ?? manifest.digest;
    const tag = cosignSignatureTag(manifestDigest);
    const tags = tagsOf.get(meta.chart) ?? (await listTags(meta.chart));
    const known = subject.known ?? [];
    if (tag && tags.has(tag)) evidence.push(...(await readCosignSignature(client, repo, tag, known)));
    evidence.push(
      ...(await findReferrers({ client, repo, manifestDigest, tags, known, support: referrers })),
    );
    return evidence;
  }

  async function listTags(chart: string): Promise<Set<string>> {
    const tags = new Set(await client.tags(repoOf(chart)));
    tagsOf.set(chart, tags);
    return tags;
  }

  return {
    // hints are not taken: every chart's versions are listed (the sync plans each chart anew)
    async list() {
      const charts = registry.charts ?? (await discoverCharts(client, ref.namespace, registry));
      const limit = pLimit(8);
      const versions: ChartVersionMeta[] = [];
      const chartDigests: Record<string, string> = {};
      const chartErrors: ChartError[] = [];
      const thrown: unknown[] = [];
      const listChart = (chart: string) =>
        limit(async () => {
          try {
            if (!CHART_NAME.test(chart)) {
              throw new ChartroomError(
                'URLInvalid',
                `invalid reference format: "${chart}" is not a chart repository name under ${registry.url}`,
              );
            }
            const tags = [...(await listTags(chart))].sort();
            // every tag, `.sig` ones too: a signature pushed or removed changes the chart's listing
            chartDigests[chart] = sha256Digest(Buffer.from(tags.join('\n')));
            for (const tag of tags) {
              // as in Helm, only strict semver tags are chart versions (`v1.0.0`, `latest`, cosign's are not)
              const version = versionOfTag(tag);
              if (version === undefined) continue;
              versions.push({
                chart,
                version,
                sources: [],
                keywords: [],
                maintainers: [],
                deprecated: false,
                urls: [`oci://${ref.host}/${repoOf(chart)}:${tag}`],
                partial: true,
              });
            }
          } catch (error) {
            // one chart's failure (a typo under charts:, a 404) leaves the others and its own catalog alone
            chartErrors.push({ chart, ...describeError(error) });
            thrown.push(error);
          }
        });
      // The first repository alone learns the registry's challenge; the rest then authenticate up front.
      if (charts[0] !== undefined) await listChart(charts[0]);
      await Promise.all(charts.slice(1).map(listChart));
      if (chartErrors.length === charts.length && chartErrors[0]) {
        // nothing listed at all: the registry as a whole failed (auth, network); rethrown with its hint and cause
        if (!failsChartOnly(chartErrors[0].code)) throw thrown[0];
      }
      chartErrors.sort((a, b) => (a.chart < b.chart ? -1 : 1));
      return { notModified: false, versions, problems: [], chartErrors, validators: {}, chartDigests };
    },

    // the manifest only (no config blob, no layer): the date and digests a first sync records for
    // every version outside `keep`, once; the catalog keeps them, so no later sync asks again
    async describeVersion(meta) {
      const what = `${registry.name}/${meta.chart} ${meta.version}`;
      const manifest = await client.manifest(repoOf(meta.chart), versionToTag(meta.version));
      const helm = parseHelmManifest(manifest.json, what);
      seen(meta, manifest.digest, helm);
      return {
        digest: helm.layer.digest,
        manifestDigest: manifest.digest,
        ...(helm.created ? { created: helm.created } : {}),
      };
    },

    async fetchVersion(meta) {
      const repo = repoOf(meta.chart);
      const what = `${registry.name}/${meta.chart} ${meta.version}`;
      const { manifest, helm, layer } = await pullChartLayer(client, repo, versionToTag(meta.version), what);
      seen(meta, manifest.digest, helm);
      const config = parseHelmConfig(await client.blob(repo, helm.config.digest, MAX_CONFIG_BYTES), what);
      return verifiedVersion(meta, {
        archive: layer,
        digest: helm.layer.digest,
        manifestDigest: manifest.digest,
        meta: { ...config, ...(helm.created ? { created: helm.created } : {}) },
      });
    },

    findSignatures,
  };
}

const versionKey = (meta: ChartVersionMeta) => `${meta.chart}\n${meta.version}`;

function registryClient(registry: SourceDefinition, host: string, http: HttpClient): OciClient {
  return createOciClient({
    http,
    registry: registry.name,
    host,
    insecure: registry.insecure,
    credential: registry.credential,
    registerSecret: registry.registerSecret,
  });
}

/** The chart repositories under the namespace, from /v2/_catalog; none is `no charts found`. */
async function discoverCharts(
  client: OciClient,
  namespace: string,
  registry: SourceDefinition,
): Promise<string[]> {
  const repositories = await client.catalog();
  const prefix = namespace ? `${namespace}/` : '';
  const charts = (repositories ?? [])
    .filter((r) => r.startsWith(prefix) && !r.slice(prefix.length).includes('/'))
    .map((r) => r.slice(prefix.length))
    .sort();
  if (charts.length === 0) {
    throw new ChartroomError(
      'NoChartsFound',
      `no charts found: ${repositories === undefined ? `${parseOciReference(registry.url).host} offers no catalog (/v2/_catalog)` : `no repositories under ${registry.url}`}`,
      {
        hint: `list the chart repositories under charts: in registries/${registry.name}.yaml (GHCR, Docker Hub and ECR have no catalog)`,
      },
    );
  }
  return charts;
}

/**
 * Reaches the registry as a sync would (`validate --connect`): `GET /v2/` with the auth dance,
 * then one tags list, of the first chart under `charts:`, or else of the first repository the
 * catalog lists under the namespace.
 */
export async function checkOciRegistry(
  registry: SourceDefinition,
  http: HttpClient,
): Promise<ConnectionCheck> {
  const ref = parseOciReference(registry.url);
  const client = registryClient(registry, ref.host, http);
  await client.ping();
  const chart = registry.charts?.[0] ?? (await discoverCharts(client, ref.namespace, registry))[0]!;
  const repo = ref.namespace ? `${ref.namespace}/${chart}` : chart;
  const tags = await client.tags(repo);
  return {
    summary: `/v2/ reachable, tags of ${repo} listed (${tags.length} tag${tags.length === 1 ? '' : 's'})`,
  };
}

/** A tag's manifest, checked to be a Helm chart, and its chart layer (digest verified by the client). */
async function pullChartLayer(client: OciClient, repo: string, tag: string, what: string) {
  const manifest = await client.manifest(repo, tag);
  const helm = parseHelmManifest(manifest.json, what);
  const layer = await client.blob(repo, helm.layer.digest, DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes);
  return { manifest, helm, layer };
}

/**
 * The chart layer behind an `oci://host/repository:tag` reference, as the index of an HTTP chart
 * repository may list for a version. The repository's credential is only offered when the
 * reference is on the repository's own host.
 */
export async function fetchOciChart(
  reference: string,
  repository: SourceDefinition,
  http: HttpClient,
): Promise<{ archive: Buffer; manifestDigest: string }> {
  const { host, repository: repo, tag } = parseOciChartReference(reference);
  const client = createOciClient({
    http,
    registry: repository.name,
    host,
    insecure: repository.insecure,
    credential: host === new URL(repository.url).host ? repository.credential : undefined,
    registerSecret: repository.registerSecret,
  });
  const { manifest, layer } = await pullChartLayer(client, repo, tag, reference);
  return { archive: layer, manifestDigest: manifest.digest };
}
