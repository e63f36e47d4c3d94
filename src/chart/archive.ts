/**
 * Reads a chart archive (`.tgz`) in memory and keeps only the files chartroom publishes. The
 * archive is untrusted: anything that could escape a directory when unpacked elsewhere (`..`,
 * absolute paths, links, devices), oversized entries and decompression bombs refuse the whole
 * archive, not just the entry, because such an archive was not made by `helm package`. Read as
 * Helm's loader reads it: `\` in entry names (packed on Windows) is `/`, and a UTF-8 byte order
 * mark at the start of a kept file is dropped.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { load, FAILSAFE_SCHEMA } from 'js-yaml';
import { ChartroomError } from '../errors.ts';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits.ts';
import { chartYamlMeta, type ChartYamlMeta } from './metadata.ts';
import { withoutTrailingSlashes } from '../slashes.ts';

/**
 * The files at the chart's root that the catalog keeps. Only ever appended to (CHANGELOG.md came
 * last): a version extracted before a file was added here lacks it until a sync fetches that
 * version again. An entry over `maxFileBytes` refuses the archive whichever file it is, so a
 * CHANGELOG.md has README.md's rule: no cap of its own.
 */
export const KEPT_FILES = [
  'Chart.yaml',
  'README.md',
  'values.yaml',
  'values.schema.json',
  'CHANGELOG.md',
] as const;
export type KeptFile = (typeof KEPT_FILES)[number];

export interface ChartFiles {
  /** the kept files at the chart's root, by name */
  files: Map<KeptFile, Buffer>;
  /** what its Chart.yaml says of chart.json's fields: their authority (see README, "The catalog format") */
  chartYaml: ChartYamlMeta;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

function refuse(chart: string, version: string, why: string): ChartroomError {
  return new ChartroomError('ArchiveUnsafe', `${chart} ${version}: archive refused: ${why}`, {
    hint: 'the archive was not made by helm package; ask the chart publisher to republish it',
  });
}

const gunzipAsync = promisify(gunzip);

export async function readChartArchive(
  archive: Buffer,
  expected: { name: string; version: string },
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ChartFiles> {
  const tarball = await gunzipArchive(archive, expected, limits);
  const { files, entries, top } = await readKeptEntries(tarball, expected, limits);
  const { name, version } = expected;
  if (entries === 0)
    throw new ChartroomError('ArchiveInvalid', `${name} ${version}: the chart archive is empty`);
  const chartYaml = checkKeptFiles(files, expected, top);
  return { files, chartYaml };
}

async function gunzipArchive(
  archive: Buffer,
  { name, version }: { name: string; version: string },
  limits: ArchiveLimits,
): Promise<Buffer> {
  try {
    // The +1 MiB leaves room for tar headers and padding around the entries' own cap.
    // async, on zlib's thread pool, so archives decompress beside the downloads; in 256 KiB
    // steps rather than the default 16 KiB, each of which is a round trip to the pool
    return await gunzipAsync(archive, {
      maxOutputLength: limits.maxDecompressedBytes + 1024 * 1024,
      chunkSize: 256 * 1024,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw refuse(
        name,
        version,
        `it decompresses to more than ${limits.maxDecompressedBytes / 1048576} MiB`,
      );
    }
    throw new ChartroomError(
      'ArchiveInvalid',
      `${name} ${version}: the chart archive is not gzip: ${(error as Error).message}`,
    );
  }
}

/**
 * Walks every tar entry, refusing the archive on the first unsafe one (the failure is kept and
 * thrown once the stream ends), and keeps the bytes of the files chartroom stores.
 */
async function readKeptEntries(
  tarball: Buffer,
  { name, version }: { name: string; version: string },
  limits: ArchiveLimits,
): Promise<{ files: Map<KeptFile, Buffer>; entries: number; top: string | undefined }> {
  const files = new Map<KeptFile, Buffer>();
  let total = 0;
  let entries = 0;
  let top: string | undefined;
  let failure: ChartroomError | undefined;
  const fail = (why: string) => void (failure ??= refuse(name, version, why));

  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({ strict: true, maxMetaEntrySize: 1024 * 1024 });
    parser.on('entry', (entry: ReadEntry) => {
      entries++;
      const entryPath = slashPath(entry.path);
      const problem = checkEntry(entry, entryPath, limits);
      if (problem) fail(problem);
      total += entry.size;
      if (total > limits.maxDecompressedBytes)
        fail(`its entries add up to more than ${limits.maxDecompressedBytes / 1048576} MiB`);
      if (entries > limits.maxEntries) fail(`it has more than ${limits.maxEntries} entries`);
      const parts = withoutTrailingSlashes(entryPath).split('/');
      if (parts[0] && !problem) {
        if (top === undefined) top = parts[0];
        else if (top !== parts[0])
          fail(`entries sit under two top folders ("${shown(top)}" and "${shown(parts[0])}")`);
      }
      const file = parts.length === 2 ? (parts[1] as KeptFile) : undefined;
      if (!failure && file && KEPT_FILES.includes(file) && FILE_TYPES.has(entry.type)) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.set(file, withoutBom(Buffer.concat(chunks))));
      } else {
        entry.resume();
      }
    });
    parser.on('warn', (code: string, message: string) => {
      if (code !== 'TAR_ENTRY_INFO')
        failure ??= new ChartroomError('ArchiveInvalid', `${name} ${version}: damaged tar: ${message}`);
    });
    parser.on('error', (error: Error) =>
      reject(new ChartroomError('ArchiveInvalid', `${name} ${version}: damaged tar: ${error.message}`)),
    );
    parser.on('end', () => resolve());
    parser.end(tarball);
  });
  if (failure) throw failure;
  return { files, entries, top };
}

