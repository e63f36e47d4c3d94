/**
 * Bad configuration: every field of a registry file with a wrong type or value, unknown fields,
 * duplicate keys, YAML syntax errors, empty and non-mapping files, bad file names. For each, the
 * real `chartroom validate` and `chartroom sync` exit 2, name `registries/<file>:LINE:COL` (the
 * line and column are computed from the fixture text, at the `at` needle) and say what to do, and
 * the sync writes nothing: no catalog change, no commit, no state change, no request to the
 * registry that is fine. The spec: one bad registry file stops the whole sync (exit 2, "then
 * nothing is synced or written").
 *
 * The bad files are all in one repository and the CLI runs once per command: the loader reports
 * every file's error, so each row is asserted on that output (spawning the CLI per row would
 * cost a second each).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartroom, type CliResult } from './helpers/cli.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';

interface Case {
  /** the row label, as docs/reliability.md cites it */
  label: string;
  /** the file under registries/ */
  file: string;
  text: string;
  /** where the error must point: the first occurrence of this text (or its nth); null for a file-level error */
  at: string | { text: string; nth: number } | null;
  /** what the message must say */
  says: string;
  /** what to do: in the message or its hint */
  todo: string;
  /** other files the case needs, relative to the repository root */
  extra?: Record<string, string>;
}

const URL_OK = 'url: https://charts.example.org\n';

