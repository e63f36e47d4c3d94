/**
 * `chartroom site dev`: Astro's dev server on loopback over a repository's catalog/, until
 * interrupted.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { astroBin, astroConfigFrom, checkCatalog, siteEnv, siteInputs, workDir } from './astro.ts';

/** `astro dev` on the catalog; resolves with its exit code when it stops. */
export async function devSite(options: { root: string; port?: number; base?: string }): Promise<number> {
  const root = path.resolve(options.root);
  checkCatalog(root);
  const inputs = await siteInputs(root, options.base);
  const work = await workDir();
  const args = [astroBin(), 'dev', '--root', work, '--config', astroConfigFrom(work), '--host', '127.0.0.1'];
  if (options.port !== undefined) args.push('--port', String(options.port));
  const child = spawn(process.execPath, args, {
    cwd: work,
    env: siteEnv(root, path.join(root, 'dist'), inputs),
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => resolve(status ?? 0));
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await rm(work, { recursive: true, force: true });
  }
}
