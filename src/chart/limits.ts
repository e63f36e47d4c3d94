/** Caps for untrusted chart archives. Helm's own are 100 MiB decompressed in all and 5 MiB a file. */
export interface ArchiveLimits {
  /** bytes of the compressed archive as downloaded */
  maxArchiveBytes: number;
  /** bytes of the decompressed tar stream, all entries together */
  maxDecompressedBytes: number;
  /** bytes of any one entry */
  maxFileBytes: number;
  /** number of entries */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 100 * 1024 * 1024,
  maxDecompressedBytes: 100 * 1024 * 1024,
  maxFileBytes: 5 * 1024 * 1024,
  maxEntries: 10_000,
};
