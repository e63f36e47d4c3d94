/**
 * `chartroom site build`: runs Astro (configured by astro.config.mjs at the package root) over
 * the catalog/ of a chartroom repository, in a child process, and moves the result to the output
 * folder (output.ts: only what chartroom wrote there is replaced). Astro's Pagefind step fails the build when indexing fails.
 */
import { spawn } from 'node:child_process';
import { cp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ChartroomError } from '../errors.ts';
import {
  astroBin,
  astroConfigFrom,
  checkCatalog,
  siteEnv,
  siteInputs,
  workDir,
  type SiteInputs,
} from './astro.ts';
import { checkOutDir, placeSite } from './output.ts';

export interface SiteBuildOptions {
  /** the chartroom repository whose catalog/ is read */
  root: string;
  /**
   * default: dist/ under the root; a relative path is relative to the root. Never the repository
   * root, its catalog/, registries/ or .git (UsageError); in a folder that holds other files only
   * the files of the last build (listed in its `.chartroom-site`) are replaced, see output.ts
   */
  out?: string;
  /** a sub-path to serve under (GitHub Pages project sites); default CHARTROOM_BASE, else chartroom.yaml's site.base, else / */
  base?: string;
  /** each line Astro prints; default: nothing is printed, and the lines are in a failure's message */
  onLine?: (line: string, stream: 'out' | 'err') => void;
}

export interface SiteBuildResult {
  outDir: string;
  ms: number;
  /** what the site lacks that the settings could give it (site.url unset) */
  warnings: string[];
  /** chart files the site shows as plain text or only in part (their pages say so) */
  degraded: DegradedContent[];
}

/** As site/lib/content.ts reports it: one JSON line each in the file CHARTROOM_DEGRADED names. */
export interface DegradedContent {
  registry: string;
  chart: string;
  version: string;
  file: string;
  reason: string;
  /** a catalog file that could not be read: what it describes is not on the site at all */
  leftOut?: boolean;
}

const NO_URL =
  "site.url is not set in chartroom.yaml: the feeds' links are relative (their subtitle says so) and pages have no canonical URL; set it to the site's public URL";

/** The lines Astro printed last, for a failure's message when they were not shown. */
const TAIL_LINES = 200;

export async function buildSite(options: SiteBuildOptions): Promise<SiteBuildResult> {
  const root = path.resolve(options.root);
  checkCatalog(root);
  const outDir = path.resolve(root, options.out ?? 'dist');
  const realOut = await checkOutDir(root, outDir);
  const inputs = await siteInputs(root, options.base);
  const started = performance.now();
  const tail: string[] = [];
  // Astro's root is the build's own folder (its generated .astro/ goes there, not into the checkout);
  // the config and site/ stay in the package
  const work = await workDir();
  // Astro moves its prerendered assets into the output folder with rename(), which fails (EXDEV)
  // across filesystems: it builds inside its own folder, and the result is moved out after.
  const built = path.join(work, 'dist');
  const child = spawn(
    process.execPath,
    [astroBin(), 'build', '--root', work, '--config', astroConfigFrom(work)],
    {
      cwd: work,
      env: { ...siteEnv(root, built, inputs), CHARTROOM_DEGRADED: path.join(work, 'degraded.jsonl') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const onLine = (line: string, stream: 'out' | 'err') => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    options.onLine?.(line, stream);
  };
  eachLine(child.stdout, (line) => onLine(line, 'out'));
  eachLine(child.stderr, (line) => onLine(line, 'err'));
  let code: number;
  let degraded: DegradedContent[] = [];
  try {
    code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => resolve(status ?? 1));
    });
    if (code === 0) {
      degraded = await readDegraded(path.join(work, 'degraded.jsonl'));
      await copyLogo(root, built, inputs);
      await placeSite(built, realOut);
    }
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
  const warnings = inputs.settings.site.url === undefined ? [NO_URL] : [];
  return { outDir, ms: Math.round(performance.now() - started), warnings, degraded };
}

async function readDegraded(file: string): Promise<DegradedContent[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DegradedContent);
}

/** site.logo, when it is a repository file, copied to where the header shows it from. */
async function copyLogo(root: string, built: string, { settings, logoFile }: SiteInputs): Promise<void> {
  if (logoFile && settings.site.logo)
    await cp(path.join(root, settings.site.logo), path.join(built, logoFile));
}

/** Calls `onLine` with each complete line of a child's output stream. */
function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
}
