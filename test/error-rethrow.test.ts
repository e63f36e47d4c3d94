/**
 * An error re-thrown on its way up keeps its code, its hint and what caused it: the OCI listing
 * when every chart failed throws the first chart's error itself, and a SOPS error said of the
 * registry that names the credential keeps the original as its `cause`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistryFile } from '../src/config/load.ts';
import { createRedactor } from '../src/credentials/redact.ts';
import { createCredentialResolver } from '../src/credentials/resolve.ts';
import { ChartroomError } from '../src/errors.ts';
import { createHttpClient } from '../src/http/client.ts';
import { createOciSource } from '../src/sources/oci/index.ts';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('an OCI registry whose every chart failed', () => {
  let server: Server;
  let port: number;
  const http = createHttpClient({ retries: 0 });
  const listing = (at: number) =>
    createOciSource(
      {
        name: 'private',
        url: `oci://127.0.0.1:${at}/charts`,
        charts: ['one', 'two'],
        insecure: true,
        passCredentials: false,
        credential: undefined,
      },
      http,
    ).list({});

  beforeAll(async () => {
    // a registry that wants a username and password, asked anonymously
    server = createServer((_req, res) =>
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await http.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with the first chart error, hint included', async () => {
    const error = await failure(listing(port));
    expect(error).toBeInstanceOf(ChartroomError);
    expect(error).toMatchObject({
      code: 'AuthenticationFailed',
      hint: 'add credential: NAME to the registry file',
    });
  });

  it('fails with the first chart error, cause included', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(listing(unused));
    expect(error).toMatchObject({ code: 'ConnectionFailed' });
    expect((error as Error).cause).toBeDefined();
  });
});

describe('a credential that is not a usable SOPS file', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'chartroom-rethrow-'));
    await mkdir(path.join(root, 'registries', 'credentials'), { recursive: true });
    await writeFile(path.join(root, 'registries', 'credentials', 'broken.yaml'), 'password: x\nsops:\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('fails its registry with the SOPS code and hint, and the SOPS error as cause', async () => {
    const registry = parseRegistryFile(
      'registries/charts.yaml',
      'url: https://charts.example\ncredential: broken\n',
    );
    const resolver = createCredentialResolver({
      root,
      env: { SOPS_AGE_KEY: 'AGE-SECRET-KEY-1UNUSED' },
      redactor: createRedactor(),
    });
    const error = (await failure(resolver.resolve(registry))) as ChartroomError;
    const said = 'registries/credentials/broken.yaml has no sops metadata: it is not a SOPS-encrypted file';
    expect(error).toMatchObject({
      code: 'SopsInvalid',
      message: said,
      hint: 'encrypt it with sops, or create it with chartroom credential add',
    });
    expect(error.cause).toMatchObject({ code: 'SopsInvalid', message: said });
  });
});
