/**
 * Signatures on the built site, from a catalog this test writes as the sync does (the fields of
 * src/catalog/types.ts): `trusted`, an HTTP repository with a required Helm provenance policy
 * (a verified version, a refused one, a chart whose chart.json wrongly names a refused version
 * latest, a changed-signature flag); `harbor`, an OCI registry with an optional cosign policy (a
 * verified version, one signed but not verified, an unsigned one); `plain`, no policy: a chart
 * from an older catalog with no signature fields and one whose signer and reasons are markup.
 * Built by `buildSite`, served on loopback, driven in Debian's Chromium with axe.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CatalogChart,
  CatalogRegistry,
  CatalogSignature,
  CatalogVersion,
  CatalogVerifyPolicy,
} from '../../src/catalog/types.ts';
import { buildSite } from '../../src/site-build/build.ts';
import { serveSite, type SiteServer } from '../../src/site-build/serve.ts';
import { createTempRepo, type TempRepo } from '../../testkit/temp-repo.ts';
import { axeViolations, launchChromium, resultNames, screenshotDir, watchPage } from './browser.ts';
import type { Dom, DomElement } from './dom.ts';

const FINGERPRINT = '672C657BE06B4B30969C4A57461449C25E36B98E';
const SPKI = `sha256:${'5f0c'.repeat(16)}`;
const HOSTILE_SIGNER = `<img src=x onerror="window.__pwned='signer'"> Mallory`;
const HOSTILE_REASON = `<script>window.__pwned='reason'</script> the .prov does not verify`;
const HOSTILE_MESSAGE = `<b onmouseover="window.__pwned='message'">guarded 2.0.0</b>: the .prov names another digest`;
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

const HELM_POLICY: CatalogVerifyPolicy = {
  provider: 'helm',
  key: 'keys/helm-signing.asc',
  required: true,
  keyDigest: digest(0xaa),
};
const COSIGN_POLICY: CatalogVerifyPolicy = {
  provider: 'cosign',
  key: 'keys/cosign.pub',
  required: false,
  keyDigest: digest(0xbb),
};

const helmVerified: CatalogSignature = {
  kind: 'helm',
  verified: true,
  signer: 'Chart Signer <signer@example.com>',
  identity: FINGERPRINT,
  digest: digest(1),
};
const cosignVerified: CatalogSignature = {
  kind: 'cosign',
  verified: true,
  signer: 'keys/cosign.pub',
  identity: SPKI,
  digest: digest(2),
};
const cosignUnverified: CatalogSignature = {
  kind: 'cosign',
  verified: false,
  reason: 'the signature does not verify with keys/cosign.pub: check the key, or sign with cosign sign --key',
  digest: digest(3),
};

let n = 10;
function version(v: string, over: Partial<CatalogVersion> = {}): CatalogVersion {
  return {
    version: v,
    digest: digest(n++),
    created: `2026-11-${String(n).padStart(2, '0')}T10:00:00.000Z`,
    deprecated: false,
    removed: false,
    files: ['README.md'],
    ...over,
  };
}

function chart(registry: string, name: string, latest: string, versions: CatalogVersion[]): CatalogChart {
  return {
    name,
    registry,
    description: `The ${name} chart`,
    sources: [],
    keywords: ['signing-test'],
    maintainers: [],
    deprecated: false,
    latest,
    updated: versions.find((v) => v.version === latest)!.created,
    versions,
  };
}

function registryDoc(name: string, over: Partial<CatalogRegistry>): CatalogRegistry {
  return {
    name,
    url: `https://${name}.example/charts`,
    kind: 'http',
    private: false,
    charts: 0,
    versions: 0,
    lastChange: '2026-11-30T10:00:00.000Z',
    failedVersions: [],
    republished: [],
    ...over,
  };
}

const REFUSED_MESSAGE =
  'web 1.4.0 has no Helm provenance file (registries/trusted.yaml requires one): publish it with helm package --sign, or set required: false';

const CHARTS: CatalogChart[] = [
  chart('trusted', 'web', '1.3.0', [
    version('1.4.0', {
      signatures: [],
      policy: 'failed',
      policyError: { code: 'SignatureMissing', message: REFUSED_MESSAGE },
    }),
    version('1.3.0', { signatures: [helmVerified], policy: 'passed' }),
    version('1.2.0', { signatures: [helmVerified], policy: 'passed' }),
  ]),
  // a catalog that names a refused version latest: the site still never offers it
  chart('trusted', 'guarded', '2.0.0', [
    version('2.0.0', {
      signatures: [{ kind: 'helm', verified: false, reason: 'the .prov names another digest' }],
      policy: 'failed',
      // a message with markup (it quotes upstream): text too
      policyError: { code: 'SignatureInvalid', message: HOSTILE_MESSAGE },
    }),
    version('1.0.0', { signatures: [helmVerified], policy: 'passed' }),
  ]),
  chart('harbor', 'api', '2.1.0', [
    version('2.1.0', {
      manifestDigest: digest(0x21),
      signatures: [cosignUnverified, cosignVerified],
      policy: 'passed',
    }),
    version('2.0.0', {
      manifestDigest: digest(0x20),
      signatures: [cosignUnverified],
      policy: 'failed',
      policyError: { code: 'SignatureInvalid', message: cosignUnverified.reason! },
    }),
    version('1.9.0', {
      manifestDigest: digest(0x19),
      signatures: [],
      policy: 'failed',
      policyError: { code: 'SignatureMissing', message: 'api 1.9.0 has no cosign signature' },
    }),
  ]),
  chart('harbor', 'worker', '1.0.0', [
    version('1.0.0', { manifestDigest: digest(0x10), signatures: [cosignUnverified], policy: 'failed' }),
  ]),
  chart('harbor', 'batch', '0.5.0', [version('0.5.0', { manifestDigest: digest(0x05), signatures: [] })]),
  // an older catalog: no signature fields at all
  chart('plain', 'legacy', '1.0.0', [version('1.0.0'), version('0.9.0')]),
  chart('plain', 'hostile', '0.2.0', [
    version('0.2.0', {
      signatures: [
        { kind: 'helm', verified: false, signer: HOSTILE_SIGNER, reason: HOSTILE_REASON },
        // a record with only what the type requires: no reason, no signer
        { kind: 'cosign', verified: false },
      ],
    }),
    version('0.1.0', {
      signatures: [{ kind: 'helm', verified: true, signer: HOSTILE_SIGNER, identity: HOSTILE_SIGNER }],
    }),
  ]),
];

const REGISTRIES: CatalogRegistry[] = [
  registryDoc('trusted', {
    verify: HELM_POLICY,
    signatureChanges: [
      {
        chart: 'web',
        version: '1.2.0',
        change: 'changed',
        previous: [{ ...helmVerified, signer: 'Old Signer <old@example.com>' }],
        detected: '2026-11-29T08:00:00.000Z',
      },
    ],
  }),
  registryDoc('harbor', { kind: 'oci', url: 'oci://registry.example/charts', verify: COSIGN_POLICY }),
  registryDoc('plain', {}),
];

let repo: TempRepo;
let server: SiteServer;
let browser: Browser;
let url: string;

async function writeCatalog(root: string): Promise<void> {
  const catalog = path.join(root, 'catalog');
  await mkdir(path.join(catalog, 'registries'), { recursive: true });
  await writeFile(path.join(catalog, 'catalog.json'), '{"formatVersion":1,"chartMetadata":"Chart.yaml"}\n');
  for (const doc of REGISTRIES) {
    const charts = CHARTS.filter((c) => c.registry === doc.name);
    const counted = { ...doc, charts: charts.length, versions: charts.flatMap((c) => c.versions).length };
    await writeFile(path.join(catalog, 'registries', `${doc.name}.json`), JSON.stringify(counted, null, 2));
  }
  for (const c of CHARTS) {
    const dir = path.join(catalog, 'charts', c.registry, c.name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'chart.json'), JSON.stringify(c, null, 2));
    for (const v of c.versions) {
      await mkdir(path.join(dir, v.version), { recursive: true });
      await writeFile(
        path.join(dir, v.version, 'README.md'),
        `# ${c.name}\n\nThe ${c.name} chart, ${v.version}.\n`,
      );
    }
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  repo = await createTempRepo();
  await writeCatalog(repo.root);
  const built = await buildSite({ root: repo.root });
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

const facts = async (page: Page) => (await page.textContent('.sig-facts'))?.replace(/\s+/g, ' ').trim();

/** The versions table's rows as [version, signature cell] text. */
const signatureColumn = (page: Page) =>
  page.$$eval('.versions-table', (tables: DomElement[]) => {
    const table = tables[0]!;
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    const at = headers.indexOf('Signature');
    return {
      at,
      rows: [...table.querySelectorAll('tbody tr')].map((tr) => {
        const cells = [...tr.querySelectorAll('td')];
        return [
          cells[0]?.querySelector('a')?.textContent?.trim() ?? cells[0]?.textContent?.trim(),
          at < 0 ? undefined : (cells[at]?.querySelector('.badge')?.textContent?.trim() ?? ''),
        ];
      }),
    };
  });

