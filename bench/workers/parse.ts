// Parses one index file in a fresh process and reports the time and the process's peak RSS.
// `chartroom` also diffs the result against the versions already known (a file of
// "chart version" lines), as the sync does before deciding what to download.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseHelmIndex } from '../../src/sources/helm/index-parse.ts';

const [parser, file, knownFile] = process.argv.slice(2) as [string, string, string | undefined];
const body = readFileSync(file);
const known = knownFile ? new Set(readFileSync(knownFile, 'utf8').split('\n')) : new Set<string>();
const started = performance.now();
let versions = 0;
let fresh = 0;
if (parser === 'chartroom') {
  const parsed = parseHelmIndex(body, 'https://charts.example.org/').versions;
  versions = parsed.length;
  fresh = parsed.filter((v) => !known.has(`${v.chart} ${v.version}`)).length;
} else if (parser === 'yaml')
  versions = Object.values(
    (parse(body.toString('utf8')) as { entries: Record<string, unknown[]> }).entries,
  ).flat().length;
else if (parser === 'json-parse')
  versions = Object.values(
    (JSON.parse(body.toString('utf8')) as { entries: Record<string, unknown[]> }).entries,
  ).flat().length;
const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, versions, fresh }),
);
