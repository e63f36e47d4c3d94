/**
 * The sync plan, one row per situation (as Flux's TestChartRepository_GetChartVersion): the
 * catalog before, the listing and the definition in, the plan out. `deleteFiles` is what goes
 * once every planned fetch succeeded (settleChart), since the keep window is settled after them.
 */
import { describe, expect, it } from 'vitest';
import type { ChartVersionMeta } from '../chart/metadata.ts';
import type {
  CatalogChart,
  CatalogRegistry,
  CatalogVersion,
  FailedVersion,
  Republished,
} from '../catalog/types.ts';
import type { RegistryDefinition } from '../config/types.ts';
import type { Fetched } from './fetch-versions.ts';
import { planRegistry, type Listing, type PlanInput, type RegistryPlan } from './plan.ts';
import { CURRENT_KEPT_FILES } from './kept-files.ts';
import { settleChart } from './write-charts.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const EARLIER = '2025-06-01T11:00:00.000Z';
const LATER = '2025-06-01T13:00:00.000Z';

function registry(fields: Partial<RegistryDefinition>): RegistryDefinition {
  return {
    name: 'r',
    file: 'registries/r.yaml',
    url: 'https://charts.example.test',
    kind: 'http',
    description: undefined,
    credential: undefined,
    intervalMs: 0,
    charts: undefined,
    exclude: [],
    versions: undefined,
    prereleases: true,
    keep: 2,
    maxAttempts: 3,
    insecure: false,
    caFile: undefined,
    passCredentials: false,
    ...fields,
  };
}

/** an upstream version, as a listing gives it */
const up = (chart: string, version: string, fields: Partial<ChartVersionMeta> = {}): ChartVersionMeta => ({
  chart,
  version,
  sources: [],
  keywords: [],
  maintainers: [],
  deprecated: false,
  created: '2025-01-01T00:00:00.000Z',
  urls: [`https://charts.example.test/${chart}-${version}.tgz`],
  ...fields,
});

/** a version the catalog holds with its files */
const held = (version: string, fields: Partial<CatalogVersion> = {}): CatalogVersion => ({
  version,
  created: '2025-01-01T00:00:00.000Z',
  deprecated: false,
  removed: false,
  files: ['Chart.yaml'],
  ...fields,
});

/** a version the catalog lists without files (outside `keep` when it was recorded) */
const listed = (version: string, fields: Partial<CatalogVersion> = {}) =>
  held(version, { files: [], ...fields });

/** A chart as written since CHANGELOG.md is kept: marked `keptFiles` (kept-files.ts). */
const chart = (name: string, versions: CatalogVersion[]): CatalogChart => ({
  ...unmarked(name, versions),
  keptFiles: [...CURRENT_KEPT_FILES],
});

/** A chart written before CHANGELOG.md was kept: no `keptFiles`. */
const unmarked = (name: string, versions: CatalogVersion[]): CatalogChart => ({
  name,
  registry: 'r',
  sources: [],
  keywords: [],
  maintainers: [],
  deprecated: false,
  versions,
});

const failure = (chart: string, version: string, fields: Partial<FailedVersion> = {}): FailedVersion => ({
  chart,
  version,
  code: 'HttpError',
  message: 'HTTP 503',
  attempts: 1,
  firstFailure: EARLIER,
  lastFailure: EARLIER,
  nextRetry: LATER,
  gaveUp: false,
  ...fields,
});

const flag = (chart: string, version: string, digest: string, previousDigest: string): Republished => ({
  chart,
  version,
  digest,
  previousDigest,
});

interface Row {
  name: string;
  registry?: Partial<RegistryDefinition>;
  catalog?: CatalogChart[];
  failed?: FailedVersion[];
  republished?: Republished[];
  listing: Listing;
  retryFailed?: boolean;
  refetchBudget?: number;
  want: Partial<Summary>;
}