const code = (page: Page, id: string) => page.textContent(`#code-${id}`).then((t) => t ?? '');

describe('signature badges', () => {
  it('a chart page shows the latest version’s badge, by whom and with what key; the versions table has a signature column', async () => {
    const { page, seen } = await open('charts/trusted/web/');
    expect(await badge(page)).toEqual({
      state: 'verified',
      text: 'signed · verified',
      title:
        'Signed and verified by Chart Signer <signer@example.com> (key 4614 49C2 5E36 B98E, Helm provenance).',
    });
    const said = await facts(page);
    expect(said).toMatch(/^signed · verified/);
    expect(said).toContain(
      'Signed and verified by Chart Signer <signer@example.com> (key 4614 49C2 5E36 B98E, Helm provenance).',
    );
    // the whole fingerprint is there, under the details
    expect(await page.textContent('.sig-facts .sig-identity')).toBe(FINGERPRINT);
    const column = await signatureColumn(page);
    expect(column.at).toBeGreaterThan(0);
    expect(column.rows).toEqual([
      ['1.4.0', 'refused by policy'],
      ['1.3.0', 'signed · verified'],
      ['1.2.0', 'signed · verified'],
    ]);
    // the refused row's details give the reason
    expect(await page.textContent('.versions-table tbody tr:first-child .sig-cell-details .sig-detail')).toBe(
      `SignatureMissing: ${REFUSED_MESSAGE}`,
    );
    expect(seen.errors).toEqual([]);
    const shots = await screenshotDir('signatures');
    await page.click('.versions-table tbody tr:first-child summary');
    await page.screenshot({ path: path.join(shots, 'chart.png'), fullPage: true });
    await page.goto(`${url}charts/trusted/web/1.4.0/`);
    await page.screenshot({ path: path.join(shots, 'refused.png'), fullPage: true });
    await page.goto(`${url}registries/trusted/`);
    await page.screenshot({ path: path.join(shots, 'registry.png'), fullPage: true });
    await page.close();
  });

  it('a verified cosign version, one signed but not verified (why) and an unsigned one', async () => {
    const { page } = await open('charts/harbor/api/');
    expect(await badge(page)).toMatchObject({ state: 'verified', text: 'signed · verified' });
    expect(await facts(page)).toContain('by keys/cosign.pub (sha256:5f0c5f0c5f0c…, cosign)');
    // a foreign signature beside the good one: both listed
    expect(await page.textContent('.sig-list summary')).toBe('All 2 signatures');
    expect((await signatureColumn(page)).rows).toEqual([
      ['2.1.0', 'signed · verified'],
      ['2.0.0', 'signed · not verified'],
      ['1.9.0', 'unsigned'],
    ]);
    await page.goto(`${url}charts/harbor/api/2.0.0/`);
    expect(await badge(page)).toEqual({
      state: 'signed',
      text: 'signed · not verified',
      title: `cosign signature, not verified: ${cosignUnverified.reason}`,
    });
    expect(await facts(page)).toContain(cosignUnverified.reason!);
    // a failed policy that is not required is no refusal: the version is still offered
    expect(await page.locator('.refusal').count()).toBe(0);
    expect(await code(page, 'flux')).toContain('tag: "2.0.0"');
    await page.goto(`${url}charts/harbor/api/1.9.0/`);
    expect(await badge(page)).toMatchObject({ state: 'unsigned', text: 'unsigned' });
    expect(await facts(page)).toContain('No signature was found when chartroom checked 1.9.0.');
    // the optional policy failed: said beside the badge, no refusal
    expect(await page.textContent('.sig-policy-note')).toBe(
      'Does not pass harbor’s signature policy, which is not required: SignatureMissing api 1.9.0 has no cosign signature',
    );
    expect(await page.locator('.refusal').count()).toBe(0);
    await page.close();
  });

  it('a refused version’s page says so with the policy error and offers no snippet', async () => {
    const { page } = await open('charts/trusted/web/1.4.0/');
    expect(await badge(page)).toMatchObject({ state: 'refused', text: 'refused by policy' });
    expect(await page.getAttribute('.chart-head .sig-badge', 'class')).toContain('bad');
    const refusal = (await page.textContent('.refusal'))?.replace(/\s+/g, ' ').trim();
    expect(refusal).toContain(
      'Refused by policy. 1.4.0 does not pass the signature policy of trusted, which is required',
    );
    expect(refusal).toContain(`SignatureMissing ${REFUSED_MESSAGE}`);
    expect(await page.locator('section.snippets').count()).toBe(0);
    expect(await page.locator('a[href="#install"]').count()).toBe(0);
    await page.close();
  });

  it('an older catalog’s chart shows no badge and no signature column', async () => {
    const { page } = await open('charts/plain/legacy/');
    expect(await page.locator('.sig-badge, .sig-facts').count()).toBe(0);
    expect((await signatureColumn(page)).at).toBe(-1);
    expect(await code(page, 'helm-repo')).not.toMatch(/verify|keyring/);
    await page.close();
  });
});

