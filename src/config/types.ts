import type { VerifyPolicy } from '../trust/types.ts';
import type { RegistryKind } from './reference.ts';

/** A registry definition after validation: defaults applied, interval in milliseconds. */
export interface RegistryDefinition {
  /** from the file name; the id in URLs and in catalog/ */
  name: string;
  /** the file it came from, relative to the repository root */
  file: string;
  url: string;
  kind: RegistryKind;
  description: string | undefined;
  credential: string | undefined;
  /** milliseconds; 0 = no automatic sync */
  intervalMs: number;
  charts: string[] | undefined;
  exclude: string[];
  versions: string | undefined;
  prereleases: boolean;
  keep: number | 'all';
  maxAttempts: number;
  insecure: boolean;
  caFile: string | undefined;
  passCredentials: boolean;
  /** `verify:`: the signature policy (trust/types.ts) */
  verify?: VerifyPolicy | undefined;
}

export const DEFAULTS = {
  intervalMs: 120_000,
  prereleases: true,
  keep: 20,
  maxAttempts: 10,
} as const;