const CASES: Case[] = [
  // url
  {
    label: 'url: missing',
    file: 'url-missing.yaml',
    text: '# a registry without its url\ndescription: forgot the url\n',
    at: 'description',
    says: 'missing required field "url"',
    todo: 'url: https://host/path',
  },
  {
    label: 'url: a number',
    file: 'url-number.yaml',
    text: 'description: x\nurl: 8080\n',
    at: '8080',
    says: 'url must be a URL',
    todo: 'oci://host[:port]/namespace',
  },
  {
    label: 'url: empty string',
    file: 'url-empty.yaml',
    text: 'url: ""\n',
    at: '""',
    says: 'url is empty',
    todo: 'write url: https://host/path',
  },
  {
    label: 'url: not a URL',
    file: 'url-not-a-url.yaml',
    text: 'description: x\nurl: charts dot example dot org\n',
    at: 'charts dot',
    says: 'invalid reference format: "charts dot example dot org" is not a URL',
    todo: 'use https://host/path for a chart repository',
  },
  {
    label: 'url: plain http without insecure',
    file: 'url-http.yaml',
    text: 'url: http://charts.example.org/\n',
    at: 'http://',
    says: 'uses plain http',
    todo: 'set insecure: true',
  },
  {
    label: 'url: unsupported scheme (ftp)',
    file: 'url-ftp.yaml',
    text: '# mirror\nurl:   ftp://charts.example.org/stable\n',
    at: 'ftp://',
    says: 'invalid reference format: "ftp://charts.example.org/stable" has scheme "ftp"',
    todo: 'oci://host[:port]/namespace for an OCI registry',
  },
  {
    label: 'url: OCI namespace with capitals and a space',
    file: 'url-oci-bad.yaml',
    text: 'url: oci://ghcr.io/Acme Charts\n',
    at: 'oci://',
    says: 'invalid reference format',
    todo: 'oci://host[:port]/namespace',
  },
  {
    label: 'url: user and password in the URL (not echoed)',
    file: 'url-userinfo.yaml',
    text: 'url: https://robot:hunter2-in-url@charts.example.org/stable\n',
    at: 'https://',
    says: 'invalid reference format: "https://***@charts.example.org/stable" carries credentials in the URL',
    todo: 'put them in a credential file',
  },
  {
    label: 'url: a query string (not echoed)',
    file: 'url-query.yaml',
    text: 'url: https://charts.example.org/stable?token=query-s3cret\n',
    at: 'https://',
    says: 'invalid reference format: "https://charts.example.org/stable?…" has a query or fragment',
    todo: 'use https://host/path',
  },
  // description
  {
    label: 'description: a list',
    file: 'description-list.yaml',
    text: `${URL_OK}description: [one, two]\n`,
    at: '[one',
    says: 'description must be text, not a list',
    todo: 'write description: as text',
  },
  // credential
  {
    label: 'credential: a path, not a name',
    file: 'credential-path.yaml',
    text: `${URL_OK}credential: ../../etc/passwd\n`,
    at: '../',
    says: 'credential "../../etc/passwd" is not a credential name',
    todo: 'write credential: NAME for registries/credentials/NAME.yaml',
  },
  {
    label: 'credential: a mapping',
    file: 'credential-map.yaml',
    text: `${URL_OK}credential:\n  username: robot\n`,
    at: 'username',
    says: 'credential must be the name of a credential file, not a mapping',
    todo: 'write credential: NAME',
  },
  // interval
  {
    label: 'interval: not a duration',
    file: 'interval-word.yaml',
    text: `${URL_OK}interval: hourly\n`,
    at: 'hourly',
    says: 'interval must be a duration like 30s, 2m or 1h30m, or 0, not the string "hourly"',
    todo: 'write interval: 30s, 2m or 1h30m',
  },
  {
    label: 'interval: a bare number',
    file: 'interval-number.yaml',
    text: `${URL_OK}interval: 300\n`,
    at: '300',
    says: 'interval must be a duration like 30s, 2m or 1h30m, or 0, not 300',
    todo: 'write interval: 30s, 2m or 1h30m',
  },
  {
    label: 'interval: days (1d)',
    file: 'interval-days.yaml',
    text: `${URL_OK}interval: 1d\n`,
    at: '1d',
    says: 'interval must be a duration',
    todo: 'write interval: 30s, 2m or 1h30m (10s to 24h)',
  },
  {
    label: 'interval: under 10s',
    file: 'interval-short.yaml',
    text: `${URL_OK}interval: 5s\n`,
    at: '5s',
    says: 'interval "5s" is outside 10s..24h',
    todo: 'pick a value in that range',
  },
  {
    label: 'interval: over 24h',
    file: 'interval-long.yaml',
    text: `${URL_OK}interval: 24h1s\n`,
    at: '24h1s',
    says: 'interval "24h1s" is outside 10s..24h',
    todo: 'or 0 to disable automatic sync',
  },
  // charts
  {
    label: 'charts: a string, not a list',
    file: 'charts-string.yaml',
    text: `${URL_OK}charts: nginx\n`,
    at: 'nginx',
    says: 'charts must be a list of chart names, not the string "nginx"',
    todo: 'write charts: [nginx, redis]',
  },
  {
    label: 'charts: the same chart twice',
    file: 'charts-duplicate.yaml',
    text: `${URL_OK}charts:\n  - nginx\n  - redis\n  - nginx\n`,
    at: { text: 'nginx', nth: 2 },
    says: 'charts lists "nginx" twice',
    todo: 'remove the second "nginx" from charts',
  },
  {
    label: 'charts: an item that is a number',
    file: 'charts-number.yaml',
    text: `${URL_OK}charts: [nginx, 42]\n`,
    at: '42',
    says: 'charts item 2 must be a string, not 42',
    todo: 'write charts: [nginx, redis]',
  },
  {
    label: 'charts: an empty item',
    file: 'charts-empty-item.yaml',
    text: `${URL_OK}charts: [nginx, ""]\n`,
    at: '""',
    says: 'charts item 2 is empty',
    todo: 'write charts: [nginx, redis]',
  },
  // exclude
  {
    label: 'exclude: a string, not a list',
    file: 'exclude-string.yaml',
    text: `${URL_OK}exclude: "*-test"\n`,
    at: '"*-test"',
    says: 'exclude must be a list of chart names or globs, not the string "*-test"',
    todo: 'write exclude: ["*-test", legacy]',
  },
  {
    label: 'exclude: a mapping item',
    file: 'exclude-map.yaml',
    text: `${URL_OK}exclude:\n  - name: legacy\n`,
    at: 'name: legacy',
    says: 'exclude item 1 must be a string, not a mapping',
    todo: 'write exclude:',
  },
  // versions
  {
    label: 'versions: not a semver range',
    file: 'versions-banana.yaml',
    text: `${URL_OK}versions: ">=banana"\n`,
    at: '">=banana"',
    says: 'versions ">=banana" is not a semver range',
    todo: 'write a range such as ">=1.0.0"',
  },
  {
    label: 'versions: a number',
    file: 'versions-number.yaml',
    text: `${URL_OK}versions: 1.2\n`,
    at: '1.2',
    says: 'versions must be a semver range, not 1.2',
    todo: 'write a quoted range such as versions: ">=1.0.0"',
  },
  // prereleases
  {
    label: 'prereleases: yes (YAML 1.1, a string in YAML 1.2)',
    file: 'prereleases-yes.yaml',
    text: `${URL_OK}prereleases: yes\n`,
    at: 'yes',
    says: 'prereleases must be true or false, not the string "yes"',
    todo: 'write prereleases: true or prereleases: false',
  },
  {
    label: 'prereleases: a number',
    file: 'prereleases-number.yaml',
    text: `${URL_OK}prereleases: 1\n`,
    at: '1\n',
    says: 'prereleases must be true or false, not 1',
    todo: 'write prereleases: true',
  },
  // keep
  {
    label: 'keep: 0',
    file: 'keep-zero.yaml',
    text: `${URL_OK}keep: 0\n`,
    at: '0',
    says: 'keep must be a positive integer or "all", not 0',
    todo: 'write keep: 20',
  },
  {
    label: 'keep: negative',
    file: 'keep-negative.yaml',
    text: `${URL_OK}keep: -3\n`,
    at: '-3',
    says: 'keep must be a positive integer or "all", not -3',
    todo: 'or keep: all',
  },
  {
    label: 'keep: "some"',
    file: 'keep-some.yaml',
    text: `${URL_OK}keep: some\n`,
    at: 'some',
    says: 'keep must be a positive integer or "all", not the string "some"',
    todo: 'write keep: 20',
  },
  {
    label: 'keep: a fraction',
    file: 'keep-fraction.yaml',
    text: `${URL_OK}keep: 2.5\n`,
    at: '2.5',
    says: 'keep must be a positive integer or "all", not 2.5',
    todo: 'write keep: 20',
  },
  // maxAttempts
  {
    label: 'maxAttempts: 0',
    file: 'attempts-zero.yaml',
    text: `${URL_OK}maxAttempts: 0\n`,
    at: '0',
    says: 'maxAttempts must be an integer from 1 to 100, not 0',
    todo: 'write maxAttempts: 10 (1 to 100)',
  },
  {
    label: 'maxAttempts: 101',
    file: 'attempts-101.yaml',
    text: `${URL_OK}maxAttempts: 101\n`,
    at: '101',
    says: 'maxAttempts must be an integer from 1 to 100, not 101',
    todo: 'write maxAttempts: 10 (1 to 100)',
  },
  {
    label: 'maxAttempts: a word',
    file: 'attempts-word.yaml',
    text: `${URL_OK}maxAttempts: ten\n`,
    at: 'ten',
    says: 'maxAttempts must be an integer from 1 to 100, not the string "ten"',
    todo: 'write maxAttempts: 10',
  },
  // insecure
  {
    label: 'insecure: a quoted "true"',
    file: 'insecure-string.yaml',
    text: `${URL_OK}insecure: "true"\n`,
    at: '"true"',
    says: 'insecure must be true or false, not the string "true"',
    todo: 'write insecure: true',
  },
  // caFile
  {
    label: 'caFile: a file that does not exist',
    file: 'cafile-missing.yaml',
    text: `${URL_OK}caFile: certs/corporate-root.pem\n`,
    at: 'certs/',
    says: 'caFile "certs/corporate-root.pem" does not exist',
    todo: 'commit the PEM file',
  },
  {
    label: 'caFile: a file that holds no certificate',
    file: 'cafile-not-pem.yaml',
    text: `${URL_OK}caFile: certs/notes.txt\n`,
    at: 'certs/',
    says: 'caFile "certs/notes.txt" holds no PEM certificate',
    todo: 'a PEM file with the CA certificates',
    extra: { 'certs/notes.txt': 'remember to add the CA\n' },
  },
  {
    label: 'caFile: a folder',
    file: 'cafile-folder.yaml',
    text: `${URL_OK}caFile: certs\n`,
    at: 'certs',
    says: 'caFile "certs" is not a file',
    todo: 'a PEM file with the CA certificates',
  },
  {
    label: 'caFile: a list',
    file: 'cafile-list.yaml',
    text: `${URL_OK}caFile: [a.pem, b.pem]\n`,
    at: '[a.pem',
    says: 'caFile must be a file path, not a list',
    todo: 'write caFile: the path of a PEM file',
  },
  // passCredentials
  {
    label: 'passCredentials: a string',
    file: 'pass-string.yaml',
    text: `${URL_OK}passCredentials: always\n`,
    at: 'always',
    says: 'passCredentials must be true or false, not the string "always"',
    todo: 'write passCredentials: true',
  },
  // unknown fields
  {
    label: 'unknown field: intervall (did you mean)',
    file: 'unknown-typo.yaml',
    text: `${URL_OK}description: x\nintervall: 5m\n`,
    at: 'intervall',
    says: 'unknown field "intervall": did you mean "interval"?',
    todo: 'rename it to interval',
  },
  {
    label: 'unknown field: max_attempts (did you mean)',
    file: 'unknown-snake.yaml',
    text: `${URL_OK}max_attempts: 3\n`,
    at: 'max_attempts',
    says: 'unknown field "max_attempts": did you mean "maxAttempts"?',
    todo: 'rename it to maxAttempts',
  },
  {
    label: 'unknown field: password in a registry file (not echoed)',
    file: 'unknown-password.yaml',
    text: `${URL_OK}username: robot\npassword: hunter2-in-file\n`,
    at: 'username',
    says: 'unknown field "username"',
    todo: 'secrets never go in a registry file',
  },
  {
    label: 'unknown field: name',
    file: 'unknown-name.yaml',
    text: `name: acme\n${URL_OK}`,
    at: 'name',
    says: 'unknown field "name"',
    todo: "the registry's name is its file name",
  },
  {
    label: 'unknown field: no near miss',
    file: 'unknown-other.yaml',
    text: `${URL_OK}replicas: 3\n`,
    at: 'replicas',
    says: 'unknown field "replicas": remove it or check its spelling',
    todo: 'the fields are url, description, credential, interval',
  },
  // YAML
  {
    label: 'YAML: duplicate key',
    file: 'yaml-duplicate-key.yaml',
    text: `${URL_OK}keep: 5\ndescription: x\nkeep: 10\n`,
    at: { text: 'keep', nth: 2 },
    says: 'YAML syntax: "keep" is set twice',
    todo: 'keep one of the two keep: lines',
  },
  {
    label: 'YAML: tab indentation',
    file: 'yaml-tab.yaml',
    text: `${URL_OK}charts:\n\t- nginx\n`,
    at: '\t',
    says: 'YAML syntax: Tabs are not allowed as indentation',
    todo: 'indent with spaces, not tabs',
  },
  {
    label: 'YAML: unclosed quote',
    file: 'yaml-quote.yaml',
    text: 'description: "Acme charts\nurl: https://charts.example.org\n',
    at: '"',
    says: 'the quoted value that starts here is never closed',
    todo: 'close the quote',
  },
  {
    label: 'YAML: unclosed flow sequence',
    file: 'yaml-flow.yaml',
    text: `${URL_OK}charts: [nginx, redis\nkeep: 5\n`,
    at: '[',
    says: 'the [ that starts here is never closed',
    todo: 'close it with ]',
  },
  {
    label: 'YAML: flow sequence closed with }',
    file: 'yaml-flow-brace.yaml',
    text: `${URL_OK}exclude: [legacy, old}\n`,
    at: '[',
    says: 'never closed',
    todo: 'close it with ]',
  },
  {
    label: 'YAML: alias to no anchor',
    file: 'yaml-alias.yaml',
    text: `${URL_OK}keep: *count\n`,
    at: '*count',
    says: 'the alias *count refers to no anchor',
    todo: 'write the values out',
  },
  {
    label: 'YAML: alias bomb',
    file: 'yaml-alias-bomb.yaml',
    text: [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      URL_OK,
    ].join('\n'),
    at: '*a',
    says: 'YAML aliases here expand too far',
    todo: 'write the values out',
  },
  {
    label: 'YAML: two documents in one file',
    file: 'yaml-two-docs.yaml',
    text: `${URL_OK}---\nurl: https://other.example.org\n`,
    at: '---',
    says: 'a second YAML document starts here (---)',
    todo: 'remove the --- line',
  },
  // the file as a whole
  {
    label: 'empty file',
    file: 'empty.yaml',
    text: '',
    at: '',
    says: 'the file is empty: a registry file must be a mapping',
    todo: 'at least url: https://',
  },
  {
    label: 'only comments',
    file: 'comments.yaml',
    text: '# url: https://charts.example.org\n',
    at: '',
    says: 'the file is empty',
    todo: 'at least url: https://',
  },
  {
    label: 'a list, not a mapping',
    file: 'a-list.yaml',
    text: '# fields as a list\n- url: https://charts.example.org\n',
    at: '-',
    says: 'the file is a list: a registry file must be a mapping',
    todo: 'without "- "',
  },
  {
    label: 'a single value, not a mapping',
    file: 'a-scalar.yaml',
    text: 'https://charts.example.org\n',
    at: 'https',
    says: 'the file is a single value',
    todo: 'key: value lines',
  },
  {
    label: 'file name with capitals and an underscore',
    file: 'Acme_Charts.yaml',
    text: URL_OK,
    at: null,
    says: '"Acme_Charts" is not a valid registry name',
    todo: 'rename the file to lowercase letters, digits and dashes',
  },
  {
    label: 'the same registry in name.yaml and name.yml',
    file: 'twice.yml',
    text: URL_OK,
    at: null,
    says: 'registry "twice" is also defined in registries/twice.yaml',
    todo: 'keep one of the two files',
    extra: { 'registries/twice.yaml': URL_OK },
  },
];