/** The plan, as "chart version" strings. */
interface Summary {
  /** `refill`: a listed version whose files come now; `refetch`: one fetched again for CHANGELOG.md */
  fetch: string[];
  /** charts whose refetch waits for a later run */
  pending: string[];
  /** per planned chart, what chart.json keeps: version, then +files, removed, deprecated, @digest */
  records: Record<string, string[]>;
  deleteFiles: string[];
  kept: string[];
  removeCharts: string[];
  added: string[];
  removed: string[];
  dropped: string[];
  republished: string[];
  failures: string[];
  waiting: number;
}

const NOTHING: Summary = {
  fetch: [],
  pending: [],
  records: {},
  deleteFiles: [],
  kept: [],
  removeCharts: [],
  added: [],
  removed: [],
  dropped: [],
  republished: [],
  failures: [],
  waiting: 0,
};

const ref = (v: { chart: string; version: string }) => `${v.chart} ${v.version}`;

function describeRecord(v: CatalogVersion): string {
  const marks = [v.files.length > 0 && '+files', v.removed && 'removed', v.deprecated && 'deprecated'];
  if (v.digest) marks.push(`@${v.digest}`);
  return [v.version, ...marks.filter((m) => m !== false)].join(' ');
}

function summarize(plan: RegistryPlan, keep: RegistryDefinition['keep']): Summary {
  const allFetched = (meta: ChartVersionMeta): Fetched => ({
    digest: meta.digest ?? 'sha256:f',
    fileNames: ['Chart.yaml'],
  });
  return {
    fetch: plan.charts.flatMap((c) =>
      c.fetch.map((t) => `${ref(t.meta)}${t.refetch ? ' refetch' : t.refill ? ' refill' : ''}`),
    ),
    pending: plan.charts.filter((c) => c.refetchPending).map((c) => c.chart),
    records: Object.fromEntries(
      plan.charts.map((c) => [c.chart, [...c.records.values()].map(describeRecord)]),
    ),
    deleteFiles: plan.charts.flatMap((c) => {
      const settled = settleChart(
        c,
        c.fetch.map((t) => allFetched(t.meta)),
        keep,
        NOW.toISOString(),
      );
      return settled.deleteFiles.map((version) => `${c.chart} ${version}`);
    }),
    kept: plan.kept.map((c) => c.name),
    removeCharts: plan.removeCharts,
    added: plan.added.map(ref),
    removed: plan.removed.map(ref),
    dropped: plan.dropped.map(ref),
    republished: plan.republished.map((r) => `${ref(r)} ${r.digest} was ${r.previousDigest}`),
    failures: plan.failures.map(ref),
    waiting: plan.waiting,
  };
}

