/**
 * What both sources share of the signatures they find: when a failed read is evidence and when
 * it fails the look-up. The caps on what they read are trust/'s own (MAX_PROVENANCE_BYTES,
 * MAX_PAYLOAD_BYTES), so a source never reads what trust would refuse to parse.
 */
import { retriedInRequest } from '../error-catalogue.ts';
import { ChartroomError, describeError } from '../errors.ts';
import type { SignatureKind, UnreadableEvidence } from '../trust/types.ts';

/**
 * A failure of one signature read: the registry answered, but not with a readable signature (a
 * status, a body over its cap, a digest that does not match) becomes unreadable evidence; a
 * request that got no answer (refused, timed out, the registry's deadline) is thrown, failing the
 * whole look-up as the registry being down does.
 */
export function unreadable(kind: SignatureKind, error: unknown): UnreadableEvidence {
  if (!(error instanceof ChartroomError) || retriedInRequest(error.code)) throw error;
  return { kind, unreadable: describeError(error) };
}
