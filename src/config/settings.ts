/**
 * `chartroom.yaml`, the catalog repository's own settings: parsed with positions, checked against
 * schemas/chartroom.schema.json (every problem of the file at once, each at file:line:col), then
 * the checks a schema cannot make (URLs, the logo's file). An absent file is every default.
 */
import { readFile, stat } from 'node:fs/promises';
import { leadsOutside } from '../inside-repository.ts';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from '../errors.ts';
import { positionOf } from './load.ts';
import { describeValue, unknownFieldOf } from './schema-errors.ts';
import { parseLocated, type Position } from './yaml-errors.ts';

const require = createRequire(import.meta.url);
const settingsSchema = require('../../schemas/chartroom.schema.json') as {
  properties: { site: { properties: Record<string, unknown> } };
};
const validateSchema = new Ajv({ allErrors: true, strict: true }).compile(settingsSchema);

export const SETTINGS_FILE = 'chartroom.yaml';
export const SITE_FIELDS = Object.keys(settingsSchema.properties.site.properties);
export const PRIVATE_REGISTRIES = ['full', 'metadata', 'hidden'] as const;
export type PrivateRegistries = (typeof PRIVATE_REGISTRIES)[number];
export const LOGO_EXTENSIONS = ['.svg', '.png', '.jpg', '.jpeg', '.webp', '.gif'];

export interface SiteLink {
  title: string;
  url: string;
}

/** `site:` with its defaults applied; unset optional fields are absent. */
export interface SiteSettings {
  title?: string;
  description?: string;
  /** the public URL, base path included */
  url?: string;
  base?: string;
  /** a repository path (relative to the root) or an https URL */
  logo?: string;
  links: SiteLink[];
  privateRegistries: PrivateRegistries;
}

/** `trust:`: what signatures are verified with; absent when the file has none. */
export interface TrustSettings {
  /** a Sigstore trusted_root.json in the repository (relative path); default: the shipped public-good root */
  sigstoreRoot?: string;
}

export interface Settings {
  site: SiteSettings;
  trust?: TrustSettings;
}

export interface SettingsResult {
  settings: Settings;
  /** every problem of the file; the settings are the defaults when there is one */
  errors: ConfigError[];
  /** whether the repository has a chartroom.yaml */
  found?: boolean;
  /** where `trust.sigstoreRoot` stands, for the problems found when the root is loaded */
  sigstoreRootAt?: Position;
}

export const DEFAULT_SETTINGS: Settings = { site: { links: [], privateRegistries: 'metadata' } };

/** Loads `chartroom.yaml` from the repository root; an absent file gives the defaults. */
export async function loadSettings(root: string): Promise<SettingsResult> {
  let source: string;
  try {
    source = await readFile(path.join(root, SETTINGS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_SETTINGS, errors: [] };
    throw error;
  }
  const { logoAt, ...parsed } = parseSettings(source);
  if (parsed.errors.length > 0) return { ...parsed, found: true };
  const logo = parsed.settings.site.logo;
  const logoError = logo && !isHttps(logo) ? await checkLogoFile(root, logo, logoAt) : undefined;
  return logoError
    ? { settings: DEFAULT_SETTINGS, errors: [logoError], found: true }
    : { ...parsed, found: true };
}

/** The settings, or its first problem thrown (what `site build` wants: it stops on a bad file). */
export async function requireSettings(root: string): Promise<Settings> {
  const { settings, errors } = await loadSettings(root);
  if (errors[0]) throw errors[0];
  return settings;
}

/** Parses the text of a `chartroom.yaml`: every problem at once, each at its line and column. */
export function parseSettings(source: string): SettingsResult & { logoAt?: Position } {
  const fail = (errors: ConfigError[]) => ({ settings: DEFAULT_SETTINGS, errors });
  const located = parseLocated(source);
  const { doc, at, syntax } = located;
  if (syntax) return fail([configError(syntax.at, `YAML syntax: ${syntax.message}`, syntax.hint)]);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    return fail([
      configError({ line: 1, column: 1 }, 'YAML aliases here refer to nothing or expand too far', ALIAS_HINT),
    ]);
  }
  if (data === null || data === undefined) return { settings: DEFAULT_SETTINGS, errors: [] };
  const place = (instancePath: string, error?: ErrorObject) => positionOf(doc, at, error ?? { instancePath });
  const errors = validateSchema(data) ? [] : schemaErrors(validateSchema.errors ?? [], data, place);
  const site = siteOf(data);
  const trust = mappingOf(data, 'trust') as TrustSettings | undefined;
  errors.push(...valueErrors(site, place), ...trustErrors(trust, place));
  if (errors.length > 0) return fail(errors.sort(byPlace));
  return {
    settings: {
      site: { ...site, links: site.links ?? [], privateRegistries: site.privateRegistries ?? 'metadata' },
      ...(trust?.sigstoreRoot !== undefined ? { trust: { sigstoreRoot: trust.sigstoreRoot } } : {}),
    },
    errors: [],
    ...(site.logo !== undefined ? { logoAt: place('/site/logo') } : {}),
    ...(trust?.sigstoreRoot !== undefined ? { sigstoreRootAt: place('/trust/sigstoreRoot') } : {}),
  };
}

