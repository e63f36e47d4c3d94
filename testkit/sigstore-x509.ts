/**
 * Just enough DER to write the X.509 certificates a Sigstore deployment has (RFC 5280): an ECDSA
 * P-256 CA and Fulcio-style leaves, signed with node:crypto, synchronously. (@peculiar/x509 needs
 * a global Reflect polyfill through tsyringe, which the project does not have.)
 */
import { createHash, sign, type KeyObject } from 'node:crypto';

export function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else if (n < 0x10000) length = Buffer.from([0x82, n >> 8, n & 0xff]);
  else throw new Error('der: content too long for a test certificate');
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => der(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => der(0x03, Buffer.concat([Buffer.from([unused]), b]));
export const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(value: Buffer | number): Buffer {
  let bytes = typeof value === 'number' ? Buffer.from([value]) : value;
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes = bytes.subarray(1);
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

/** A distinguished name from [attribute OID, value] pairs ([] = the empty name Fulcio leaves have). */
export function name(attributes: readonly (readonly [string, string])[]): Buffer {
  return seq(...attributes.map(([type, value]) => set(seq(oid(type), utf8(value)))));
}
export const O = '2.5.4.10';
export const CN = '2.5.4.3';

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [TRUE] : []), octets(value));
}

/** SubjectKeyIdentifier method 1: sha1 of the subjectPublicKey BIT STRING's bytes. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // For P-256 the key is the last 65 bytes (uncompressed point) of the SPKI.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

export const ext = {
  keyUsageDigitalSignature: (): Buffer => extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
  keyUsageCa: (): Buffer => extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)),
  basicConstraintsCa: (pathLen: number): Buffer => extension('2.5.29.19', true, seq(TRUE, integer(pathLen))),
  extendedKeyUsage: (...usages: string[]): Buffer => extension('2.5.29.37', false, seq(...usages.map(oid))),
  subjectKeyId: (key: KeyObject): Buffer => extension('2.5.29.14', false, octets(keyIdentifier(key))),
  authorityKeyId: (key: KeyObject): Buffer =>
    extension('2.5.29.35', false, seq(der(0x80, keyIdentifier(key)))),
  /** SAN: rfc822Name [1] or uniformResourceIdentifier [6], critical as Fulcio marks it (empty subject) */
  subjectAltName: (kind: 'email' | 'uri', value: string): Buffer =>
    extension('2.5.29.17', true, seq(der(kind === 'email' ? 0x81 : 0x86, Buffer.from(value)))),
  /** any other extension, its extnValue given as bytes */
  raw: (id: string, value: Buffer, critical = false): Buffer => extension(id, critical, value),
};

export interface CertificateInput {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  extensions: Buffer[];
  /** the issuer's private key (ECDSA P-256, signs with SHA-256) */
  signingKey: KeyObject;
}

/** A v3 certificate, DER. */
export function certificate(input: CertificateInput): Buffer {
  const tbs = seq(
    der(0xa0, integer(2)),
    integer(input.serial),
    ECDSA_SHA256,
    input.issuer,
    seq(time(input.notBefore), time(input.notAfter)),
    input.subject,
    input.publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, seq(...input.extensions)),
  );
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, input.signingKey)));
}

export function pem(derBytes: Buffer): string {
  const lines = derBytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
