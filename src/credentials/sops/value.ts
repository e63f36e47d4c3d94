/**
 * One SOPS value: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`. AES-256-GCM with a 32-byte IV
 * (sops uses Go's NewGCMWithNonceSize(32)) and the value's key path as additional data, so a
 * value cannot be moved to another key. Empty strings are stored as they are, unencrypted.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ChartroomError } from '../../errors.ts';

export type SopsScalar = string | number | boolean;
type ValueType = 'str' | 'int' | 'float' | 'bool' | 'bytes';

const ENC =
  /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:([a-z]+)\]$/;

export function isEncrypted(value: unknown): value is string {
  return typeof value === 'string' && ENC.test(value);
}

export function decryptValue(encrypted: string, key: Buffer, aad: string): SopsScalar {
  if (encrypted === '') return '';
  const match = ENC.exec(encrypted);
  if (!match)
    throw new ChartroomError(
      'SopsInvalid',
      'a value that should be encrypted is not an ENC[AES256_GCM,…] value',
    );
  const [, data, iv, tag, type] = match as unknown as [string, string, string, string, string];
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
  } catch {
    throw new ChartroomError(
      'SopsTampered',
      `the value at "${aad.replace(/:$/, '')}" does not authenticate: it was changed or moved after encryption`,
    );
  }
  const text = plain.toString('utf8');
  switch (type as ValueType) {
    case 'str':
    case 'bytes':
      return text;
    case 'int':
      return Number.parseInt(text, 10);
    case 'float':
      return Number.parseFloat(text);
    case 'bool':
      return /^(1|t|T|TRUE|true|True)$/.test(text);
    default:
      throw new ChartroomError('SopsInvalid', `unknown SOPS value type "${type}"`);
  }
}

export function encryptValue(value: SopsScalar, key: Buffer, aad: string): string {
  if (value === '') return '';
  const type: ValueType =
    typeof value === 'boolean'
      ? 'bool'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'int'
          : 'float'
        : 'str';
  const iv = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(Buffer.from(String(value))), cipher.final()]);
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${cipher.getAuthTag().toString('base64')},type:${type}]`;
}

/** sops's ToBytes: the bytes a value contributes to the MAC (Go's formatting of ints, floats and bools). */
export function macBytes(value: SopsScalar): Buffer {
  if (typeof value === 'boolean') return Buffer.from(value ? 'True' : 'False');
  if (typeof value === 'number') return Buffer.from(formatGoFloat(value));
  return Buffer.from(value);
}

// strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent.
function formatGoFloat(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const [mantissa, exp] = text.split(/e/i) as [string, string];
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point =
    (mantissa.replace('-', '').indexOf('.') === -1
      ? mantissa.replace('-', '').length
      : mantissa.replace('-', '').indexOf('.')) + exponent;
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}
