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
    };

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
  list(validators: Validators): Promise<ListResult>;
  fetchVersion(meta: ChartVersionMeta): Promise<FetchedVersion>;
}
