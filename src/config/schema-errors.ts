/**
 * What a registry file's schema errors say: the field, what it takes, what was found, and what
 * to write instead; unknown fields get the field they were likely meant to be.
 */
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';

const require = createRequire(import.meta.url);
const registrySchema = require('../../schemas/registry.schema.json') as {
  properties: Record<string, unknown>;
};

/** The fields of a registry file, in the order the README lists them. */
export const REGISTRY_FIELDS = Object.keys(registrySchema.properties);

// What each field takes, said the way a person fixes it.
export const FIELD_HELP = {
  url: {
    want: 'a URL',
    hint: 'write url: https://host/path for a chart repository, or url: oci://host[:port]/namespace for an OCI registry',
  },
  description: { want: 'text', hint: 'write description: as text (quote it if it starts with [, {, * or &)' },
  credential: {
    want: 'the name of a credential file',
    hint: 'write credential: NAME for registries/credentials/NAME.yaml (lowercase letters, digits and dashes)',
  },
  interval: {
    want: 'a duration like 30s, 2m or 1h30m, or 0',
    hint: 'write interval: 30s, 2m or 1h30m (10s to 24h), or interval: 0 to sync it only on demand',
  },
  charts: {
    want: 'a list of chart names',
    hint: 'write charts: [nginx, redis] or one "- name" per line, each name once',
  },
  exclude: {
    want: 'a list of chart names or globs',
    hint: 'write exclude: ["*-test", legacy] or one "- name" per line',
  },
  versions: { want: 'a semver range', hint: 'write a quoted range such as versions: ">=1.0.0" or "^2.3"' },
  prereleases: { want: 'true or false', hint: 'write prereleases: true or prereleases: false' },
  keep: {
    want: 'a positive integer or "all"',
    hint: 'write keep: 20 (how many newest versions keep their files, 1 or more) or keep: all',
  },
  maxAttempts: { want: 'an integer from 1 to 100', hint: 'write maxAttempts: 10 (1 to 100)' },
  insecure: { want: 'true or false', hint: 'write insecure: true (plain http allowed) or insecure: false' },
  caFile: {
    want: 'a file path',
    hint: 'write caFile: the path of a PEM file with the CA certificates, relative to the repository root',
  },
  passCredentials: {
    want: 'true or false',
    hint: 'write passCredentials: true (send the credential to chart URLs on other hosts) or false',
  },
  verify: {
    want: 'a mapping with provider and key',
    hint: 'write verify: with provider: helm (or cosign), key: keys/<file> and optionally required: true, each on its own line indented under it',
  },
} satisfies Record<string, { want: string; hint: string }>;

// ajv reports every failed branch of a oneOf; the first non-oneOf error on the deepest path
// is the one a person can act on.
export function mostUseful(errors: ErrorObject[]): ErrorObject {
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  return (
    sorted.find((e) => e.keyword === 'additionalProperties') ??
    // `if` only says its `then` failed (verify: key when there is no matchOIDCIdentity): the `required` error says what
    sorted.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'if') ??
    sorted[0]!
  );
}

interface Described {
  message: string;
  hint: string;
  /** a more precise place than the error's own path (the repeated item of a list) */
  at?: { instancePath: string };
}

// The fields of `verify:`, what each takes and how to write it.
export const VERIFY_HELP = {
  provider: {
    want: 'helm or cosign',
    hint: 'write provider: helm (OpenPGP provenance files, .prov) or provider: cosign (cosign key signatures of OCI manifests)',
  },
  key: {
    want: 'a file path',
    hint: 'write key: the path of the public key in this repository, relative to its root (e.g. key: keys/helm-signing.asc)',
  },
  matchOIDCIdentity: {
    want: 'a list of issuer/subject pairs',
    hint: 'write matchOIDCIdentity: as a list of "- issuer: <RE2 regexp>" / "  subject: <RE2 regexp>" items (at most 16), as in Flux',
  },
  required: {
    want: 'true or false',
    hint: 'write required: true (versions that do not verify are refused) or required: false (recorded only)',
  },
} satisfies Record<string, { want: string; hint: string }>;

const VERIFY_FIELDS = Object.keys(VERIFY_HELP);

// One entry of verify.matchOIDCIdentity: what each of its fields takes.
const IDENTITY_FIELDS = {
  issuer:
    'write issuer: an RE2 regular expression for the OIDC issuer, e.g. ^https://token\\.actions\\.githubusercontent\\.com$',
  subject:
    'write subject: an RE2 regular expression for the signing identity, e.g. ^https://github\\.com/org/repo/\\.github/workflows/release\\.yaml@refs/tags/v.*$',
};

