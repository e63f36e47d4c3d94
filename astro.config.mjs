// The chart browser: Astro pages in site/ over catalog/ alone, searched with Pagefind.
// `chartroom site build` sets CHARTROOM_ROOT (the repository whose catalog/ is read),
// CHARTROOM_OUT (default dist/ under that root), CHARTROOM_BASE (a sub-path, for GitHub Pages:
// --base, else the environment's, else chartroom.yaml's) and CHARTROOM_SETTINGS (chartroom.yaml's
// site: as JSON, read by site/lib/settings.ts).
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import { pagefind } from './site/integrations/pagefind.ts';

const root = path.resolve(process.env.CHARTROOM_ROOT ?? process.cwd());
const outDir = path.resolve(process.env.CHARTROOM_OUT ?? path.join(root, 'dist'));
const base = process.env.CHARTROOM_BASE || '/';
// One cache per catalog, outside the checkout: builds of different catalogs can run at once.
const cacheDir = path.join(
  tmpdir(),
  'chartroom-astro',
  createHash('sha256').update(root).digest('hex').slice(0, 12),
);

// Absolute, so a build may run with another --root (chartroom site build gives each build its own,
// which keeps Astro's generated .astro/ out of the checkout).
const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  srcDir: here('./site'),
  publicDir: here('./site/public'),
  outDir,
  cacheDir,
  base,
  trailingSlash: 'ignore',
  // concurrency: pages rendered at once. Astro's default, 1, leaves the build idle while each page
  // is written (a CPU profile: 43% idle); 4 overlaps the writes with rendering: 15-18 s against
  // 23-29 s to render 500 charts' 6,051 pages on this 2-core VM, runs interleaved.
  build: { format: 'directory', inlineStylesheets: 'never', concurrency: 4 },
  devToolbar: { enabled: false },
  integrations: [pagefind()],
  vite: {
    cacheDir: path.join(cacheDir, 'vite'),
    // the dev server's root is a temporary folder: let it serve the package's files
    server: { fs: { allow: [here('.')] } },
    build: { assetsInlineLimit: 0 },
    worker: { format: 'es' },
  },
});