/** 1-based line and column of a needle in the fixture, as an editor counts them. */
function locate(text: string, at: Case['at']): { line: number; column: number } | undefined {
  if (at === null) return undefined;
  const { text: needle, nth } = typeof at === 'string' ? { text: at, nth: 1 } : at;
  let offset = -1;
  for (let i = 0; i < nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset === -1) throw new Error(`fixture has no ${nth}th ${JSON.stringify(needle)}`);
  }
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The `error:` lines of a run, each with its `  hint:` line. */
function reported(result: CliResult): Array<{ message: string; hint: string }> {
  const out: Array<{ message: string; hint: string }> = [];
  for (const line of result.stderr.split('\n')) {
    if (line.startsWith('error: ')) out.push({ message: line.slice('error: '.length), hint: '' });
    else if (line.startsWith('  hint: ') && out.length > 0) out.at(-1)!.hint = line.slice('  hint: '.length);
  }
  return out;
}

const SECRETS = ['hunter2-in-url', 'query-s3cret', 'hunter2-in-file'];

let repo: TempRepo;
let served: ServedRepository;
let validate: CliResult;
let sync: CliResult;
let before: { head: string; state: string; catalog: string };

const snapshot = async () => ({
  head: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.root }).toString().trim(),
  state: await readFile(path.join(repo.root, '.chartroom', 'state.json'), 'utf8'),
  // every catalog file with its content hash, tracked or not
  catalog: execFileSync('git', ['ls-files', '-s', '--others', '--', 'catalog'], {
    cwd: repo.root,
  }).toString(),
});

