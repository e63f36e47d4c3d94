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
