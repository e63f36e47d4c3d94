/**
 * Serves a built site from a folder on loopback: what the demo and the browser tests use. Paths
 * resolve inside the folder only; `dir/` serves `dir/index.html`; unknown paths get 404.html.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { normaliseBase } from './astro.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/atom+xml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface SiteServer {
  /** http://127.0.0.1:PORT/ plus the base path */
  url: string;
  port: number;
  close(): Promise<void>;
}

async function fileAt(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (info.isFile()) return file;
    if (info.isDirectory()) return fileAt(path.join(file, 'index.html'));
  } catch {
    // not there
  }
  return undefined;
}

export async function serveSite(
  dir: string,
  options: { port?: number; base?: string } = {},
): Promise<SiteServer> {
  const root = path.resolve(dir);
  const base = normaliseBase(options.base);
  const server: Server = createServer((request, response) => {
    void (async () => {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      } catch {
        response.writeHead(400).end('bad request');
        return;
      }
      if (!pathname.startsWith(base)) {
        response.writeHead(302, { location: base }).end();
        return;
      }
      const target = path.resolve(root, `.${pathname.slice(base.length - 1)}`);
      const inside = target === root || target.startsWith(root + path.sep);
      const file = inside ? await fileAt(target) : undefined;
      const notFound = file ? undefined : await fileAt(path.join(root, '404.html'));
      const chosen = file ?? notFound;
      if (!chosen) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(file ? 200 : 404, {
        'content-type': TYPES[path.extname(chosen)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      createReadStream(chosen).pipe(response);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}${base}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