describe('install snippets', () => {
  it('a helm policy: helm install --verify --keyring, with where the keyring comes from', async () => {
    const { page } = await open('charts/trusted/web/');
    const helm = await code(page, 'helm-repo');
    expect(helm).toContain(
      'helm install web trusted/web --version 1.3.0 --verify --keyring helm-signing.gpg',
    );
    expect(helm).toContain('keys/helm-signing.asc in the catalog repository');
    expect(helm).toContain('gpg --dearmor < keys/helm-signing.asc > helm-signing.gpg');
    expect(await code(page, 'argocd')).toContain('# Argo CD does not verify chart signatures');
    // the refused 1.4.0 is newer, but never named
    const all = await page.$$eval('section.snippets code', (els: DomElement[]) =>
      els.map((e) => e.textContent).join('\n'),
    );
    expect(all).not.toContain('1.4.0');
    expect(await page.textContent('#install')).toBe('Install 1.3.0');
    await page.close();
  });

  it('a cosign policy on OCI: the Flux OCIRepository verifies with a secretRef, and the Secret is made from the key', async () => {
    const { page } = await open('charts/harbor/api/');
    const flux = await code(page, 'flux');
    expect(flux).toContain(
      [
        '  verify:',
        '    provider: cosign',
        '    secretRef:',
        '      name: harbor-cosign-pub # the public key, as cosign.pub',
      ].join('\n'),
    );
    expect(flux).toContain(
      'kubectl create secret generic harbor-cosign-pub --namespace flux-system --from-file=cosign.pub=keys/cosign.pub',
    );
    expect(await code(page, 'helm-oci')).toContain(
      '# cosign verify --key keys/cosign.pub registry.example/charts/api:2.1.0',
    );
    await page.close();
  });

  it('a chart whose catalog names a refused version latest offers the newest one that is not', async () => {
    const { page } = await open('charts/trusted/guarded/');
    // the chart page's badge is the latest's: refused, with its box
    expect(await badge(page)).toMatchObject({ state: 'refused' });
    expect(await page.textContent('.refusal')).toContain(`SignatureInvalid ${HOSTILE_MESSAGE}`);
    expect(await page.textContent('#install')).toBe('Install 1.0.0');
    const all = await page.$$eval('section.snippets code', (els: DomElement[]) =>
      els.map((e) => e.textContent).join('\n'),
    );
    expect(all).toContain('--version 1.0.0');
    expect(all).not.toContain('2.0.0');
    await page.close();
  });
});