const rows: Row[] = [
  {
    name: 'new version: fetched',
    listing: { versions: [up('a', '1.0.0')] },
    want: { fetch: ['a 1.0.0'], records: { a: [] } },
  },
  {
    name: 'new version outside keep: recorded from its metadata, not downloaded',
    registry: { keep: 1 },
    listing: { versions: [up('a', '2.0.0'), up('a', '1.0.0')] },
    want: { fetch: ['a 2.0.0'], records: { a: ['1.0.0'] }, added: ['a 1.0.0'] },
  },
  {
    name: 'held and listed as before: nothing to do',
    catalog: [chart('a', [held('1.0.0', { digest: 'sha256:1' })])],
    listing: { versions: [up('a', '1.0.0', { digest: 'sha256:1' })] },
    want: { records: { a: ['1.0.0 +files @sha256:1'] } },
  },
  {
    name: 'removed upstream: flagged, record and files kept',
    catalog: [chart('a', [held('2.0.0'), held('1.0.0')])],
    listing: { versions: [up('a', '2.0.0')] },
    want: { records: { a: ['2.0.0 +files', '1.0.0 +files removed'] }, removed: ['a 1.0.0'] },
  },
  {
    name: 'removed upstream earlier: not reported again, not refilled',
    catalog: [chart('a', [listed('1.0.0', { removed: true })])],
    listing: { versions: [] },
    want: { records: { a: ['1.0.0 removed'] } },
  },
  {
    name: 'reappeared after removal: unflagged, files refilled inside keep',
    catalog: [chart('a', [listed('1.0.0', { removed: true })])],
    listing: { versions: [up('a', '1.0.0')] },
    want: { fetch: ['a 1.0.0 refill'], records: { a: ['1.0.0'] } },
  },
  {
    name: 'republished with another digest: flagged, the old record kept',
    catalog: [chart('a', [held('1.0.0', { digest: 'sha256:old' })])],
    listing: { versions: [up('a', '1.0.0', { digest: 'sha256:new' })] },
    want: {
      records: { a: ['1.0.0 +files @sha256:old'] },
      republished: ['a 1.0.0 sha256:new was sha256:old'],
    },
  },
  {
    name: 'republished and flagged before: the flag is found again in the listing',
    catalog: [chart('a', [held('1.0.0', { digest: 'sha256:old' })])],
    republished: [flag('a', '1.0.0', 'sha256:new', 'sha256:old')],
    listing: { versions: [up('a', '1.0.0', { digest: 'sha256:new' })] },
    want: {
      records: { a: ['1.0.0 +files @sha256:old'] },
      republished: ['a 1.0.0 sha256:new was sha256:old'],
    },
  },
  {
    name: 'flagged before, republished back: the flag goes',
    catalog: [chart('a', [held('1.0.0', { digest: 'sha256:old' })])],
    republished: [flag('a', '1.0.0', 'sha256:new', 'sha256:old')],
    listing: { versions: [up('a', '1.0.0', { digest: 'sha256:old' })] },
    want: { records: { a: ['1.0.0 +files @sha256:old'] } },
  },
  {
    name: 'excluded chart in the listing: not planned',
    registry: { exclude: ['b*'] },
    listing: { versions: [up('a', '1.0.0'), up('big', '1.0.0')] },
    want: { fetch: ['a 1.0.0'], records: { a: [] } },
  },
  {
    name: 'chart no longer allowed by charts: dropped whole',
    registry: { charts: ['a'] },
    catalog: [chart('a', [held('1.0.0')]), chart('b', [held('2.0.0'), listed('1.0.0')])],
    failed: [failure('b', '3.0.0', { nextRetry: EARLIER })],
    listing: { versions: [up('a', '1.0.0'), up('b', '2.0.0'), up('b', '3.0.0')] },
    want: { records: { a: ['1.0.0 +files'] }, removeCharts: ['b'], dropped: ['b 2.0.0', 'b 1.0.0'] },
  },
  {
    name: 'chart now excluded: dropped whole, even when its listing failed',
    registry: { exclude: ['a'] },
    catalog: [chart('a', [held('1.0.0')])],
    listing: { versions: [], chartErrors: [{ chart: 'a', code: 'NameUnknown', message: 'name unknown' }] },
    want: { removeCharts: ['a'], dropped: ['a 1.0.0'] },
  },
  {
    name: 'filtered out by the versions range: dropped, its files deleted',
    registry: { versions: '>=2.0.0' },
    catalog: [chart('a', [held('2.0.0'), held('1.0.0'), listed('0.9.0')])],
    failed: [failure('a', '1.5.0')],
    listing: { versions: [up('a', '2.0.0'), up('a', '1.5.0'), up('a', '1.0.0'), up('a', '0.9.0')] },
    want: { records: { a: ['2.0.0 +files'] }, dropped: ['a 1.0.0', 'a 0.9.0'], deleteFiles: ['a 1.0.0'] },
  },
  {
    name: 'filtered out by prereleases: false: the release is fetched, the prereleases dropped',
    registry: { prereleases: false },
    catalog: [chart('a', [held('1.0.0-beta.1')])],
    listing: { versions: [up('a', '1.0.0-rc.1'), up('a', '1.0.0'), up('a', '1.0.0-beta.1')] },
    want: {
      fetch: ['a 1.0.0'],
      records: { a: [] },
      dropped: ['a 1.0.0-beta.1'],
      deleteFiles: ['a 1.0.0-beta.1'],
    },
  },
  {
    name: 'keep raised: the listed versions now inside it get their files',
    registry: { keep: 3 },
    catalog: [chart('a', [held('3.0.0'), held('2.0.0'), listed('1.0.0'), listed('0.1.0')])],
    listing: { versions: ['3.0.0', '2.0.0', '1.0.0', '0.1.0'].map((v) => up('a', v)) },
    want: { fetch: ['a 1.0.0 refill'], records: { a: ['3.0.0 +files', '2.0.0 +files', '1.0.0', '0.1.0'] } },
  },
  {
    name: 'keep lowered: the files outside it go',
    registry: { keep: 1 },
    catalog: [chart('a', [held('2.0.0'), held('1.0.0')])],
    listing: { versions: [up('a', '2.0.0'), up('a', '1.0.0')] },
    want: { records: { a: ['2.0.0 +files', '1.0.0 +files'] }, deleteFiles: ['a 1.0.0'] },
  },
  {
    name: 'a new version moves the window: fetched, the oldest files go',
    catalog: [chart('a', [held('2.0.0'), held('1.0.0')])],
    listing: { versions: [up('a', '3.0.0'), up('a', '2.0.0'), up('a', '1.0.0')] },
    want: { fetch: ['a 3.0.0'], records: { a: ['2.0.0 +files', '1.0.0 +files'] }, deleteFiles: ['a 1.0.0'] },
  },
  {
    name: 'a new version older than the window: metadata only, nothing deleted',
    catalog: [chart('a', [held('3.0.0'), held('2.0.0')])],
    listing: { versions: [up('a', '3.0.0'), up('a', '2.0.0'), up('a', '1.0.0')] },
    want: { records: { a: ['3.0.0 +files', '2.0.0 +files', '1.0.0'] }, added: ['a 1.0.0'] },
  },
  {
    name: 'keep: all: every version fetched or refilled, nothing deleted',
    registry: { keep: 'all' },
    catalog: [chart('a', [held('2.0.0'), listed('1.0.0')])],
    listing: { versions: ['3.0.0', '2.0.0', '1.0.0'].map((v) => up('a', v)) },
    want: { fetch: ['a 3.0.0', 'a 1.0.0 refill'], records: { a: ['2.0.0 +files', '1.0.0'] } },
  },
  {
    name: 'pending retry not due: waiting, its failure kept',
    failed: [failure('a', '1.0.0')],
    listing: { versions: [up('a', '1.0.0')] },
    want: { records: { a: [] }, failures: ['a 1.0.0'], waiting: 1 },
  },
  {
    name: 'retry due: fetched again',
    failed: [failure('a', '1.0.0', { nextRetry: EARLIER })],
    listing: { versions: [up('a', '1.0.0')] },
    want: { fetch: ['a 1.0.0'], records: { a: [] }, failures: ['a 1.0.0'] },
  },
  {
    name: 'given up: waiting, never fetched',
    failed: [failure('a', '1.0.0', { nextRetry: EARLIER, gaveUp: true, attempts: 3 })],
    listing: { versions: [up('a', '1.0.0')] },
    want: { records: { a: [] }, failures: ['a 1.0.0'], waiting: 1 },
  },
  {
    name: 'retryFailed overrides given up and backoff',
    retryFailed: true,
    failed: [failure('a', '2.0.0', { gaveUp: true, attempts: 3 }), failure('a', '1.0.0')],
    listing: { versions: [up('a', '2.0.0'), up('a', '1.0.0')] },
    want: { fetch: ['a 2.0.0', 'a 1.0.0'], records: { a: [] }, failures: ['a 2.0.0', 'a 1.0.0'] },
  },
  {
    name: 'refill whose retry is not due: not fetched, not counted as waiting',
    catalog: [chart('a', [listed('1.0.0')])],
    failed: [failure('a', '1.0.0')],
    listing: { versions: [up('a', '1.0.0')] },
    want: { records: { a: ['1.0.0'] }, failures: ['a 1.0.0'] },
  },
  {
    name: 'failure of a version gone upstream: forgotten',
    failed: [failure('a', '9.9.9'), failure('gone', '1.0.0')],
    listing: { versions: [up('a', '1.0.0')] },
    want: { fetch: ['a 1.0.0'], records: { a: [] } },
  },
  {
    name: 'unchanged chart: kept as it is, with its failures and flags',
    catalog: [chart('a', [held('1.0.0', { digest: 'sha256:old' })]), chart('b', [held('1.0.0')])],
    failed: [failure('a', '2.0.0')],
    republished: [flag('a', '1.0.0', 'sha256:new', 'sha256:old')],
    listing: { versions: [up('b', '1.0.0')], unchanged: ['a'] },
    want: {
      records: { b: ['1.0.0 +files'] },
      kept: ['a'],
      republished: ['a 1.0.0 sha256:new was sha256:old'],
      failures: ['a 2.0.0'],
    },
  },
  {
    name: 'chart with a listing error: kept as it is with its failures; its republished flags wait for its next listing',
    catalog: [chart('a', [held('1.0.0', { digest: 'sha256:old' })])],
    failed: [failure('a', '2.0.0')],
    republished: [flag('a', '1.0.0', 'sha256:new', 'sha256:old')],
    listing: { versions: [], chartErrors: [{ chart: 'a', code: 'NameUnknown', message: 'name unknown' }] },
    want: { kept: ['a'], failures: ['a 2.0.0'] },
  },
  {
    name: 'chart with a listing error, not in the catalog yet: nothing planned',
    listing: { versions: [up('a', '1.0.0')], chartErrors: [{ chart: 'a', code: 'Internal', message: 'x' }] },
    want: {},
  },
  {
    name: 'deprecated upstream: a version without stored Chart.yaml follows the listing',
    registry: { keep: 1 },
    catalog: [chart('a', [held('2.0.0'), listed('1.0.0', { deprecated: true })])],
    listing: { versions: [up('a', '2.0.0'), up('a', '1.0.0')] },
    want: { records: { a: ['2.0.0 +files', '1.0.0'] } },
  },
  {
    name: 'deprecated upstream: a stored Chart.yaml outranks the index entry',
    catalog: [chart('a', [held('2.0.0'), held('1.0.0', { deprecated: true })])],
    listing: { versions: [up('a', '2.0.0', { deprecated: true }), up('a', '1.0.0')] },
    want: { records: { a: ['2.0.0 +files', '1.0.0 +files deprecated'] } },
  },
  {
    name: 'OCI tag-only listing (partial): deprecated stays as the last full fetch left it',
    catalog: [chart('a', [held('1.0.0', { deprecated: true })])],
    listing: { versions: [up('a', '1.0.0', { partial: true })] },
    want: { records: { a: ['1.0.0 +files deprecated'] } },
  },
  {
    name: 'a chart read before CHANGELOG.md was kept: its versions with files inside keep are fetched again',
    registry: { keep: 2 },
    catalog: [unmarked('a', [held('3.0.0'), held('2.0.0'), listed('1.0.0')])],
    listing: { versions: ['3.0.0', '2.0.0', '1.0.0'].map((v) => up('a', v)) },
    want: {
      fetch: ['a 3.0.0 refetch', 'a 2.0.0 refetch'],
      records: { a: ['3.0.0 +files', '2.0.0 +files', '1.0.0'] },
    },
  },
  {
    name: 'refetch: a version removed upstream, republished or given up keeps its files and holds nothing back',
    registry: { keep: 'all' },
    catalog: [
      unmarked('a', [
        held('4.0.0', { digest: 'sha256:old' }),
        held('3.0.0'),
        held('2.0.0', { removed: true }),
        held('1.0.0'),
      ]),
    ],
    failed: [failure('a', '3.0.0', { gaveUp: true })],
    listing: { versions: [up('a', '4.0.0', { digest: 'sha256:new' }), up('a', '3.0.0'), up('a', '1.0.0')] },
    want: {
      fetch: ['a 1.0.0 refetch'],
      records: { a: ['4.0.0 +files @sha256:old', '3.0.0 +files', '2.0.0 +files removed', '1.0.0 +files'] },
      republished: ['a 4.0.0 sha256:new was sha256:old'],
      failures: ['a 3.0.0'],
    },
  },
  {
    name: 'refetch: a failure not yet due for its retry leaves the chart pending',
    catalog: [unmarked('a', [held('2.0.0'), held('1.0.0')])],
    failed: [failure('a', '2.0.0')],
    listing: { versions: [up('a', '2.0.0'), up('a', '1.0.0')] },
    want: {
      fetch: ['a 1.0.0 refetch'],
      pending: ['a'],
      records: { a: ['2.0.0 +files', '1.0.0 +files'] },
      failures: ['a 2.0.0'],
    },
  },
  {
    name: "refetch: the run's budget takes whole charts (the first even when larger), the rest wait",
    registry: { keep: 'all' },
    refetchBudget: 2,
    catalog: [
      unmarked('a', [held('1.0.0'), held('0.9.0'), held('0.8.0')]),
      unmarked('b', [held('1.0.0')]),
      chart('c', [held('1.0.0')]),
    ],
    listing: {
      versions: [up('a', '1.0.0'), up('a', '0.9.0'), up('a', '0.8.0'), up('b', '1.0.0'), up('c', '1.0.0')],
    },
    want: {
      fetch: ['a 1.0.0 refetch', 'a 0.9.0 refetch', 'a 0.8.0 refetch'],
      pending: ['b'],
      records: {
        a: ['1.0.0 +files', '0.9.0 +files', '0.8.0 +files'],
        b: ['1.0.0 +files'],
        c: ['1.0.0 +files'],
      },
    },
  },
  {
    name: 'charts planned in name order',
    listing: { versions: [up('c', '1.0.0'), up('a', '1.0.0'), up('b', '1.0.0')] },
    want: { fetch: ['a 1.0.0', 'b 1.0.0', 'c 1.0.0'], records: { a: [], b: [], c: [] } },
  },
];

