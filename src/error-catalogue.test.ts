import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CATALOGUE,
  ERROR_CODES,
  errorEntry,
  exitCodeOf,
  failsChartOnly,
  givenUpAtOnce,
  meansNoCatalog,
  retriedInRequest,
  type ErrorCode,
} from './error-catalogue.ts';

type Row = [
  transient: boolean,
  retriedInRequest: boolean,
  meansNoCatalog: boolean,
  failsChartOnly: boolean,
  givenUpAtOnce: boolean,
  exitCode: 1 | 2,
];
const _ = false;
const Y = true;

// What the code base decides on every code today. Changing a decision means changing its row.
const DECISIONS: Record<ErrorCode, Row> = {
  Timeout: [Y, Y, _, _, _, 1],
  ConnectionFailed: [Y, Y, _, _, _, 1],
  PlainHttpServer: [_, _, _, _, _, 1],
  CertificateUntrusted: [_, _, _, _, _, 1],
  CertificateHostMismatch: [_, _, _, _, _, 1],
  CertificateExpired: [_, _, _, _, _, 1],
  RateLimited: [Y, _, _, _, _, 1],
  HTTPError: [Y, _, Y, _, _, 1],
  NotFound: [_, _, Y, _, _, 1],
  AuthenticationFailed: [_, _, _, _, _, 1],
  InsecureRealm: [_, _, _, _, _, 1],
  TooManyRedirects: [_, _, _, _, _, 1],
  InsecureRedirect: [_, _, _, _, _, 1],
  TooLarge: [_, _, _, _, _, 1],
  BadEncoding: [_, _, _, _, _, 1],
  IndexInvalid: [_, _, _, _, _, 1],
  NoURL: [_, _, _, _, _, 1],
  NameUnknown: [_, _, Y, Y, _, 1],
  ManifestUnknown: [_, _, _, Y, _, 1],
  NoChartsFound: [_, _, _, _, _, 1],
  NotAHelmChart: [_, _, _, _, Y, 1],
  TooManyPages: [_, _, _, _, _, 1],
  OCIInvalid: [_, _, _, _, _, 1],
  URLInvalid: [_, _, _, _, _, 1],
  DigestMismatch: [_, _, _, _, _, 1],
  ArchiveUnsafe: [_, _, _, _, _, 1],
  ArchiveInvalid: [_, _, _, _, _, 1],
  ChartInvalid: [_, _, _, _, _, 1],
  ChartMismatch: [_, _, _, _, _, 1],
  CredentialUnavailable: [_, _, _, _, _, 1],
  CredentialPlaintext: [_, _, _, _, _, 1],
  CredentialEnvUnbound: [_, _, _, _, _, 1],
  CredentialHostMismatch: [_, _, _, _, _, 1],
  AgeKeyMissing: [_, _, _, _, _, 1],
  AgeKeyInvalid: [_, _, _, _, _, 1],
  AgeKeyMismatch: [_, _, _, _, _, 1],
  SopsInvalid: [_, _, _, _, _, 1],
  SopsTampered: [_, _, _, _, _, 1],
  SopsNoAge: [_, _, _, _, _, 1],
  SopsConfigMissing: [_, _, _, _, _, 2],
  SopsConfigInvalid: [_, _, _, _, _, 2],
  SignatureMissing: [_, _, _, _, _, 1],
  SignatureInvalid: [_, _, _, _, _, 1],
  VerifyKeyInvalid: [_, _, _, _, _, 2],
  SigstoreRootInvalid: [_, _, _, _, _, 2],
  ConfigInvalid: [_, _, _, _, _, 2],
  IntervalInvalid: [_, _, _, _, _, 1],
  Usage: [_, _, _, _, _, 2],
  NotARepository: [_, _, _, _, _, 2],
  NotACatalogRepository: [_, _, _, _, _, 2],
  Locked: [Y, _, _, _, _, 1],
  PushFailed: [Y, _, _, _, _, 1],
  PushBranchUnknown: [_, _, _, _, _, 2],
  ShardMissing: [_, _, _, _, _, 1],
  CatalogMissing: [_, _, _, _, _, 1],
  CatalogFormatUnsupported: [_, _, _, _, _, 1],
  CatalogInvalid: [_, _, _, _, _, 1],
  SiteBuildFailed: [_, _, _, _, _, 1],
  Internal: [_, _, _, _, _, 1],
};

const decisionsOf = (code: string): Row => [
  errorEntry(code).transient,
  retriedInRequest(code),
  meansNoCatalog(code),
  failsChartOnly(code),
  givenUpAtOnce(code),
  exitCodeOf(code),
];

describe('the error catalogue', () => {
  it.each(Object.entries(DECISIONS))('%s: transient, retries, OCI listing and exit code', (code, row) => {
    expect(decisionsOf(code)).toEqual(row);
  });

  it('lists the same codes as the table above', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(DECISIONS).sort());
  });

  it('decides on a code it does not know (a catalog another version wrote) as on Internal', () => {
    expect(decisionsOf('SomethingNew')).toEqual(DECISIONS.Internal);
    expect(decisionsOf('toString')).toEqual(DECISIONS.Internal);
  });

  it.each(ERROR_CODES)('%s says where it is met, what it means in one line, and what to do', (code) => {
    const entry = ERROR_CATALOGUE[code];
    expect(entry.where.length).toBeGreaterThan(0);
    for (const text of [entry.meaning, entry.action]) {
      expect(text).toMatch(/^\S/);
      expect(text).not.toMatch(/[\n|]/);
    }
  });

  it('gives up at once or exits 2 only on what waiting cannot fix', () => {
    for (const code of ERROR_CODES) {
      if (givenUpAtOnce(code) || exitCodeOf(code) === 2) expect(errorEntry(code).transient, code).toBe(false);
    }
  });
});

// No entry without a producer: each code is written as a literal in the code that throws it.
describe('every catalogued code', () => {
  const ROOT = fileURLToPath(new URL('..', import.meta.url));
  const sources = ['src', 'site', 'bin']
    .flatMap((dir) =>
      readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)),
    )
    .filter((f) => /\.(ts|astro|js|mjs)$/.test(f) && !/\.test\.ts$|error-catalogue\.ts$/.test(f))
    .map((f) => readFileSync(path.join(ROOT, f), 'utf8'))
    .join('\n');

  it.each(ERROR_CODES)('%s is produced somewhere', (code) => {
    expect(sources).toContain(`'${code}'`);
  });
});
