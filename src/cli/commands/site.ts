/**
 * `chartroom site build` and `chartroom site dev`: run Astro (configured by astro.config.mjs at
 * the package root) over the catalog/ of a chartroom repository. Astro runs in a child process:
 * it reads CHARTROOM_ROOT, CHARTROOM_OUT and CHARTROOM_BASE, and its Pagefind step fails the
 * build when indexing fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChartroomError, UsageError } from '../../errors.ts';
import type { Output } from '../output.ts';

export const SITE_USAGE =
  'chartroom site build [--out DIR] [--base PATH] | chartroom site dev [--port N] [--base PATH]';

/** The package root: where astro.config.mjs and site/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function astroBin(): string {
  const pkg = createRequire(import.meta.url).resolve('astro/package.json');
  return path.join(path.dirname(pkg), 'bin', 'astro.mjs');
}

export interface SiteBuildOptions {
  /** the chartroom repository whose catalog/ is read */
  root: string;
  /** default: dist/ under the root */
  out?: string;
  /** a sub-path to serve under (GitHub Pages project sites); default CHARTROOM_BASE, else / */
  base?: string;
  /** each line Astro prints; default: nothing is printed, and the lines are in a failure's message */
  onLine?: (line: string, stream: 'out' | 'err') => void;
}

export interface SiteBuildResult {
  outDir: string;
  ms: number;
}

function normaliseBase(base: string | undefined): string {
  if (!base || base === '/') return '/';
  return `/${base.replace(/^\/+|\/+$/g, '')}/`;
}

// Vite reads these from the environment into import.meta.env; a parent that is itself a Vite
// program (Vitest sets BASE_URL=/ and NODE_ENV=test) must not leak them into the site's build.
const VITE_ENV = /^(BASE_URL|MODE|DEV|PROD|SSR|SITE|ASSETS_PREFIX|NODE_ENV|VITEST.*|VITE_.*|TEST)$/;

function siteEnv(root: string, outDir: string, base: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !VITE_ENV.test(key)));
  return {
    ...inherited,
    CHARTROOM_ROOT: root,
    CHARTROOM_OUT: outDir,
    CHARTROOM_BASE: base,
    // no network at build time, and nothing sent anywhere
    ASTRO_TELEMETRY_DISABLED: '1',
  };
}

function checkCatalog(root: string): void {
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
async function workDir(): Promise<string> {
  const parent = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'chartroom-site');
  await mkdir(parent, { recursive: true });
  return mkdtemp(path.join(parent, 'build-'));
}

export async function buildSite(options: SiteBuildOptions): Promise<SiteBuildResult> {
  const root = path.resolve(options.root);
  checkCatalog(root);
  const outDir = path.resolve(options.out ?? path.join(root, 'dist'));
  const base = normaliseBase(options.base ?? process.env.CHARTROOM_BASE);
  const started = performance.now();
  const tail: string[] = [];
  // Astro's root is the build's own folder (its generated .astro/ goes there, not into the checkout);
  // the config and site/ stay in the package
  const work = await workDir();
  // Astro joins --config to --root
  const config = path.relative(work, path.join(PACKAGE_ROOT, 'astro.config.mjs'));
  // Astro moves its prerendered assets into the output folder with rename(), which fails (EXDEV)
  // across filesystems: it builds inside its own folder, and the result is moved out after.
  const built = path.join(work, 'dist');
  const child = spawn(process.execPath, [astroBin(), 'build', '--root', work, '--config', config], {
    cwd: work,
    env: siteEnv(root, built, base),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = (stream: NodeJS.ReadableStream, name: 'out' | 'err') => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        tail.push(line);
        if (tail.length > 200) tail.shift();
        options.onLine?.(line, name);
      }
    });
  };
  lines(child.stdout, 'out');
  lines(child.stderr, 'err');
  let code: number;
  try {
    code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => resolve(status ?? 1));
    });
    if (code === 0) await moveDir(built, outDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  if (code !== 0) {
    throw new ChartroomError(
      'SiteBuildFailed',
      `the site build failed (astro build exited with ${code})${options.onLine ? '' : `:\n${tail.slice(-40).join('\n')}`}`,
      {
        hint: 'the lines above say which page or step failed; the Pagefind step fails the build when indexing fails',
      },
    );
  }
  return { outDir, ms: Math.round(performance.now() - started) };
}

/** Replaces `to` with `from`: a rename on one filesystem, a copy across two. */
async function moveDir(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true });
  }
}

/** `astro dev` on the catalog; resolves with its exit code when it stops. */
export async function devSite(options: { root: string; port?: number; base?: string }): Promise<number> {
  const root = path.resolve(options.root);
  checkCatalog(root);
  const work = await workDir();
  const config = path.relative(work, path.join(PACKAGE_ROOT, 'astro.config.mjs'));
  const args = [astroBin(), 'dev', '--root', work, '--config', config, '--host', '127.0.0.1'];
  if (options.port !== undefined) args.push('--port', String(options.port));
  const child = spawn(process.execPath, args, {
    cwd: work,
    env: siteEnv(root, path.join(root, 'dist'), normaliseBase(options.base ?? process.env.CHARTROOM_BASE)),
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => resolve(status ?? 0));
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await rm(work, { recursive: true, force: true });
  }
}

export async function siteCommand(root: string, args: string[], output: Output): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { out: { type: 'string' }, base: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  if (sub === 'build') {
    if (values.port !== undefined) throw new UsageError('site build takes no --port (site dev does)');
    const result = await buildSite({
      root,
      ...(values.out !== undefined ? { out: path.resolve(values.out) } : {}),
      ...(values.base !== undefined ? { base: values.base } : {}),
      onLine: (line, stream) => (stream === 'out' ? output.out(line) : output.err(line)),
    });
    output.out(`chartroom site: built ${result.outDir} in ${(result.ms / 1000).toFixed(1)} s`);
    return 0;
  }
  if (sub === 'dev') {
    if (values.out !== undefined) throw new UsageError('site dev takes no --out (site build does)');
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new UsageError(`--port must be a port number, not "${values.port}"`);
    }
    return devSite({
      root,
      ...(port !== undefined ? { port } : {}),
      ...(values.base !== undefined ? { base: values.base } : {}),
    });
  }
  throw new UsageError(
    sub === undefined
      ? `site needs a subcommand: ${SITE_USAGE}`
      : `unknown site subcommand "${sub}": ${SITE_USAGE}`,
  );
}
