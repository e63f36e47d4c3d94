/**
 * Whether a `verify.matchOIDCIdentity` entry is a regular expression Flux and cosign would take:
 * RE2 (Go's syntax), compiled with re2js, which matches in linear time, so a registry file (untrusted
 * input) cannot make a match slow. Interim: trust/identity.ts exports the same checkIdentityPattern
 * (with the matcher the checks use); this file goes once that lands.
 */
import { RE2JS } from 're2js';

/** The longest pattern taken (the schema's maxLength says the same). */
export const MAX_IDENTITY_PATTERN = 1024;

/** undefined when `re` compiles as RE2; else what is wrong with it, in re2js's words. */
export function checkIdentityPattern(re: string): string | undefined {
  if (re.length > MAX_IDENTITY_PATTERN) return `longer than ${MAX_IDENTITY_PATTERN} characters`;
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, '');
  }
}