/** A schema error inside one entry of `verify.matchOIDCIdentity` (path /verify/matchOIDCIdentity/<i>[/field]). */
function identityError(error: ErrorObject, data: Record<string, unknown>): Described {
  const [, , , index = '0', field] = error.instancePath.split('/');
  const label = `verify.matchOIDCIdentity item ${Number(index) + 1}`;
  const items = (data.verify as { matchOIDCIdentity?: unknown[] }).matchOIDCIdentity ?? [];
  const item = items[Number(index)] as Record<string, unknown> | undefined;
  const entryHint = VERIFY_HELP.matchOIDCIdentity.hint;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownFieldOf(
        (error.params as { additionalProperty: string }).additionalProperty,
        Object.keys(IDENTITY_FIELDS),
        { subjectregex: 'subject', issuerregex: 'issuer', identity: 'subject', san: 'subject' },
        `the fields of ${label} are`,
      );
    case 'required': {
      const missing = (error.params as { missingProperty: keyof typeof IDENTITY_FIELDS }).missingProperty;
      return { message: `${label} is missing "${missing}"`, hint: IDENTITY_FIELDS[missing] ?? entryHint };
    }
  }
  if (field === undefined || !(field in IDENTITY_FIELDS))
    return {
      message: `${label} must be a mapping with issuer and subject, not ${describeValue(item)}`,
      hint: entryHint,
    };
  const hint = IDENTITY_FIELDS[field as keyof typeof IDENTITY_FIELDS];
  if (error.keyword === 'minLength') return { message: `${label}: ${field} is empty`, hint };
  if (error.keyword === 'maxLength')
    return { message: `${label}: ${field} is longer than 1024 characters`, hint };
  return {
    message: `${label}: ${field} must be a regular expression (text), not ${describeValue(item?.[field])}`,
    hint,
  };
}

/** A schema error inside `verify:` (a field of the mapping, one missing or unknown). */
function verifyError(error: ErrorObject, data: Record<string, unknown>): Described {
  const parts = error.instancePath.split('/');
  const sub = parts[2];
  if (sub === 'matchOIDCIdentity' && parts[3] !== undefined) return identityError(error, data);
  const verify = data.verify as Record<string, unknown> | undefined;
  if (sub === 'matchOIDCIdentity') {
    const help = VERIFY_HELP.matchOIDCIdentity;
    if (error.keyword === 'minItems')
      return { message: 'verify.matchOIDCIdentity is empty', hint: help.hint };
    if (error.keyword === 'maxItems')
      return { message: 'verify.matchOIDCIdentity has more than 16 entries', hint: help.hint };
  }
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownFieldOf(
        (error.params as { additionalProperty: string }).additionalProperty,
        VERIFY_FIELDS,
        { keyring: 'key', publickey: 'key', pubkey: 'key', secretref: 'key', enforce: 'required' },
        'the fields of verify: are',
      );
    case 'required': {
      const missing = (error.params as { missingProperty: keyof typeof VERIFY_HELP }).missingProperty;
      return { message: `verify: is missing "${missing}"`, hint: VERIFY_HELP[missing].hint };
    }
  }
  const help =
    sub === undefined ? undefined : (VERIFY_HELP as Record<string, { want: string; hint: string }>)[sub];
  if (sub === undefined || !help) {
    return {
      message: `verify must be ${FIELD_HELP.verify.want}, not ${describeValue(data.verify)}`,
      hint: FIELD_HELP.verify.hint,
    };
  }
  if (error.keyword === 'minLength') return { message: `verify.${sub} is empty`, hint: help.hint };
  return {
    message: `verify.${sub} must be ${help.want}, not ${describeValue(verify?.[sub])}`,
    hint: help.hint,
  };
}

