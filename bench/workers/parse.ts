// Parses one index file in a fresh process and reports the time and the process's peak RSS.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseHelmIndex } from '../src/sources/helm/index-parse.ts';

const [parser, file] = process.argv.slice(2) as [string, string];
const body = readFileSync(file);
const started = performance.now();
let versions = 0;
if (parser === 'chartroom') versions = parseHelmIndex(body, 'https://charts.example.org/').versions.length;
else if (parser === 'yaml')
  versions = Object.values(
    (parse(body.toString('utf8')) as { entries: Record<string, unknown[]> }).entries,
  ).flat().length;
else if (parser === 'json-parse')
  versions = Object.values(
    (JSON.parse(body.toString('utf8')) as { entries: Record<string, unknown[]> }).entries,
  ).flat().length;
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, versions }));
