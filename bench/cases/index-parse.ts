/**
 * Case 1: parsing and diffing a Bitnami-sized index (30 MB, 20,000 versions), YAML and JSON
 * forms, against the `yaml` package on the same file and JSON.parse of the JSON form (the floor).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bigIndex } from '../data/big-index.ts';
import { argoIndexFile } from '../data/fixtures.ts';
import { mib, n, ratio, repeat, worker, type BenchContext, type CaseResult, type Sample } from '../lib.ts';

type ParseSample = Sample & { versions: number; fresh: number };

export async function indexParse(ctx: BenchContext): Promise<CaseResult> {
  const count = ctx.small ? 500 : 20_000;
  const index = bigIndex(await readFile(argoIndexFile(), 'utf8'), count);
  const yamlFile = path.join(ctx.scratch, 'big-index.yaml');
  const jsonFile = path.join(ctx.scratch, 'big-index.json');
  const knownFile = path.join(ctx.scratch, 'known.txt');
  await writeFile(yamlFile, index.yaml);
  await writeFile(jsonFile, index.json);
  // the catalog knows all but 10 versions, spread over the index
  const all = index.keys;
  const fresh = new Set(Array.from({ length: 10 }, (_, i) => Math.floor(((i + 0.5) * all.length) / 10)));
  await writeFile(knownFile, all.filter((_, i) => !fresh.has(i)).join('\n'));
  const parse = (parser: string, file: string, ...rest: string[]) =>
    repeat(ctx.runs, () => worker<ParseSample>('parse.ts', [parser, file, ...rest]));
  const chartroomYaml = await parse('chartroom', yamlFile, knownFile);
  const chartroomJson = await parse('chartroom', jsonFile, knownFile);
  const yamlPackage = await parse('yaml', yamlFile);
  const jsonParse = await parse('json-parse', jsonFile);
  const size = `${mib(index.yaml.length)} MiB YAML / ${mib(index.json.length)} MiB JSON`;
  const data = `${n(index.versions)} versions of ${n(index.charts)} charts, ${size}: the real argo-helm index scaled up (bench/data/big-index.ts)`;
  const json = {
    data,
    versions: index.versions,
    yamlBytes: index.yaml.length,
    jsonBytes: index.json.length,
    newFound: chartroomYaml.last.fresh,
    chartroomYaml,
    chartroomJson,
    yamlPackage,
    jsonParse,
    ratioVsYamlPackage: ratio(chartroomYaml.ms, yamlPackage.ms),
    ratioVsJsonParse: ratio(chartroomYaml.ms, jsonParse.ms),
  };
  const markdown = `## 1. Index parse and diff: ${data}

| parser | median time | peak RSS (whole process) |
|---|---|---|
| chartroom, YAML form (parse by chart with js-yaml, normalise, diff: ${chartroomYaml.last.fresh} new of ${n(chartroomYaml.last.versions)}) | ${chartroomYaml.ms} ms | ${chartroomYaml.maxRssMiB} MiB |
| chartroom, JSON form (JSON.parse, normalise, diff) | ${chartroomJson.ms} ms | ${chartroomJson.maxRssMiB} MiB |
| baseline: \`yaml\` package, parse only | ${yamlPackage.ms} ms | ${yamlPackage.maxRssMiB} MiB |
| floor: \`JSON.parse\` of the JSON form, parse only | ${jsonParse.ms} ms | ${jsonParse.maxRssMiB} MiB |

chartroom (YAML) / \`yaml\` package: **${json.ratioVsYamlPackage}x**; chartroom (YAML) / JSON.parse floor: **${json.ratioVsJsonParse}x**.
`;
  return {
    json,
    markdown,
    targets: [
      {
        case: '1. index parse (YAML)',
        target: 'under 1.5 s and 400 MB peak RSS',
        measured: `${chartroomYaml.ms} ms, ${chartroomYaml.maxRssMiB} MiB`,
        met: chartroomYaml.ms < 1500 && chartroomYaml.maxRssMiB < 400,
      },
    ],
  };
}
