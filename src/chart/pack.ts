/**
 * Packs a chart source folder into a `.tgz` the way `helm package` lays it out (entries under
 * `<chart-name>/`). The demo, the tests and the benchmark use it; the sync never packs.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';

export interface PackOptions {
  /** replace the `version:` line of Chart.yaml (to make several versions of one chart) */
  version?: string;
  /** the top folder; defaults to the chart name given */
  name: string;
  /** a fixed mtime keeps archives (and so their digests) reproducible */
  mtime?: Date;
}

export async function packChartDir(dir: string, options: PackOptions): Promise<Buffer> {
  const files = await listFiles(dir);
  const entries: Array<{ path: string; body: Buffer }> = [];
  for (const rel of files) {
    let body = await readFile(path.join(dir, rel));
    if (rel === 'Chart.yaml' && options.version !== undefined)
      body = Buffer.from(setChartVersion(body.toString('utf8'), options.version));
    entries.push({ path: `${options.name}/${rel}`, body });
  }
  return packEntries(entries, options.mtime);
}

/** Rewrites only the top-level `version:` line of a Chart.yaml. */
export function setChartVersion(chartYaml: string, version: string): string {
  if (!/^version:.*$/m.test(chartYaml)) throw new Error('Chart.yaml has no top-level version: line');
  return chartYaml.replace(/^version:.*$/m, `version: ${version}`);
}

export interface RawEntry {
  path: string;
  body?: Buffer;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice';
  linkpath?: string;
  /** declared size, when a test wants a header that lies */
  size?: number;
}

/** Builds a gzip'd tar from raw entries. Tests use it to write hostile archives too. */
export function packEntries(entries: RawEntry[], mtime = new Date('2024-01-01T00:00:00Z')): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.body ?? Buffer.alloc(0);
    const type = entry.type ?? 'File';
    const header = new Header({
      path: entry.path,
      mode: type === 'Directory' ? 0o755 : 0o644,
      size: type === 'File' ? (entry.size ?? body.length) : 0,
      mtime,
      type,
      ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    // a path or link over ustar's 100 (+155) characters goes in a pax extended header before it
    if (header.encode(block, 0))
      blocks.push(
        new Pax({
          path: entry.path,
          mtime,
          ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
        }).encode(),
      );
    blocks.push(block);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}