describe('planRegistry', () => {
  it.each(rows)('$name', (row) => {
    const definition = registry(row.registry ?? {});
    const previous: CatalogRegistry | undefined =
      row.failed || row.republished
        ? {
            name: 'r',
            url: definition.url,
            kind: 'http',
            private: false,
            charts: 0,
            versions: 0,
            failedVersions: row.failed ?? [],
            republished: row.republished ?? [],
          }
        : undefined;
    const input: PlanInput = {
      registry: definition,
      previous,
      charts: new Map((row.catalog ?? []).map((c) => [c.name, c])),
      listing: row.listing,
      now: NOW,
      retryFailed: row.retryFailed ?? false,
      ...(row.refetchBudget ? { refetchBudget: row.refetchBudget } : {}),
    };
    const before = structuredClone(input);
    expect(summarize(planRegistry(input), definition.keep)).toEqual({ ...NOTHING, ...row.want });
    expect(input, 'the plan leaves its inputs as they were').toEqual(before);
  });

  it('has a row for every situation the brief names', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
  });
});

describe('settleChart', () => {
  const plan = planRegistry({
    registry: registry({}),
    previous: undefined,
    charts: new Map([['a', chart('a', [held('2.0.0'), held('1.0.0')])]]),
    listing: { versions: [up('a', '3.0.0'), up('a', '2.0.0'), up('a', '1.0.0')] },
    now: NOW,
    retryFailed: false,
  });
  const [a] = plan.charts;

  it('a failed download leaves its place in the window to the older version', () => {
    const failed: Fetched = { error: { code: 'HttpError', message: 'HTTP 503' } };
    const settled = settleChart(a!, [failed], 2, NOW.toISOString());
    expect(settled.versions.map(describeRecord)).toEqual(['2.0.0 +files', '1.0.0 +files']);
    expect(settled.deleteFiles).toEqual([]);
  });

  it('a fetched version is listed with its files and the metadata its fetch brought', () => {
    const fetched: Fetched = {
      digest: 'sha256:3',
      fileNames: ['Chart.yaml', 'values.yaml'],
      meta: { appVersion: '9' },
    };
    const settled = settleChart(a!, [fetched], 2, NOW.toISOString());
    expect(settled.versions.map(describeRecord)).toEqual(['3.0.0 +files @sha256:3', '2.0.0 +files', '1.0.0']);
    expect(settled.versions[0]).toMatchObject({ appVersion: '9', files: ['Chart.yaml', 'values.yaml'] });
    expect(settled.deleteFiles).toEqual(['1.0.0']);
    expect(settled.metaOf('3.0.0')).toMatchObject({ appVersion: '9', partial: false });
  });
});
