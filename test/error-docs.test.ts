/**
 * The README's table of error codes and the `code` enums of the catalog and sync-report schemas
 * are generated from src/error-catalogue.ts by scripts/error-docs.ts: this fails when a file
 * differs from what the script would write (a code added, or an entry changed, without a re-run).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorTable, generatedFiles, README, ROOT } from '../scripts/error-docs.ts';

const generated = await generatedFiles();

describe('what npm run docs:errors generates', () => {
  it.each([...generated.keys()])('%s is up to date', async (file) => {
    const actual = await readFile(path.join(ROOT, file), 'utf8');
    expect(actual, `${file} differs from src/error-catalogue.ts: run npm run docs:errors`).toBe(
      generated.get(file),
    );
  });

  it.each([
    'unauthorized: authentication required',
    'manifest unknown',
    'name unknown',
    'connection timed out',
    'no charts found',
    'invalid reference format',
  ])('the README table shows "%s", as the messages say it', (words) => {
    expect(errorTable()).toContain(`\`${words}\``);
    expect(generated.get(README)).toContain(`\`${words}\``);
  });
});
