/**
 * What `site build` and `site dev` share: where the package's Astro config and site/ are, the
 * Astro binary, the settings (chartroom.yaml) and the base they resolve, the environment the site
 * reads (CHARTROOM_ROOT, CHARTROOM_OUT, CHARTROOM_BASE, CHARTROOM_SETTINGS), the check that there
 * is a catalog to build from, and the per-run Astro root.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireSettings, type Settings } from '../config/settings.ts';
import { ChartroomError } from '../errors.ts';
import { withoutEdgeSlashes } from '../slashes.ts';

/** The package root: where astro.config.mjs and site/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function astroBin(): string {
  const pkg = createRequire(import.meta.url).resolve('astro/package.json');
  return path.join(path.dirname(pkg), 'bin', 'astro.mjs');
}

/** The package's astro.config.mjs as Astro wants it: relative to --root (it joins the two). */
export function astroConfigFrom(work: string): string {
  return path.relative(work, path.join(PACKAGE_ROOT, 'astro.config.mjs'));
}

export function normaliseBase(base: string | undefined): string {
  if (!base || base === '/') return '/';
  return `/${withoutEdgeSlashes(base)}/`;
}

// Vite reads these from the environment into import.meta.env; a parent that is itself a Vite
// program (Vitest sets BASE_URL=/ and NODE_ENV=test) must not leak them into the site's build.
const VITE_ENV = /^(BASE_URL|MODE|DEV|PROD|SSR|SITE|ASSETS_PREFIX|NODE_ENV|VITEST.*|VITE_.*|TEST)$/;

export interface SiteInputs {
  settings: Settings;
  /** the base path: --base, else CHARTROOM_BASE, else site.base, else / */
  base: string;
  /** where the repository's logo file goes in the built site, when site.logo is one */
  logoFile?: string;
}

/** chartroom.yaml (a bad one stops the build with its file:line:col) and the base path it resolves. */
export async function siteInputs(root: string, flagBase: string | undefined): Promise<SiteInputs> {
  const settings = await requireSettings(root);
  const base = normaliseBase(flagBase ?? (process.env.CHARTROOM_BASE || undefined) ?? settings.site.base);
  const { logo } = settings.site;
  const isFile = logo !== undefined && !/^https:\/\//i.test(logo);
  return { settings, base, ...(isFile ? { logoFile: `logo${path.extname(logo).toLowerCase()}` } : {}) };
}

/** The settings as the site reads them (site/lib/settings.ts): plain JSON, the logo where it is served. */
function siteSettingsJson({ settings, logoFile }: SiteInputs): string {
  const { base: _base, logo, ...site } = settings.site;
  return JSON.stringify({ ...site, ...(logo !== undefined ? { logo: logoFile ?? logo } : {}) });
}

export function siteEnv(root: string, outDir: string, inputs: SiteInputs): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !VITE_ENV.test(key)));
  return {
    ...inherited,
    CHARTROOM_ROOT: root,
    CHARTROOM_OUT: outDir,
    CHARTROOM_BASE: inputs.base,
    CHARTROOM_SETTINGS: siteSettingsJson(inputs),
    // no network at build time, and nothing sent anywhere
    ASTRO_TELEMETRY_DISABLED: '1',
  };
}

export function checkCatalog(root: string): void {
  if (!existsSync(path.join(root, 'catalog', 'catalog.json'))) {
    throw new ChartroomError(
      'CatalogMissing',
      `no catalog in ${root}: ${path.join(root, 'catalog', 'catalog.json')} does not exist`,
      {
        hint: 'run `chartroom sync` first, or pass --root DIR for a repository that has a catalog/',
      },
    );
  }
}

/**
 * Each build gets its own Astro root, removed afterwards: Astro writes its generated types
 * (.astro/) there, and its prerender bundle too when the output folder is outside it; that bundle
 * must resolve this package's dependencies, so the folder is inside the package's node_modules.
 * Builds of different catalogs can so run at once, and nothing is written into the checkout.
 */
export async function workDir(): Promise<string> {
  const parent = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'chartroom-site');
  await mkdir(parent, { recursive: true });
  return mkdtemp(path.join(parent, 'build-'));
}