beforeAll(async () => {
  repo = await createTempRepo();
  const chart = await writeOwnChart('fine');
  served = await serveCharts([{ dir: chart.dir, name: 'fine', versions: ['1.0.0'] }]);
  // a registry that is fine, synced once: the bad files must not cost it anything
  await repo.writeRegistry('good', `url: ${served.url}\ninsecure: true\n`);
  const first = await chartroom(['sync', '--root', repo.root]);
  expect(first.stderr).toContain('✓ good: 1 new');
  expect(first.code).toBe(0);

  await mkdir(path.join(repo.root, 'certs'), { recursive: true });
  for (const c of CASES) {
    await writeFile(path.join(repo.root, 'registries', c.file), c.text);
    for (const [file, content] of Object.entries(c.extra ?? {})) {
      await writeFile(path.join(repo.root, file), content);
    }
  }
  await repo.git.add('.').commit('bad registry files');
  before = await snapshot();
  served.reset();
  [validate, sync] = await Promise.all([
    chartroom(['validate', '--root', repo.root]),
    chartroom(['sync', '--force', '--root', repo.root]),
  ]);
}, 60_000);

afterAll(async () => {
  await served?.close();
  await repo?.cleanup();
});

describe('bad registry files', () => {
  it('validate and sync both exit 2, report every bad file once, and the sync writes nothing', async () => {
    expect(validate.code).toBe(2);
    expect(sync.code).toBe(2);
    // every problem of a file is reported: unknown-password.yaml has two (username and password)
    expect(validate.stderr).toContain(`${CASES.length + 1} problems found`);
    expect(validate.stdout).toContain('ok registries/good.yaml');
    // only the bad files are reported, each once
    for (const result of [validate, sync]) {
      expect(
        reported(result)
          .map((e) => /^registries\/[^:]+/.exec(e.message)?.[0])
          .sort(),
      ).toEqual([...CASES.map((c) => `registries/${c.file}`), 'registries/unknown-password.yaml'].sort());
    }
    expect(sync.stderr.trimEnd().split('\n').at(-1)).toBe(
      'nothing was synced: fix the registry files above (chartroom validate checks them)',
    );
    // one bad file stops the whole sync: not even the good registry was fetched
    expect(served.since()).toEqual([]);
    expect(sync.stderr).not.toContain('✓ good');
    expect(await snapshot()).toEqual(before);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo.root }).toString()).toBe('');
    // nothing secret written in a registry file is echoed
    for (const secret of SECRETS) expect(validate.stderr + sync.stderr).not.toContain(secret);
  });

  it.each(CASES.map((c) => [c.label, c] as const))(
    '%s: named with file:line:col and what to do, in validate and sync',
    (_label, c) => {
      const where = locate(c.text, c.at);
      const prefix = `registries/${c.file}${where ? `:${where.line}:${where.column}` : ''}: `;
      for (const result of [validate, sync]) {
        const error = reported(result).find((e) => e.message.startsWith(`registries/${c.file}:`));
        expect(error, `${c.file} in\n${result.stderr}`).toBeDefined();
        expect(error!.message.startsWith(prefix), `${error!.message} starts with ${prefix}`).toBe(true);
        expect(error!.message).toContain(c.says);
        expect(`${error!.message}\n${error!.hint}`).toContain(c.todo);
      }
    },
  );
});
