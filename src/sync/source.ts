/** What the sync needs from a registry, whatever its protocol. sources/helm (and later sources/oci) are adapted to it. */
import type { ChartVersionMeta } from '../chart/metadata.ts';
import type { IndexProblem } from '../sources/helm/index-parse.ts';
import type { Validators } from '../sources/helm/index.ts';

export type { Validators };

export type ListResult =
  | { notModified: true }
  | {
      notModified: false;
      versions: ChartVersionMeta[];
      problems: IndexProblem[];
      /** charts that could not be listed this run: their catalog part is left as it is */
      chartErrors?: ChartError[];
      validators: Validators;
      /** per-chart digests of the listing, to pass back next time (see ListHints) */
      chartDigests?: Record<string, string>;
      /** charts whose listing is unchanged since `ListHints.charts`: not in `versions`, keep as they are */
      unchanged?: string[];
    };

/** What the last listing left, so the source can skip work. */
export interface ListHints {
  /** chart -> digest of its part of the last listing, for charts the catalog holds in full */
  charts?: Record<string, string>;
}

export interface ChartError {
  chart: string;
  code: string;
  message: string;
}

export interface FetchedVersion {
  /** "sha256:<hex>" of the chart archive, verified */
  digest: string;
  manifestDigest?: string;
  files: Map<string, Buffer>;
  /** metadata known only once fetched (OCI config blob and manifest annotations) */
  meta?: Partial<ChartVersionMeta>;
}

export interface RegistrySource {
  list(validators: Validators, hints?: ListHints): Promise<ListResult>;
  fetchVersion(meta: ChartVersionMeta): Promise<FetchedVersion>;
}
