/**
 * Writes `assets/sigstore/trusted_root.json`, the public-good Sigstore trusted root chartroom
 * verifies keyless signatures and bundles with, from `@sigstore/tuf`'s `seeds.json` (a
 * devDependency): the `trusted_root.json` target of the TUF repository
 * `https://tuf-repo-cdn.sigstore.dev`, as sigstore-js ships it to start its TUF client with.
 * Run it with `npm run sigstore-root` after updating `@sigstore/tuf`, and put the date it prints
 * in the README ("Trust"). Nothing is fetched: the bytes come from the installed package.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rootDate, sigstoreTrustFrom } from '../src/trust/sigstore-root.ts';

const REPOSITORY = 'https://tuf-repo-cdn.sigstore.dev';
const TARGET = 'trusted_root.json';
const OUT = fileURLToPath(new URL('../assets/sigstore/trusted_root.json', import.meta.url));

const require = createRequire(import.meta.url);
const seedsPath = require.resolve('@sigstore/tuf/seeds.json');
const { version } = JSON.parse(await readFile(require.resolve('@sigstore/tuf/package.json'), 'utf8')) as {
  version: string;
};
const seeds = JSON.parse(await readFile(seedsPath, 'utf8')) as Record<
  string,
  { targets?: Record<string, string> }
>;
const encoded = seeds[REPOSITORY]?.targets?.[TARGET];
if (typeof encoded !== 'string') throw new Error(`${seedsPath} has no ${REPOSITORY} target ${TARGET}`);
const bytes = Buffer.from(encoded, 'base64');
// refuse to write what chartroom could not load
const trust = sigstoreTrustFrom(bytes, `${seedsPath} ${TARGET}`, 'public good');
await writeFile(OUT, bytes);
console.log(
  `${OUT}: ${bytes.length} bytes, ${trust.digest}, from @sigstore/tuf ${version}; newest entry ${rootDate(bytes) ?? 'undated'}`,
);
