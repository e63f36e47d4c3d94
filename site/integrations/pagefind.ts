/**
 * Pagefind as a build step, as Starlight runs it: index the built pages, write the index next to
 * them, and fail the build (by throwing) when indexing fails. Only chart pages carry
 * `data-pagefind-body`, so only they are searchable.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { close, createIndex } from 'pagefind';

/** charts/<registry>/<chart>/index.html, as built with `build.format: 'directory'` */
export const CHART_PAGES = 'charts/*/*/index.html';

export function pagefind(): AstroIntegration {
  return {
    name: 'chartroom-pagefind',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = fileURLToPath(dir);
        try {
          const { index, errors: createErrors } = await createIndex({ includeCharacters: '-_.' });
          if (!index) throw new Error(`Pagefind could not create an index: ${createErrors.join('; ')}`);
          // only chart pages carry data-pagefind-body: reading the rest (version pages, lists,
          // compare) costs Pagefind about 2 ms a page for nothing (measured: 18 s of a 1,000-chart
          // build's 19 s Pagefind step read the 11,000 pages it then skipped)
          const { errors: addErrors, page_count } = await index.addDirectory({
            path: outDir,
            glob: CHART_PAGES,
          });
          if (addErrors.length > 0)
            throw new Error(`Pagefind could not index ${outDir}: ${addErrors.join('; ')}`);
          // a catalog with no chart yet (`chartroom init`, before the first sync) has no chart page
          // and an empty index; a folder without even the home page is no built site
          if (page_count === 0 && !existsSync(path.join(outDir, 'index.html')))
            throw new Error(`Pagefind found no built site to index in ${outDir}`);
          const { errors: writeErrors } = await index.writeFiles({ outputPath: `${outDir}/pagefind` });
          if (writeErrors.length > 0)
            throw new Error(`Pagefind could not write its index: ${writeErrors.join('; ')}`);
          logger.info(`Pagefind indexed ${page_count} pages`);
        } finally {
          await close();
        }
      },
    },
  };
}
