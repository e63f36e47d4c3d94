/**
 * A real chart repository on loopback for tests and the benchmark: the demo server with packed charts
 * under /charts/.
 */
import { startChartRepoServer, type ChartRepoServer } from '../src/demo/chart-repo-server.ts';
import {
  buildRepository,
  renderIndex,
  type BuildOptions,
  type BuiltRepository,
  type ChartSource,
} from '../src/demo/repository.ts';

/** A real chart repository on a loopback port, serving packed charts under /charts/. */
export interface ServedRepository {
  server: ChartRepoServer;
  url: string;
  repo: BuiltRepository;
  /** publish more versions (packs them, updates index.yaml) */
  publish(charts: ChartSource[]): Promise<void>;
  /** rewrite index.yaml after changing repo.index by hand */
  reindex(): void;
  /** the packed archive of a version, as served */
  archive(chart: string, version: string): Buffer;
  /** serves `<archive>.prov` beside a version's archive (as `helm package --sign` leaves it) */
  setProvenance(chart: string, version: string, provenance: Buffer | string): void;
  removeProvenance(chart: string, version: string): void;
  /** requests to a path since the last reset */
  count(path?: string): number;
  /** the requests since the last reset */
  since(): ChartRepoServer['requests'];
  reset(): void;
  close(): Promise<void>;
}

export async function serveCharts(
  charts: ChartSource[],
  options: BuildOptions = {},
): Promise<ServedRepository> {
  const server = await startChartRepoServer();
  const repo = await buildRepository(charts, options);
  for (const [file, body] of repo.files) server.setFile(`/charts/${file}`, body);
  let offset = 0;
  const served: ServedRepository = {
    server,
    url: `${server.origin}/charts`,
    repo,
    async publish(more) {
      const built = await buildRepository(more, {
        created: () => new Date(Date.UTC(2025, 5, 1)).toISOString(),
      });
      for (const [file, body] of built.files)
        if (file !== 'index.yaml') server.setFile(`/charts/${file}`, body);
      for (const [name, entries] of Object.entries(built.index.entries)) {
        repo.index.entries[name] = [...entries, ...(repo.index.entries[name] ?? [])];
      }
      served.reindex();
    },
    reindex() {
      server.setFile('/charts/index.yaml', renderIndex(repo.index));
    },
    archive(chart, version) {
      const body = server.file(`/charts/${chart}-${version}.tgz`);
      if (!body) throw new Error(`no archive for ${chart} ${version}`);
      return body;
    },
    setProvenance(chart, version, provenance) {
      server.setFile(`/charts/${chart}-${version}.tgz.prov`, provenance);
    },
    removeProvenance(chart, version) {
      server.removeFile(`/charts/${chart}-${version}.tgz.prov`);
    },
    count(path) {
      return server.requests.slice(offset).filter((r) => path === undefined || r.path === path).length;
    },
    since() {
      return server.requests.slice(offset);
    },
    reset() {
      offset = server.requests.length;
    },
    close: () => server.close(),
  };
  return served;
}
