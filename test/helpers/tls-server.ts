/**
 * Real TLS servers on loopback with certificates made by openssl for the test: self-signed for
 * 127.0.0.1, for another host name (an IP that is not in the altnames), and expired.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type CertKind = 'self-signed' | 'other-host' | 'expired';

export interface TlsCert {
  key: string;
  /** the PEM certificate, also what a caFile would hold */
  cert: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

export async function makeCert(kind: CertKind): Promise<TlsCert> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chartroom-tls-'));
  openssl(['genrsa', '-out', 'key.pem', '2048'], dir);
  if (kind === 'expired') {
    // `openssl req -x509` cannot backdate; `openssl ca -selfsign` takes explicit dates
    await writeFile(path.join(dir, 'index.txt'), '');
    await writeFile(path.join(dir, 'serial'), '01\n');
    await writeFile(
      path.join(dir, 'ca.cnf'),
      '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\nserial=serial\nnew_certs_dir=.\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n',
    );
    openssl(['req', '-new', '-key', 'key.pem', '-subj', '/CN=127.0.0.1', '-out', 'req.csr'], dir);
    openssl(
      [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-selfsign',
        '-keyfile',
        'key.pem',
        '-in',
        'req.csr',
        '-out',
        'cert.pem',
        '-startdate',
        '20200101000000Z',
        '-enddate',
        '20200102000000Z',
      ],
      dir,
    );
  } else {
    const name = kind === 'other-host' ? 'other.example' : '127.0.0.1';
    const san = kind === 'other-host' ? 'DNS:other.example' : 'IP:127.0.0.1';
    openssl(
      [
        'req',
        '-x509',
        '-key',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      dir,
    );
  }
  return {
    key: await readFile(path.join(dir, 'key.pem'), 'utf8'),
    cert: await readFile(path.join(dir, 'cert.pem'), 'utf8'),
  };
}

/** An https server on 127.0.0.1 with the certificate; `origin` is https://127.0.0.1:PORT. */
export async function startTlsServer(
  cert: TlsCert,
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.end('ok'),
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