export function schemaError(error: ErrorObject, data: Record<string, unknown>): Described {
  const [field = '', item] = error.instancePath.slice(1).split('/');
  if (field === 'verify') return verifyError(error, data);
  const help = (FIELD_HELP as Record<string, { want: string; hint: string } | undefined>)[field];
  const label = item === undefined ? field : `${field} item ${Number(item) + 1}`;
  const value = item === undefined ? data[field] : (data[field] as unknown[])[Number(item)];
  const found = field === 'url' ? '' : `, not ${describeValue(value)}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownField((error.params as { additionalProperty: string }).additionalProperty);
    case 'required':
      return {
        message: `missing required field "${(error.params as { missingProperty: string }).missingProperty}"`,
        hint: FIELD_HELP.url.hint,
      };
    case 'uniqueItems': {
      const { i: a, j: b } = error.params as { i: number; j: number };
      const i = Math.max(a, b); // the repeat, not the first
      const list = data[field] as unknown[];
      return {
        message: `${field} lists ${JSON.stringify(list[i])} twice`,
        hint: `remove the second ${JSON.stringify(list[i])} from ${field}`,
        at: { instancePath: `/${field}/${i}` },
      };
    }
    case 'minLength':
      return { message: `${label} is empty`, hint: help?.hint ?? SCHEMA_HINT };
  }
  if (!help) return { message: `${label} ${error.message ?? 'is invalid'}`, hint: SCHEMA_HINT };
  if (item !== undefined) {
    return { message: `${label} must be a string${found}`, hint: help.hint };
  }
  if (field === 'credential' && error.keyword === 'pattern') {
    return { message: `credential ${JSON.stringify(value)} is not a credential name`, hint: help.hint };
  }
  return { message: `${label} must be ${help.want}${found}`, hint: help.hint };
}

const SCHEMA_HINT = 'see schemas/registry.schema.json for every field';

// Fields other tools (Flux, Argo CD, Helm) or habit put in such a file.
const SECRETS_HINT =
  'secrets never go in a registry file: remove it, and name a credential file with credential: NAME (chartroom credential add NAME --host HOST)';
const KIND_HINT = 'the kind (http or oci) is detected from the URL: remove it';
const ELSEWHERE: Record<string, string> = {
  name: "the registry's name is its file name (registries/NAME.yaml): remove name:",
  username: SECRETS_HINT,
  password: SECRETS_HINT,
  token: SECRETS_HINT,
  auth: SECRETS_HINT,
  type: KIND_HINT,
  kind: KIND_HINT,
};
const ALIASES: Record<string, string> = {
  secretref: 'credential',
  insecureskipverify: 'insecure',
  insecureskiptlsverify: 'insecure',
  ca: 'caFile',
  cacert: 'caFile',
  include: 'charts',
  ignore: 'exclude',
  semver: 'versions',
  version: 'versions',
  retries: 'maxAttempts',
  maxretries: 'maxAttempts',
  schedule: 'interval',
};

function unknownField(extra: string): Described {
  const elsewhere = ELSEWHERE[extra.toLowerCase()];
  if (elsewhere) return { message: `unknown field "${extra}"`, hint: elsewhere };
  return unknownFieldOf(extra, REGISTRY_FIELDS, ALIASES, 'the fields are');
}

/**
 * A field no schema knows, in any file chartroom reads: a did-you-mean when one known field is
 * near, else the fields there are (`listed` says where: "the fields are", "the fields here are").
 */
export function unknownFieldOf(
  extra: string,
  fields: readonly string[],
  aliases: Record<string, string>,
  listed: string,
): Described {
  const suggestion = nearestField(extra, fields, aliases);
  if (suggestion) {
    return {
      message: `unknown field "${extra}": did you mean "${suggestion}"?`,
      hint: `rename it to ${suggestion}`,
    };
  }
  return {
    message: `unknown field "${extra}": remove it or check its spelling`,
    hint: `${listed} ${fields.join(', ')}`,
  };
}

/**
 * The known field a near-miss was meant to be: same letters in another case or separator, an alias,
 * or one or two typos away. The fields are a registry file's unless others are given (chartroom.yaml's).
 */
export function nearestField(
  extra: string,
  fields: readonly string[] = REGISTRY_FIELDS,
  aliases: Record<string, string> = ALIASES,
): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const wanted = squash(extra);
  const same = fields.find((f) => squash(f) === wanted);
  if (same) return same;
  if (aliases[wanted]) return aliases[wanted];
  let best: { field: string; distance: number } | undefined;
  for (const field of fields) {
    const distance = editDistance(wanted, squash(field));
    if (!best || distance < best.distance) best = { field, distance };
  }
  const allowed = wanted.length <= 4 ? 1 : 2;
  return best && best.distance <= allowed ? best.field : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** A found value as an error names it: empty, a list, a mapping, the string "…", 3. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(short)}`;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'a value';
}