/** Chart.yaml is there and names the expected chart and version; a schema, if any, is JSON. */
function checkKeptFiles(
  files: Map<KeptFile, Buffer>,
  { name, version }: { name: string; version: string },
  top: string | undefined,
): ChartYamlMeta {
  const chartYaml = files.get('Chart.yaml');
  if (!chartYaml) {
    throw new ChartroomError(
      'ChartInvalid',
      `${name} ${version}: the archive has no ${top ?? name}/Chart.yaml`,
      {
        hint: 'a chart archive holds <chart>/Chart.yaml at its root',
      },
    );
  }
  const meta = chartYamlMeta(checkChartYaml(chartYaml, name, version));
  const schema = files.get('values.schema.json');
  if (!schema) return meta;
  try {
    JSON.parse(schema.toString('utf8'));
  } catch (error) {
    throw new ChartroomError(
      'ChartInvalid',
      `${name} ${version}: values.schema.json is not JSON: ${(error as Error).message}`,
    );
  }
  return meta;
}

/**
 * An entry's path with `\` read as `/`, as Helm's loader reads archives packed on Windows
 * (pkg/chart/loader: "Archive could contain \ if generated on Windows"); the checks below then
 * see `..\..\x`, `C:\x` and `\x` as the traversal and absolute paths they are.
 */
function slashPath(entryPath: string): string {
  return entryPath.replaceAll('\\', '/');
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Helm drops a UTF-8 byte order mark at the start of every file it loads; so do we, before parsing and storing. */
function withoutBom(body: Buffer): Buffer {
  return body.subarray(0, 3).equals(UTF8_BOM) ? body.subarray(3) : body;
}

/** An entry name as an error message shows it: no control characters, at most 200 characters. */
function shown(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** What makes the entry unsafe, if anything; `p` is its path with `/` separators (slashPath). */
function checkEntry(entry: ReadEntry, p: string, limits: ArchiveLimits): string | undefined {
  const named = entry.path === p ? `"${shown(p)}"` : `"${shown(entry.path)}" (${shown(p)})`;
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `entry ${named} has an absolute path`;
  if (p.split('/').some((part) => part === '..')) return `entry ${named} climbs out of the chart with ".."`;
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') return `entry ${named} is a link`;
  if (!FILE_TYPES.has(entry.type) && entry.type !== 'Directory')
    return `entry ${named} is a ${entry.type} entry`;
  if (entry.size > limits.maxFileBytes)
    return `entry ${named} is larger than ${limits.maxFileBytes / 1048576} MiB`;
  return undefined;
}

/** The archive's Chart.yaml must be the chart and version the index (or the OCI tag) promised. */
function checkChartYaml(source: Buffer, name: string, version: string): unknown {
  let data: unknown;
  try {
    data = parseChartYaml(source);
  } catch (error) {
    throw new ChartroomError(
      'ChartInvalid',
      `${name} ${version}: Chart.yaml is not YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const meta = (data ?? {}) as Record<string, unknown>;
  const actualName = typeof meta.name === 'string' ? meta.name.trim() : undefined;
  const actualVersion = typeof meta.version === 'string' ? meta.version.trim() : undefined;
  if (actualName !== name || actualVersion !== version) {
    throw new ChartroomError(
      'ChartMismatch',
      `${name} ${version}: the archive's Chart.yaml says ${shown(actualName ?? '(no name)')} ${shown(actualVersion ?? '(no version)')}; refusing a chart that is not what the index lists`,
      { hint: 'the repository index and the archive disagree: ask the publisher to reindex' },
    );
  }
  return data;
}

/**
 * A Chart.yaml as the archive check reads it (and the catalog's stored copy is read again):
 * failsafe schema, every scalar a string, so `version: 1.10` is not read as the float 1.1; no
 * aliases. Throws on YAML that does not parse.
 */
export function parseChartYaml(source: Buffer): unknown {
  return load(source.toString('utf8'), { schema: FAILSAFE_SCHEMA, maxAliases: 0 });
}
