/**
 * Helm's OCI artifact format (helm/helm pkg/registry/constants.go), parsed once at the boundary.
 * The config blob is the chart's Chart.yaml metadata as JSON; the chart layer is the same .tgz
 * `helm package` makes. Tags carry the version with `+` written as `_`.
 */
import { ChartroomError } from '../../errors.ts';
import { chartFields, isoTime, type ChartVersionMeta } from '../../chart/metadata.ts';

export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYERS = [
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  'application/tar+gzip',
];
/** The provenance layer `helm push` adds when a `.prov` sits beside the archive (Helm's `ProvLayerMediaType`). */
export const HELM_PROVENANCE = 'application/vnd.cncf.helm.chart.provenance.v1.prov';

export const tagToVersion = (tag: string) => tag.replaceAll('_', '+');
export const versionToTag = (version: string) => version.replaceAll('+', '_');

/** SemVer 2.0.0 as semver.org writes it: no `v`, three numbers, no leading zeros. */
const STRICT_SEMVER =
  /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
/** The distribution spec's cap on a tag's length. */
const MAX_TAG_LENGTH = 128;

/**
 * The chart version a tag holds, or undefined for a tag that is not one. As Helm's tag listing
 * (pkg/registry Client.Tags: semver.StrictNewVersion of the tag with `_` as `+`): only strict
 * semver tags are versions, so `v0.1.0`, `1.0`, `latest` and cosign's `sha256-….sig` are ignored,
 * never fetched. (An HTTP index's versions stay lenient, as Helm reads those.)
 */
export function versionOfTag(tag: string): string | undefined {
  if (tag.length > MAX_TAG_LENGTH) return undefined;
  const version = tagToVersion(tag);
  return STRICT_SEMVER.test(version) ? version : undefined;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface HelmManifest {
  config: Descriptor;
  layer: Descriptor;
  /** the provenance layer, when the chart was pushed with its `.prov` */
  provenance?: Descriptor | undefined;
  created: string | undefined;
}

function descriptor(value: unknown): Descriptor | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const d = value as Record<string, unknown>;
  if (
    typeof d.mediaType !== 'string' ||
    typeof d.digest !== 'string' ||
    !/^sha256:[0-9a-f]{64}$/.test(d.digest)
  )
    return undefined;
  return { mediaType: d.mediaType, digest: d.digest, size: typeof d.size === 'number' ? d.size : 0 };
}

/** A Helm chart manifest, or a NotAHelmChart error for anything else in the repository (images, signatures, SBOMs). */
export function parseHelmManifest(json: Record<string, unknown>, what: string): HelmManifest {
  const config = descriptor(json.config);
  if (!config || config.mediaType !== HELM_CONFIG) {
    throw new ChartroomError(
      'NotAHelmChart',
      `${what} is not a Helm chart (config ${config?.mediaType ?? 'missing'}); skipped`,
    );
  }
  const layers = Array.isArray(json.layers) ? json.layers.map(descriptor) : [];
  const layer = layers.find(
    (l): l is Descriptor => l !== undefined && HELM_CHART_LAYERS.includes(l.mediaType),
  );
  if (!layer) throw new ChartroomError('NotAHelmChart', `${what} has no Helm chart layer; skipped`);
  const provenance = layers.find((l) => l !== undefined && l.mediaType === HELM_PROVENANCE);
  const annotations = (json.annotations ?? {}) as Record<string, unknown>;
  return {
    config,
    layer,
    ...(provenance ? { provenance } : {}),
    created: isoTime(annotations['org.opencontainers.image.created']),
  };
}

/** The config blob (Chart.yaml as JSON) as version metadata. */
export function parseHelmConfig(body: Buffer, what: string): Partial<ChartVersionMeta> {
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ChartroomError('OCIInvalid', `${what}: the chart config blob is not JSON`);
  }
  return chartFields(c, c.deprecated === true);
}
