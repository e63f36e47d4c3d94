/**
 * How every source ends a version's fetch, whatever the protocol downloaded: the archive's digest
 * checked against the one the source stated (chart/digest.ts), then the archive read in memory
 * (chart/archive.ts refuses unsafe ones). Nothing reaches the catalog without passing both. An
 * OCI layer has already been checked against its manifest by the client, as every blob is; the
 * check here then cannot fail for it, and costs one more hash of the archive. What the archive's
 * Chart.yaml says of the version is its metadata from then on.
 */
import { readChartArchive } from '../chart/archive.ts';
import { verifyDigest } from '../chart/digest.ts';
import type { ChartVersionMeta } from '../chart/metadata.ts';
import type { FetchedVersion } from './types.ts';

/** One version's archive as a source downloaded it, not yet trusted. */
export interface DownloadedArchive {
  archive: Buffer;
  /** "sha256:<hex>" the source states for it (index entry, manifest layer); undefined when it states none */
  digest: string | undefined;
  manifestDigest?: string;
  /** metadata known only once fetched (OCI config blob and manifest annotations) */
  meta?: Partial<ChartVersionMeta>;
}

export async function verifiedVersion(
  meta: ChartVersionMeta,
  download: DownloadedArchive,
): Promise<FetchedVersion> {
  const digest = verifyDigest(download.archive, download.digest);
  const { files, chartYaml } = await readChartArchive(download.archive, {
    name: meta.chart,
    version: meta.version,
  });
  return {
    digest,
    files,
    ...(download.manifestDigest ? { manifestDigest: download.manifestDigest } : {}),
    // the archive's Chart.yaml is the authority over the index entry and the OCI config blob
    // (as `helm show chart`); `created` is not in it and stays the source's
    meta: { ...download.meta, ...chartYaml },
  };
}
