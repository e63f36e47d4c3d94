// The index request alone, as the sync makes it (an unconditional GET through chartroom's HTTP
// client), with `parse` also a full parse of it: what an incremental sync's time is compared to.
import { createHttpClient } from '../../src/http/client.ts';
import { DEFAULT_MAX_INDEX_BYTES, indexUrl } from '../../src/sources/helm/index.ts';
import { parseHelmIndex } from '../../src/sources/helm/index-parse.ts';

const [url, mode] = process.argv.slice(2) as [string, 'get' | 'parse'];
const http = createHttpClient();
const started = performance.now();
const response = await http.get(indexUrl(url), {
  maxBytes: DEFAULT_MAX_INDEX_BYTES,
  decompress: true,
  what: 'index',
});
const versions = mode === 'parse' ? parseHelmIndex(response.body, url).versions.length : 0;
const ms = performance.now() - started;
await http.close();
process.stdout.write(
  JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    bytes: response.body.length,
    versions,
  }),
);