/** `site:` when it is a mapping (a wrong type is the schema's error). */
function siteOf(data: unknown): Partial<SiteSettings> {
  return (mappingOf(data, 'site') as Partial<SiteSettings> | undefined) ?? {};
}

function mappingOf(data: unknown, field: string): object | undefined {
  const value = (data as Record<string, unknown>)[field];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/**
 * `trust.sigstoreRoot` is a path inside the repository (whether it is there and a trusted root is
 * trust/sigstore-root.ts's, which `validate` and the sync call).
 */
function trustErrors(
  trust: TrustSettings | undefined,
  place: (instancePath: string) => Position,
): ConfigError[] {
  const file = trust?.sigstoreRoot;
  if (typeof file !== 'string' || file === '') return [];
  const why = /^[a-z][a-z0-9+.-]*:/i.test(file)
    ? 'is a URL: chartroom verifies offline, from a file in the repository'
    : path.posix.isAbsolute(file) || file.includes('\\') || /^[a-zA-Z]:/.test(file)
      ? 'must be a path relative to the repository root'
      : path.posix.normalize(file).split('/').includes('..')
        ? 'leaves the repository (..)'
        : undefined;
  return why
    ? [
        configError(
          place('/trust/sigstoreRoot'),
          `trust.sigstoreRoot ${JSON.stringify(file)} ${why}`,
          FIELD_HINT.sigstoreRoot!,
        ),
      ]
    : [];
}

const byPlace = (a: ConfigError, b: ConfigError) =>
  (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);

const ALIAS_HINT = 'write the values out instead of using & anchors and * aliases';
const SCHEMA_HINT = 'see schemas/chartroom.schema.json for every field';
const FIELD_HINT: Record<string, string> = {
  title: 'write title: as text, e.g. title: Acme Helm charts',
  description: 'write description: as one line of text',
  url: 'write url: https://org.github.io/catalog/ (the public URL the site is served at)',
  base: 'write base: /catalog/ (the sub-path the site is served under), or remove it for /',
  logo: 'write logo: a path inside the repository such as assets/logo.svg, or an https:// URL',
  links: 'write links: as a list of "- title: Docs" / "  url: https://…" items',
  privateRegistries: 'write privateRegistries: full, metadata or hidden',
  sigstoreRoot:
    'write sigstoreRoot: the path of a Sigstore trusted_root.json committed to this repository (e.g. trust/trusted_root.json), or remove it to use the public-good root shipped with chartroom',
};
const hintOf = (field: string | undefined) => (field && FIELD_HINT[field]) ?? SCHEMA_HINT;

function configError(at: Position | undefined, message: string, hint: string): ConfigError {
  return new ConfigError(SETTINGS_FILE, at, message, hint);
}

/** One error per place the schema refused, said the way a person fixes it. */
function schemaErrors(
  errors: ErrorObject[],
  data: unknown,
  place: (instancePath: string, error?: ErrorObject) => Position,
): ConfigError[] {
  const seen = new Set<string>();
  const out: ConfigError[] = [];
  for (const error of errors) {
    const extra =
      error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : undefined;
    const key = `${error.instancePath}|${extra ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { message, hint } = describe(error, extra, data);
    out.push(configError(place(error.instancePath, error), message, hint));
  }
  return out;
}

function describe(
  error: ErrorObject,
  extra: string | undefined,
  data: unknown,
): { message: string; hint: string } {
  const segments = error.instancePath.split('/').slice(1);
  const label =
    segments.reduce((l, s) => (/^\d+$/.test(s) ? `${l} item ${Number(s) + 1}` : l ? `${l}.${s}` : s), '') ||
    'the file';
  const field = segments[1];
  if (extra !== undefined) return unknownField(extra, segments);
  const value = segments.reduce<unknown>((v, s) => (v as Record<string, unknown> | undefined)?.[s], data);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { message: `${label} has no ${missing}`, hint: FIELD_HINT.links! };
    }
    case 'enum':
      return {
        message: `${label} must be full, metadata or hidden, not ${describeValue(value)}`,
        hint: hintOf(field),
      };
    case 'minLength':
      return { message: `${label} is empty`, hint: hintOf(field) };
    case 'type': {
      const want = (error.params as { type: string }).type;
      const said =
        want === 'object' ? 'a mapping' : want === 'array' ? 'a list' : want === 'string' ? 'text' : want;
      return { message: `${label} must be ${said}, not ${describeValue(value)}`, hint: hintOf(field) };
    }
  }
  return { message: `${label} ${error.message ?? 'is invalid'}`, hint: hintOf(field) };
}

function unknownField(extra: string, segments: string[]): { message: string; hint: string } {
  const fields =
    segments.length === 0
      ? ['site', 'trust']
      : segments[0] === 'trust'
        ? TRUST_FIELDS
        : segments.length === 1
          ? SITE_FIELDS
          : ['title', 'url'];
  if (segments.length === 0 && TRUST_FIELDS.includes(extra)) {
    return {
      message: `"${extra}" belongs under trust:`,
      hint: `write trust: on a line of its own and indent ${extra}: below it`,
    };
  }
  if (segments.length === 0 && SITE_FIELDS.includes(extra)) {
    return {
      message: `"${extra}" belongs under site:`,
      hint: `write site: on a line of its own and indent ${extra}: below it`,
    };
  }
  const aliases = segments[0] === 'trust' ? TRUST_ALIASES : segments.length === 1 ? SITE_ALIASES : {};
  return unknownFieldOf(extra, fields, aliases, 'the fields here are');
}

const TRUST_FIELDS = ['sigstoreRoot'];
const TRUST_ALIASES: Record<string, string> = {
  trustedroot: 'sigstoreRoot',
  root: 'sigstoreRoot',
  sigstore: 'sigstoreRoot',
};

const SITE_ALIASES: Record<string, string> = {
  name: 'title',
  baseurl: 'base',
  basepath: 'base',
  siteurl: 'url',
  publicurl: 'url',
  nav: 'links',
  private: 'privateRegistries',
};

/** The checks a schema does not make: URLs are absolute http(s), the base and logo are paths. */
function valueErrors(site: Partial<SiteSettings>, place: (instancePath: string) => Position): ConfigError[] {
  const errors: ConfigError[] = [];
  const bad = (instancePath: string, message: string, field: string) =>
    errors.push(configError(place(instancePath), message, FIELD_HINT[field]!));
  const text = (value: unknown): value is string => typeof value === 'string' && value !== '';
  if (text(site.url) && !httpUrl(site.url))
    bad(
      '/site/url',
      `site.url ${JSON.stringify(site.url)} is not an absolute http:// or https:// URL`,
      'url',
    );
  if (text(site.base) && !/^\/?[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(site.base))
    bad('/site/base', `site.base ${JSON.stringify(site.base)} is not a path`, 'base');
  else if (text(site.base) && site.base.split('/').some((s) => s === '..' || s === '.'))
    bad('/site/base', `site.base ${JSON.stringify(site.base)} holds . or ..`, 'base');
  if (text(site.logo)) {
    const why = logoProblem(site.logo);
    if (why) bad('/site/logo', `site.logo ${JSON.stringify(site.logo)} ${why}`, 'logo');
  }
  (Array.isArray(site.links) ? site.links : []).forEach((link: Partial<SiteLink> | null, i) => {
    if (text(link?.url) && !httpUrl(link.url))
      bad(
        `/site/links/${i}/url`,
        `site.links item ${i + 1} url ${JSON.stringify(link.url)} is not an http:// or https:// URL`,
        'links',
      );
  });
  return errors;
}

/** The site's rule for what may go in an href (site/lib/safe-url.ts): http and https only. */
export function httpUrl(value: string): string | undefined {
  try {
    const parsed = new URL(value.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

const isHttps = (value: string) => /^https:\/\//i.test(value) && httpUrl(value) !== undefined;

function logoProblem(logo: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(logo))
    return isHttps(logo) ? undefined : 'is a URL but not an https:// one';
  if (path.posix.isAbsolute(logo) || logo.includes('\\'))
    return 'must be a path relative to the repository root';
  if (logo.split('/').includes('..')) return 'leaves the repository (..)';
  if (!LOGO_EXTENSIONS.includes(path.posix.extname(logo).toLowerCase()))
    return `is not an image (${LOGO_EXTENSIONS.join(', ')})`;
  return undefined;
}

async function checkLogoFile(
  root: string,
  logo: string,
  at: Position | undefined,
): Promise<ConfigError | undefined> {
  const info = await stat(path.join(root, logo)).catch(() => undefined);
  if (info?.isFile()) {
    // the file is copied into a public site: a symbolic link must not reach outside the repository
    if (!(await leadsOutside(root, logo))) return undefined;
    return configError(
      at,
      `site.logo "${logo}" leads outside the repository (a symbolic link)`,
      FIELD_HINT.logo!,
    );
  }
  return configError(
    at,
    `site.logo "${logo}" ${info ? 'is not a file' : 'does not exist'}`,
    'commit the image and give its path relative to the repository root, or an https:// URL',
  );
}
