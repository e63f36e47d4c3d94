/**
 * One loopback HTTP server serving many chart repositories under their own paths, for load
 * tests: a fixed map of files, a deterministic fault per path, and a count of the connections
 * open at once on the server side.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What to do instead of serving a path: a status, or a connection reset mid-body. */
export type PathFault = 500 | 503 | 'reset';

export interface ManyRepos {
  origin: string;
  /** requests answered, and how many of them with a fault */
  requests: number;
  faulted: number;
  /** paths requested at least once */
  paths: Set<string>;
  /** connections open now, and the most open at once */
  open: number;
  maxOpen: number;
  close(): Promise<void>;
}

export async function serveManyRepos(
  files: (path: string) => Buffer | undefined,
  faultFor: (path: string) => PathFault | undefined,
): Promise<ManyRepos> {
  const sockets = new Set<Socket>();
  const state: ManyRepos = {
    origin: '',
    requests: 0,
    faulted: 0,
    paths: new Set(),
    open: 0,
    maxOpen: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const fail = (res: ServerResponse, fault: PathFault, body: Buffer | undefined) => {
    if (fault !== 'reset') return void res.writeHead(fault).end();
    res.writeHead(200, { 'content-length': String((body?.length ?? 0) + 1000) });
    res.write(body?.subarray(0, 100) ?? Buffer.alloc(100));
    setImmediate(() => res.destroy());
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    state.requests++;
    state.paths.add(path);
    const body = files(path);
    const fault = faultFor(path);
    if (fault !== undefined) {
      state.faulted++;
      return fail(res, fault, body);
    }
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    socket.on('close', () => {
      sockets.delete(socket);
      state.open--;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
