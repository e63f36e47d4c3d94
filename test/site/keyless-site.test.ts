/**
 * Keyless signatures on the built site, from a catalog this test writes as the sync does: `ci`,
 * an OCI registry whose cosign policy is keyless only (`matchOIDCIdentity`, a Sigstore root),
 * with a version verified by a Sigstore bundle, one by a keyless `.sig`, and one with only a
 * Notation signature (detected, not verified); `mixed`, a key and identities both. Badges, the
 * registry page's identities, the Flux snippet's `matchOIDCIdentity` and the cosign CLI comment,
 * in Debian's Chromium with axe.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CatalogChart,
  CatalogRegistry,
  CatalogVersion,
  CatalogVerifyPolicy,
} from '../../src/catalog/types.ts';
import { buildSite } from '../../src/site-build/build.ts';
import { serveSite, type SiteServer } from '../../src/site-build/serve.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';
import { axeViolations, launchChromium, watchPage } from './browser.ts';
import type { DomElement } from './dom.ts';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const SAN = 'https://github.com/org/app/.github/workflows/release.yaml@refs/tags/v3';
const ISSUER = 'https://token.actions.githubusercontent.com';
const IDENTITY = {
  issuer: '^https://token\\.actions\\.githubusercontent\\.com$',
  subject: '^https://github\\.com/org/app/\\.github/workflows/release\\.yaml@refs/tags/v.*$',
};
const ROOT = 'the public-good Sigstore root shipped with chartroom (2026-11-20)';
const KEYLESS: CatalogVerifyPolicy = {
  provider: 'cosign',
  required: false,
  matchOIDCIdentity: [IDENTITY],
  sigstoreRoot: ROOT,
  sigstoreRootDigest: digest(0xcc),
};
const NOTATION_REASON =
  'a Notation signature: detected, not verified (chartroom verifies Helm provenance, cosign and Sigstore bundles); verify it with `notation verify`';

let n = 10;
const version = (v: string, over: Partial<CatalogVersion>): CatalogVersion => ({
  version: v,
  digest: digest(n++),
  manifestDigest: digest(n++),
  created: `2026-11-${String(n).padStart(2, '0')}T10:00:00.000Z`,
  deprecated: false,
  removed: false,
  files: ['README.md'],
  ...over,
});
const keyless = (kind: 'cosign' | 'sigstore', d: number) => ({
  kind,
  verified: true,
  identity: SAN,
  issuer: ISSUER,
  signer: `keyless, Sigstore root ${ROOT}`,
  digest: digest(d),
});

const CHARTS: CatalogChart[] = [
  {
    name: 'app',
    registry: 'ci',
    sources: [],
    keywords: [],
    maintainers: [],
    deprecated: false,
    latest: '3.0.0',
    updated: '2026-11-20T10:00:00.000Z',
    versions: [
      version('3.0.0', { signatures: [keyless('sigstore', 1)], policy: 'passed' }),
      version('2.0.0', { signatures: [keyless('cosign', 2)], policy: 'passed' }),
      version('1.0.0', {
        signatures: [{ kind: 'notation', verified: false, digest: digest(3), reason: NOTATION_REASON }],
        policy: 'failed',
        policyError: {
          code: 'SignatureMissing',
          message: 'app 1.0.0 has no cosign signature or Sigstore bundle',
        },
      }),
    ],
  },
  {
    name: 'svc',
    registry: 'mixed',
    sources: [],
    keywords: [],
    maintainers: [],
    deprecated: false,
    latest: '1.0.0',
    updated: '2026-11-20T10:00:00.000Z',
    versions: [version('1.0.0', { signatures: [keyless('cosign', 4)], policy: 'passed' })],
  },
];
const registryDoc = (name: string, verify: CatalogVerifyPolicy): CatalogRegistry => ({
  name,
  url: `oci://ghcr.io/${name}/charts`,
  kind: 'oci',
  private: false,
  charts: 1,
  versions: CHARTS.filter((c) => c.registry === name).flatMap((c) => c.versions).length,
  lastChange: '2026-11-30T10:00:00.000Z',
  failedVersions: [],
  republished: [],
  verify,
});
const REGISTRIES = [
  registryDoc('ci', KEYLESS),
  registryDoc('mixed', { ...KEYLESS, key: 'keys/cosign.pub', keyDigest: digest(0xdd), required: true }),
];

let repo: TempRepo;
let server: SiteServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  browser = await launchChromium();
  repo = await createTempRepo();
  const catalog = path.join(repo.root, 'catalog');
  await mkdir(path.join(catalog, 'registries'), { recursive: true });
  await writeFile(path.join(catalog, 'catalog.json'), '{"formatVersion":1,"chartMetadata":"Chart.yaml"}\n');
  for (const doc of REGISTRIES)
    await writeFile(path.join(catalog, 'registries', `${doc.name}.json`), JSON.stringify(doc, null, 2));
  for (const c of CHARTS) {
    const dir = path.join(catalog, 'charts', c.registry, c.name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'chart.json'), JSON.stringify(c, null, 2));
    for (const v of c.versions) {
      await mkdir(path.join(dir, v.version), { recursive: true });
      await writeFile(path.join(dir, v.version, 'README.md'), `# ${c.name}\n\n${v.version}\n`);
    }
  }
  const built = await buildSite({ root: repo.root });
  expect(built.degraded).toEqual([]);
  server = await serveSite(built.outDir);
  url = server.url;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await repo?.cleanup();
});

async function open(route: string): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage();
  const seen = watchPage(page);
  await page.goto(url + route);
  return { page, seen };
}
const badge = (page: Page) =>
  page.$eval('.chart-head .sig-badge', (el: DomElement) => ({
    state: el.dataset.signature,
    text: el.textContent?.trim(),
    title: el.getAttribute('title'),
  }));
const words = async (page: Page, selector: string) =>
  (await page.textContent(selector))?.replace(/\s+/g, ' ').trim();
const code = (page: Page, id: string) => page.textContent(`#code-${id}`).then((t) => t ?? '');

describe('keyless signatures on the site', () => {
  it('a Sigstore bundle and a keyless .sig are verified "by" the identity, with the issuer; the whole SAN is in the details', async () => {
    const { page, seen } = await open('charts/ci/app/');
    expect(await badge(page)).toEqual({
      state: 'verified',
      text: 'signed · verified',
      title: `Signed and verified by ${SAN.slice(0, 57)}… (issuer ${ISSUER}, Sigstore bundle).`,
    });
    expect(await page.textContent('.sig-facts .sig-identity')).toBe(SAN);
    expect(await words(page, '.sig-facts')).toContain(`issuer ${ISSUER}`);
    await page.goto(`${url}charts/ci/app/2.0.0/`);
    expect((await badge(page)).title).toBe(
      `Signed and verified by ${SAN.slice(0, 57)}… (issuer ${ISSUER}, cosign (keyless)).`,
    );
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('a Notation signature is detected, not verified, and says how to verify it', async () => {
    const { page } = await open('charts/ci/app/1.0.0/');
    expect(await badge(page)).toEqual({
      state: 'signed',
      text: 'signed · not verified',
      title: `Notation signature detected, not verified: ${NOTATION_REASON}`,
    });
    expect(await words(page, '.sig-facts')).toContain('notation verify');
    // the optional policy failed: no refusal, still offered
    expect(await page.locator('.refusal').count()).toBe(0);
    await page.close();
  });

  it('Flux verifies with matchOIDCIdentity and no secretRef; helm users get cosign verify with the regexps', async () => {
    const { page } = await open('charts/ci/app/');
    const flux = await code(page, 'flux');
    expect(flux).toContain(
      [
        '  verify:',
        '    provider: cosign',
        '    matchOIDCIdentity:',
        `      - issuer: ${JSON.stringify(IDENTITY.issuer)}`,
        `        subject: ${JSON.stringify(IDENTITY.subject)}`,
      ].join('\n'),
    );
    expect(flux).not.toContain('secretRef');
    expect(await code(page, 'helm-oci')).toContain(
      `# cosign verify --certificate-identity-regexp '${IDENTITY.subject}' --certificate-oidc-issuer-regexp '${IDENTITY.issuer}' ghcr.io/ci/charts/app:3.0.0`,
    );
    await page.goto(`${url}charts/mixed/svc/`);
    const both = await code(page, 'flux');
    expect(both).toContain(
      '    secretRef:\n      name: mixed-cosign-pub # the public key, as cosign.pub\n    matchOIDCIdentity:',
    );
    expect(both).toContain('# with a secretRef Flux verifies with the key; remove secretRef');
    await page.close();
  });

  it('the registry page shows the identities and the root', async () => {
    const { page } = await open('registries/ci/');
    expect(await words(page, '.sig-policy')).toMatch(
      /^cosign \(keyless\), keyless signatures and Sigstore bundles whose certificate matches the identity below; not required: /,
    );
    expect(
      await page.$$eval('.sig-identities li', (lis: DomElement[]) =>
        lis.map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
      ),
    ).toEqual([`issuer ${IDENTITY.issuer} subject ${IDENTITY.subject}`]);
    expect(await words(page, '.sig-root')).toBe(
      `RE2 regular expressions, matched as Flux’s matchOIDCIdentity; verified under ${ROOT}`,
    );
    await page.goto(`${url}registries/mixed/`);
    expect(await words(page, '.sig-policy')).toMatch(
      /^cosign \(public key or keyless\), key keys\/cosign\.pub in the catalog repository, or keyless signatures and Sigstore bundles whose certificate matches the identity below; required:/,
    );
    await page.close();
  });

  it('has no serious or critical axe violation on these pages', async () => {
    for (const route of ['charts/ci/app/', 'charts/ci/app/1.0.0/', 'registries/ci/', 'registries/mixed/']) {
      const page = await browser.newPage();
      await page.goto(url + route);
      await page.$$eval('details', (els: DomElement[]) => {
        for (const el of els) (el as unknown as { open: boolean }).open = true;
      });
      expect(await axeViolations(page), route).toEqual([]);
      await page.close();
    }
  }, 120_000);
});
