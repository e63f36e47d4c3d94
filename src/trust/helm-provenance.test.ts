import { createHash } from 'node:crypto';
import { createCleartextMessage, generateKey, sign, type Key, type PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { laughs } from '../../testkit/alias-bomb.ts';
import {
  MAX_PROVENANCE_BYTES,
  MAX_PROVENANCE_LINES,
  provenanceIssuer,
  verifyHelmProvenance,
} from './helm-provenance.ts';
import { parseKeyring } from './keys.ts';

const hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const ARCHIVE = Buffer.from('the bytes of demo-1.0.0.tgz');
const DIGEST = `sha256:${hex(ARCHIVE)}`;
const NAME = 'demo-1.0.0.tgz';
const CHART_YAML =
  'apiVersion: v2\ndescription: A demo chart\nname: demo\ntype: application\nversion: 1.0.0\n';

/** The signed text as `helm package --sign` writes it: Chart.yaml, `...`, then the files document. */
const helmText = (files = `files:\n  ${NAME}: sha256:${hex(ARCHIVE)}\n`, meta = CHART_YAML) =>
  `${meta}\n...\n${files}`;

/** A .prov as Helm writes it: line feeds (openpgp.js writes CRLF; the signature hashes lines canonically either way). */
async function clearsign(text: string, key: PrivateKey): Promise<Buffer> {
  const armored = await sign({ message: await createCleartextMessage({ text }), signingKeys: key });
  return Buffer.from(armored.replace(/\r\n/g, '\n'));
}

interface Pair {
  publicKey: Key;
  privateKey: PrivateKey;
}
const USER = 'Chart Publisher <publisher@example.invalid>';
let rsa: Pair;
let ecc: Pair;
let other: Pair;

beforeAll(async () => {
  const userIDs = [{ name: 'Chart Publisher', email: 'publisher@example.invalid' }];
  rsa = await generateKey({ type: 'rsa', rsaBits: 2048, userIDs, format: 'object' });
  ecc = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs, format: 'object' });
  other = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Someone Else' }],
    format: 'object',
  });
});

const keyring = (...pairs: Pair[]) => ({ keys: pairs.map((p) => p.publicKey), path: 'keys/helm.gpg' });

