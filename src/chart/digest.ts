import { createHash } from 'node:crypto';
import { ChartroomError } from '../errors.ts';

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Returns the archive's digest; throws DigestMismatch when the source stated another. The message
 * names no chart or version: it is recorded against the version, whose line already names both.
 */
export function verifyDigest(data: Buffer, expected: string | undefined): string {
  const actual = sha256Digest(data);
  if (expected !== undefined && expected !== actual) {
    throw new ChartroomError(
      'DigestMismatch',
      `digest mismatch: the source says ${expected}, the download is ${actual}`,
      {
        hint: 'the archive changed after it was indexed, or was tampered with in transit; it was not stored',
      },
    );
  }
  return actual;
}
