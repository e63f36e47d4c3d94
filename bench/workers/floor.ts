// The floor for a first sync: a minimal loop in plain Node that only downloads, hashes and
// un-gzips/un-tars the same archives in memory (built-in fetch, node:crypto, node:zlib and the
// `tar` parser, 8 at a time, no retries, nothing kept). Argument: a file of archive URLs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import pLimit from 'p-limit';
import { Parser, type ReadEntry } from 'tar';

const urls = readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
const limit = pLimit(8);
const unzip = promisify(gunzip);
let bytes = 0;
let entries = 0;

function untar(tarball: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = new Parser();
    parser.on('entry', (entry: ReadEntry) => {
      entries++;
      entry.resume();
    });
    parser.on('error', reject);
    parser.on('end', () => resolve());
    parser.end(tarball);
  });
}

const started = performance.now();
await Promise.all(
  urls.map((url) =>
    limit(async () => {
      const archive = Buffer.from(await (await fetch(url)).arrayBuffer());
      createHash('sha256').update(archive).digest('hex');
      bytes += archive.length;
      await untar(await unzip(archive, { chunkSize: 256 * 1024 })); // as chartroom does
    }),
  ),
);
const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    archives: urls.length,
    bytes,
    entries,
  }),
);