describe('the registry page', () => {
  it('shows the policy, and a changed signature like a republished version', async () => {
    const { page } = await open('registries/trusted/');
    expect((await page.textContent('.sig-policy'))?.replace(/\s+/g, ' ').trim()).toBe(
      'Helm provenance (OpenPGP keyring), key keys/helm-signing.asc in the catalog repository; required: versions that do not pass are refused, kept in the catalog but never offered for install',
    );
    const refused = await page.$$eval('#refused-title ~ div tbody tr', (trs: DomElement[]) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(refused).toEqual([
      ['guarded', '2.0.0', `SignatureInvalid: ${HOSTILE_MESSAGE}`],
      ['web', '1.4.0', `SignatureMissing: ${REFUSED_MESSAGE}`],
    ]);
    // the cards carry the latest version's badge
    expect(
      await page.$$eval('.card', (cards: DomElement[]) =>
        cards.map((c) => [
          c.querySelector('h3')?.textContent?.trim(),
          c.querySelector('.sig-badge')?.textContent?.trim(),
        ]),
      ),
    ).toEqual([
      ['guarded', 'refused by policy'],
      ['web', 'signed · verified'],
    ]);
    expect(await page.textContent('.facts')).toContain('in sync, 1 signature change');
    const rows = await page.$$eval('#signature-changes-title ~ div tbody tr', (trs: DomElement[]) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(rows).toEqual([
      [
        'web',
        '1.2.0',
        'signature changed',
        'Helm provenance, verified by Old Signer <old@example.com>',
        '2026-11-29 08:00 UTC',
      ],
    ]);
    await page.goto(`${url}registries/harbor/`);
    expect(await page.textContent('.sig-policy')).toContain('not required');
    await page.goto(`${url}registries/plain/`);
    expect(await page.locator('.sig-policy, #signature-changes-title').count()).toBe(0);
    await page.close();
  });
});

describe('the feed', () => {
  it('says each new version’s signature state in its summary', async () => {
    const feed = await (await fetch(`${url}registries/trusted/feed.xml`)).text();
    const summary = (title: string) =>
      new RegExp(`<title>${title}</title>[\\s\\S]*?<summary>([^<]*)</summary>`).exec(feed)?.[1];
    expect(summary('trusted/web 1.4.0')).toBe('web 1.4.0 · The web chart · refused by policy');
    expect(summary('trusted/web 1.3.0')).toBe('web 1.3.0 · The web chart · signed · verified');
    const plain = await (await fetch(`${url}registries/plain/feed.xml`)).text();
    expect(plain).toMatch(/<summary>legacy [^<]* · The legacy chart<\/summary>/);
  });
});

describe('search', () => {
  it('the signature filter narrows the results', async () => {
    const { page, seen } = await open('');
    const results = async () => {
      await page.waitForFunction(
        () =>
          (globalThis as unknown as Dom).document.getElementById('search-results')?.dataset.phase === 'done',
      );
      return (await resultNames(page)).sort();
    };
    // every chart has the keyword (the name index ranks it); then the filter narrows
    await page.goto(`${url}?q=signing-test`);
    expect(await results()).toEqual(['api', 'batch', 'guarded', 'hostile', 'legacy', 'web', 'worker']);
    const expected: Array<[string, string[]]> = [
      ['verified', ['api', 'web']],
      ['signed', ['hostile', 'worker']],
      ['unsigned', ['batch']],
      ['refused', ['guarded']],
    ];
    for (const [state, names] of expected) {
      await page.selectOption('select[name=signature]', state);
      await page.waitForFunction(
        (count: number) =>
          (globalThis as unknown as Dom).document.querySelectorAll('#search-results .result').length ===
          count,
        names.length,
      );
      expect(await results(), state).toEqual(names);
      expect(new URL(page.url()).searchParams.get('signature')).toBe(state);
    }
    // the result shows the badge's words
    expect(await page.textContent('#search-results .result-signature')).toBe('refused by policy');
    // a link with the filter (a filter alone is the browse page's: test/site/search-ranking.test.ts)
    await page.goto(`${url}?q=signing-test&signature=unsigned`);
    expect(await results()).toEqual(['batch']);
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});

describe('hostile text', () => {
  it('a signer, identity and reason with markup are shown as text and nothing runs', async () => {
    for (const route of [
      'charts/plain/hostile/',
      'charts/plain/hostile/0.1.0/',
      'charts/trusted/guarded/',
      'registries/trusted/',
    ]) {
      const { page, seen } = await open(route);
      // open every details element, so their contents are rendered too
      await page.$$eval('details', (els: DomElement[]) => {
        for (const el of els) (el as unknown as { open: boolean }).open = true;
      });
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => (globalThis as unknown as Dom).window.__pwned), route).toBeUndefined();
      expect(seen.dialogs).toEqual([]);
      expect(await page.locator('main img, main script:not([src]), main b').count(), route).toBe(0);
      await page.close();
    }
    const { page } = await open('charts/plain/hostile/');
    expect(await badge(page)).toEqual({
      state: 'signed',
      text: 'signed · not verified',
      title: `Helm provenance signature, not verified: ${HOSTILE_REASON}`,
    });
    const list = await page.textContent('.sig-list');
    expect(list).toContain(HOSTILE_REASON);
    expect(list).toContain(`(signer: ${HOSTILE_SIGNER})`);
    // the record without a reason still says something
    expect(list).toContain('cosign: not verified: no reason was recorded');
    await page.goto(`${url}charts/plain/hostile/0.1.0/`);
    expect(await facts(page)).toContain(`Signed and verified by ${HOSTILE_SIGNER}`);
    // a short identity is shown whole, in the sentence
    expect(await facts(page)).toContain(`(${HOSTILE_SIGNER}, Helm provenance)`);
    await page.goto(`${url}charts/trusted/guarded/`);
    expect(await page.textContent('.refusal-message')).toBe(HOSTILE_MESSAGE);
    await page.close();
  });
});

describe('accessibility', () => {
  it('has no serious or critical axe violation on the pages that show signatures', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const route of [
        'charts/trusted/web/',
        'charts/trusted/web/1.4.0/',
        'charts/harbor/api/',
        'charts/harbor/api/2.0.0/',
        'charts/plain/hostile/',
        'registries/trusted/',
        '?signature=verified',
      ]) {
        const page = await browser.newPage({ colorScheme });
        await page.goto(url + route);
        await page.$$eval('details', (els: DomElement[]) => {
          for (const el of els) (el as unknown as { open: boolean }).open = true;
        });
        expect(await axeViolations(page), `${route} (${colorScheme})`).toEqual([]);
        await page.close();
      }
    }
  }, 300_000);
});