describe('verifyHelmProvenance, in Helm’s order', () => {
  it.each([
    ['RSA', () => rsa],
    ['ECC (curve25519)', () => ecc],
  ])('verifies a .prov signed with an %s key: signer, fingerprint and the .prov digest', async (_, pair) => {
    const prov = await clearsign(helmText(), pair().privateKey);
    expect(prov.toString()).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n\napiVersion: v2\n/);
    const result = await verifyHelmProvenance(prov, NAME, DIGEST, keyring(other, pair()));
    expect(result).toEqual({
      verified: true,
      signer: USER,
      identity: pair().publicKey.getFingerprint().toUpperCase(),
      digest: `sha256:${hex(prov)}`,
    });
    expect(result.identity).toMatch(/^[0-9A-F]{40}$/);
  });

  it('verifies with a keyring read from a binary file of several keys and from an armored one', async () => {
    const prov = await clearsign(helmText(), ecc.privateKey);
    const binary = Buffer.concat([rsa.publicKey.write(), other.publicKey.write(), ecc.publicKey.write()]);
    const keys = await parseKeyring(binary, 'registries/r.yaml', 'keys/k.gpg');
    expect(keys).toHaveLength(3);
    expect((await verifyHelmProvenance(prov, NAME, DIGEST, { keys, path: 'k' })).verified).toBe(true);
    const armored = await parseKeyring(Buffer.from(ecc.publicKey.armor()), 'registries/r.yaml', 'keys/k.asc');
    expect((await verifyHelmProvenance(prov, NAME, DIGEST, { keys: armored, path: 'k' })).verified).toBe(
      true,
    );
  });

  it('1. signature block not found: a plain file, or an armored block that is not a signed message', async () => {
    for (const bytes of [Buffer.from(helmText()), Buffer.from(rsa.publicKey.armor()), Buffer.alloc(0)]) {
      const result = await verifyHelmProvenance(bytes, NAME, DIGEST, keyring(rsa));
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(/^signature block not found/);
      expect(result.digest).toBe(`sha256:${hex(bytes)}`);
    }
  });

  it('2. a key not in the keyring: unknown entity, naming the key ID that signed', async () => {
    const prov = await clearsign(helmText(), rsa.privateKey);
    const keyID = rsa.publicKey.getKeyID().toHex().toUpperCase();
    for (const ring of [keyring(other), keyring()]) {
      const result = await verifyHelmProvenance(prov, NAME, DIGEST, ring);
      expect(result).toMatchObject({ verified: false, signer: `key ID ${keyID}` });
      expect(result.reason).toBe(
        `openpgp: signature made by unknown entity: it was made by key ID ${keyID}, which is not in the keyring keys/helm.gpg`,
      );
      expect(result.identity).toBeUndefined();
    }
  });

  it('2. signed by an unknown key and by one in the keyring: the known one verifies it, as in go-crypto', async () => {
    const armored = await sign({
      message: await createCleartextMessage({ text: helmText() }),
      signingKeys: [other.privateKey, rsa.privateKey],
    });
    const result = await verifyHelmProvenance(Buffer.from(armored), NAME, DIGEST, keyring(rsa));
    expect(result).toMatchObject({ verified: true, identity: rsa.publicKey.getFingerprint().toUpperCase() });
  });

  it('2. more than 16 signatures are not verified', async () => {
    const many = await Promise.all(
      Array.from({ length: 17 }, () =>
        generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'n' }], format: 'object' }),
      ),
    );
    const armored = await sign({
      message: await createCleartextMessage({ text: helmText() }),
      signingKeys: many.map((p) => p.privateKey),
    });
    const result = await verifyHelmProvenance(Buffer.from(armored), NAME, DIGEST, keyring(many[0]!));
    expect(result.reason).toBe('the provenance file has 17 signatures, more than 16: not verified');
  });

  it('2. tampered text fails at the signature step, before any hash check', async () => {
    const prov = (await clearsign(helmText(), rsa.privateKey)).toString();
    // a changed version, and a sha256 that would not match either: the signature is what fails
    const tampered = Buffer.from(
      prov.replace('version: 1.0.0', 'version: 1.0.1').replace(hex(ARCHIVE), 'f'.repeat(64)),
    );
    const result = await verifyHelmProvenance(tampered, NAME, DIGEST, keyring(rsa));
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(
      /^openpgp: invalid signature: .* does not verify \(.*did not match\): its text was changed after it was signed$/,
    );
    expect(result.identity).toBeUndefined();
  });

  it('3. a signed text without the `...` line: message block must have at least two parts', async () => {
    const prov = await clearsign(CHART_YAML, rsa.privateKey);
    const result = await verifyHelmProvenance(prov, NAME, DIGEST, keyring(rsa));
    expect(result).toMatchObject({
      verified: false,
      signer: USER,
      reason: 'message block must have at least two parts',
    });
  });

  it('4. no files entry for the archive', async () => {
    const prov = await clearsign(helmText(`files:\n  other-1.0.0.tgz: ${DIGEST}\n`), rsa.privateKey);
    const result = await verifyHelmProvenance(prov, NAME, DIGEST, keyring(rsa));
    expect(result).toMatchObject({ verified: false, signer: USER });
    expect(result.reason).toBe(`provenance does not contain a SHA for a file named "${NAME}"`);
  });

  it('5. a sha256 that is not the archive’s', async () => {
    const prov = await clearsign(helmText(), rsa.privateKey);
    const otherDigest = `sha256:${'0'.repeat(64)}`;
    const result = await verifyHelmProvenance(prov, NAME, otherDigest, keyring(rsa));
    expect(result.verified).toBe(false);
    expect(result.reason).toBe(`sha256 sum does not match for ${NAME}: "${DIGEST}" != "${otherDigest}"`);
    // the signature did verify: who signed is known
    expect(result.identity).toBe(rsa.publicKey.getFingerprint().toUpperCase());
  });

  it('a files document that is not a map of names, or not YAML', async () => {
    for (const files of [
      'files: [a, b]\n',
      '- just a list\n',
      'files: {a: [\n',
      'files:\n  x: 1\n  x: 2\n',
    ]) {
      const prov = await clearsign(helmText(files), rsa.privateKey);
      const result = await verifyHelmProvenance(prov, NAME, DIGEST, keyring(rsa));
      expect(result.verified, files).toBe(false);
      expect(result.reason, files).toMatch(/^the provenance's files document /);
    }
  });

  it('refuses an alias bomb in the files document quickly, without expanding it', async () => {
    const prov = await clearsign(helmText(laughs(8, `files:\n  ${NAME}: ${DIGEST}\n`)), rsa.privateKey);
    const started = Date.now();
    const result = await verifyHelmProvenance(prov, NAME, DIGEST, keyring(rsa));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/files document is not valid YAML/);
  });

  it('does not read a .prov over 1 MiB', async () => {
    const big = await clearsign(
      helmText(undefined, `${CHART_YAML}description: ${'x'.repeat(MAX_PROVENANCE_BYTES)}\n`),
      rsa.privateKey,
    );
    expect(big.length).toBeGreaterThan(MAX_PROVENANCE_BYTES);
    const result = await verifyHelmProvenance(big, NAME, DIGEST, keyring(rsa));
    expect(result.verified).toBe(false);
    expect(result.reason).toMatch(/more than 1048576: not read/);
    expect((await provenanceIssuer(big)).reason).toMatch(/not read/);
  });

  it('does not read a .prov of more than 10,000 lines (openpgp.js reads one line by line)', async () => {
    const long = await clearsign(
      helmText(undefined, `${CHART_YAML}${'k: v\n'.repeat(MAX_PROVENANCE_LINES)}`),
      rsa.privateKey,
    );
    expect(long.length).toBeLessThan(MAX_PROVENANCE_BYTES);
    const started = Date.now();
    const result = await verifyHelmProvenance(long, NAME, DIGEST, keyring(rsa));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.reason).toBe(
      'the provenance file has more than 10000 lines: not read (Helm writes a few dozen)',
    );
    // a few lines fewer are read
    const fewer = await clearsign(
      helmText(undefined, `${CHART_YAML}${'k: v\n'.repeat(MAX_PROVENANCE_LINES - 100)}`),
      rsa.privateKey,
    );
    expect((await verifyHelmProvenance(fewer, NAME, DIGEST, keyring(rsa))).verified).toBe(true);
  });

  it('quotes and cuts short what the file says in a reason', async () => {
    const long = `sha256:<script>${'a'.repeat(300)}`;
    const prov = await clearsign(helmText(`files:\n  ${NAME}: "${long}"\n`), rsa.privateKey);
    const result = await verifyHelmProvenance(prov, NAME, DIGEST, keyring(rsa));
    expect(result.reason).toContain('"sha256:<script>aaaa');
    expect(result.reason!.length).toBeLessThan(300);
  });
});

describe('provenanceIssuer: without a keyring', () => {
  it('names the signature’s key ID as 16 upper-case hex digits', async () => {
    const prov = await clearsign(helmText(), ecc.privateKey);
    const signer = (await provenanceIssuer(prov)).signer;
    expect(signer).toBe(`key ID ${ecc.publicKey.getKeys()[0]!.getKeyID().toHex().toUpperCase()}`);
    expect(signer).toMatch(/^key ID [0-9A-F]{16}$/);
    expect(await provenanceIssuer(Buffer.from('no signature'))).toEqual({
      reason: expect.stringMatching(/^signature block not found/) as string,
    });
  });
});
