/** The caps on signature evidence every source applies (trust/ refuses to parse bigger ones too). */

/** A provenance file is a few KiB (a clearsigned Chart.yaml and a digest): one over this is not read. */
export const MAX_PROVENANCE_BYTES = 1024 * 1024;
/** A cosign simple-signing payload is a few hundred bytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
