/**
 * The TLS failures users meet first, each with what to write in the registry file. Node (OpenSSL)
 * names them by code: a plain-http server on an https URL is `ERR_SSL_WRONG_VERSION_NUMBER` (or,
 * with other OpenSSL versions and servers, `ERR_SSL_PACKET_LENGTH_TOO_LONG`, `EPROTO` with "wrong
 * version number" or "http request" in its message); certificate failures carry OpenSSL's verify
 * codes. None is transient, so none is retried.
 */
import { ChartroomError } from '../errors.ts';

const PLAIN_HTTP_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LENGTH_MISMATCH',
]);
const PLAIN_HTTP_TEXT = /wrong version number|packet length too long|http request|record layer failure/i;

const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const HOST_MISMATCH_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

/** The error for a TLS failure of `target` ("GET https://… (index)"), or undefined when it is not one. */
export function tlsError(error: unknown, target: string): ChartroomError | undefined {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  if (PLAIN_HTTP_CODES.has(code) || (code === 'EPROTO' && PLAIN_HTTP_TEXT.test(message))) {
    return new ChartroomError(
      'PlainHttpServer',
      `the server answered in plain http on an https URL: ${target} (${code}); if it really serves plain http (a loopback or private test registry), write the URL with http:// and set insecure: true in the registry file (an oci:// URL stays as it is, insecure: true alone makes it plain http)`,
      { cause: error },
    );
  }
  const reason = message.split(';')[0]!.trim();
  if (UNTRUSTED_CODES.has(code)) {
    return new ChartroomError(
      'CertificateUntrusted',
      `certificate not trusted: ${target}: ${reason} (${code}); for a private or self-signed CA, commit its PEM certificate and name it with caFile: in the registry file`,
      { cause: error },
    );
  }
  if (HOST_MISMATCH_CODES.has(code)) {
    return new ChartroomError(
      'CertificateHostMismatch',
      `certificate for another host: ${target}: ${reason} (${code}); use the host name the certificate is for in the URL (caFile does not change this)`,
      { cause: error },
    );
  }
  if (EXPIRED_CODES.has(code)) {
    return new ChartroomError(
      'CertificateExpired',
      `certificate ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}: ${target} (${code}); the server's certificate must be renewed (or the clock of the machine running the sync is wrong)`,
      { cause: error },
    );
  }
  return undefined;
}
