/**
 * `verify.matchOIDCIdentity`: RE2 regular expressions (Go's syntax, as Flux and cosign use them)
 * matched against a keyless certificate's OIDC issuer and SAN. A registry file is untrusted
 * input, so the expressions are compiled with re2js (linear-time matching, no backtracking, the
 * same syntax Flux accepts) and bounded in length. Matching is unanchored, as Flux's and
 * cosign's `regexp.MatchString` are: write `^…$` to match the whole value.
 */
import { RE2JS } from 're2js';
import type { OidcIdentity } from './types.ts';

/** A pattern longer than this is refused (an identity regexp is a URL or an e-mail address). */
export const MAX_IDENTITY_PATTERN_CHARS = 1024;

/** Certificate values longer than this are not matched (Fulcio SANs are URLs or addresses). */
const MAX_VALUE_CHARS = 4096;

/** Compiled patterns, kept for the run: a policy's few entries are matched for every version. */
const compiled = new Map<string, RE2JS>();
const MAX_COMPILED = 512;

/**
 * undefined when `re` is a usable RE2 pattern; else what is wrong with it, in a few words
 * (re2js's, for a syntax error), for a `file:line:col` message that says the rest
 * ("… is not an RE2 regular expression (<this>)"). config/load.ts checks registry files with it.
 */
export function checkIdentityPattern(re: string): string | undefined {
  if (typeof re !== 'string') return 'not a string';
  if (re === '') return 'empty: write `.*` to accept any value';
  if (re.length > MAX_IDENTITY_PATTERN_CHARS) return `longer than ${MAX_IDENTITY_PATTERN_CHARS} characters`;
  try {
    compile(re);
    return undefined;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return why.replace(/^error parsing regexp: /, '').slice(0, 200);
  }
}

function compile(re: string): RE2JS {
  let pattern = compiled.get(re);
  if (pattern) return pattern;
  pattern = RE2JS.compile(re);
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(re, pattern);
  return pattern;
}

/** Whether `value` contains a match of `re` (unanchored); a bad pattern matches nothing. */
export function matchesPattern(re: string, value: string): boolean {
  if (value.length > MAX_VALUE_CHARS || checkLength(re)) return false;
  try {
    return compile(re).matcher(value).find();
  } catch {
    return false;
  }
}

const checkLength = (re: string) => re === '' || re.length > MAX_IDENTITY_PATTERN_CHARS;

/** The first entry whose issuer and subject both match the certificate's; undefined when none does. */
export function matchIdentity(
  identities: readonly OidcIdentity[],
  signer: { subject: string | undefined; issuer: string | undefined },
): OidcIdentity | undefined {
  const { subject, issuer } = signer;
  if (subject === undefined || issuer === undefined) return undefined;
  return identities.find((i) => matchesPattern(i.issuer, issuer) && matchesPattern(i.subject, subject));
}

/** The policy's identities in words, for reasons: `issuer ~ /…/, subject ~ /…/` (cut short). */
export function describeIdentities(identities: readonly OidcIdentity[]): string {
  const shown = identities
    .slice(0, 3)
    .map(
      (i) =>
        `{issuer: ${JSON.stringify(i.issuer.slice(0, 200))}, subject: ${JSON.stringify(i.subject.slice(0, 200))}}`,
    );
  const more = identities.length > 3 ? ` and ${identities.length - 3} more` : '';
  return `${shown.join(', ')}${more}`;
}
