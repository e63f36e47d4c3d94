/**
 * The error catalogue: every `code` a ChartroomError can carry, with what it means, what to do,
 * where it is met, whether it is transient, and the decisions the code base makes on it. The
 * decisions are read here and nowhere else (no code string lists elsewhere), the catalog and
 * sync-report schemas' `code` enums and the README's table of codes are generated from it
 * (`npm run docs:errors`), and `error-catalogue.test.ts` pins every code's decisions.
 *
 * Codes are stable (the catalog, `--json` and tests rely on them): add codes, never rename one.
 */

/**
 * Where a code is met:
 * - `registry`: a registry as a whole failed (`error` of its catalog file and of the sync report)
 * - `chart`: one OCI chart repository could not be listed (`chartErrors`)
 * - `version`: one chart version failed (`failedVersions`, the report's `failed`)
 * - `push`: pushing the catalog commit failed (the report's `pushError`)
 * - `configuration`: checking registry and credential files (inside ConfigInvalid)
 * - `run`: it stops a command (printed as `error: …` with its hint)
 * - `policy`: a version did not pass its registry's `verify:` policy (`policyError` of a catalog version)
 */
export type Where = 'registry' | 'chart' | 'version' | 'push' | 'configuration' | 'run' | 'policy';

/**
 * What the code base decides on a code, each read in one place:
 * - `retryRequest`: the HTTP client sends the request again within the sync (src/http/client.ts)
 * - `noCatalog`: OCI `/v2/_catalog` failing so means the registry offers no catalog (src/sources/oci/client.ts)
 * - `chartOnly`: when every OCI chart fails so, the charts fail, not the registry (src/sources/oci/index.ts)
 * - `giveUpAtOnce`: a version failing so is given up at once, not retried and not a failure of the
 *   run (the sync); every other version failure is retried with backoff up to `maxAttempts`
 * - `exit2`: a command it stops exits 2 (bad configuration or usage), not 1 (src/cli/main.ts)
 */
export type Decision = 'retryRequest' | 'noCatalog' | 'chartOnly' | 'giveUpAtOnce' | 'exit2';

export interface CatalogueEntry {
  /** the condition can clear by itself: a later attempt may succeed with nothing changed */
  readonly transient: boolean;
  readonly where: readonly Where[];
  /** one line; starts with the words the message starts with, where users search for them */
  readonly meaning: string;
  readonly action: string;
  readonly decisions: readonly Decision[];
}

const OF_A_REQUEST = ['registry', 'chart', 'version'] as const;
const OF_A_CREDENTIAL = ['registry', 'run'] as const;

export const ERROR_CATALOGUE = {
  // Any request (src/http/client.ts, and status errors of both protocols)
  Timeout: {
    transient: true,
    where: OF_A_REQUEST,
    meaning:
      "`connection timed out`: no answer in time (after a few retries), or past a request's or a registry's deadline",
    action: 'nothing: the next sync tries again; if it persists, check the URL, any proxy and the deadlines',
    decisions: ['retryRequest'],
  },
  ConnectionFailed: {
    transient: true,
    where: OF_A_REQUEST,
    meaning: 'the connection failed (DNS, refused, reset, TLS), after a few retries',
    action: 'check the URL, that the host is reachable from the sync, and `caFile` for a private CA',
    decisions: ['retryRequest'],
  },
  PlainHttpServer: {
    transient: false,
    where: OF_A_REQUEST,
    meaning:
      'the server answered in plain http on an https URL (`ERR_SSL_WRONG_VERSION_NUMBER`, `wrong version number`, `packet length too long`)',
    action:
      'for a loopback or private test registry: an `http://` URL (an `oci://` one stays) and `insecure: true` in the registry file',
    decisions: [],
  },
  CertificateUntrusted: {
    transient: false,
    where: OF_A_REQUEST,
    meaning:
      '`certificate not trusted`: self-signed or from an unknown CA (`DEPTH_ZERO_SELF_SIGNED_CERT`, `SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`)',
    action: 'commit the CA certificate (PEM) and name it with `caFile:` in the registry file',
    decisions: [],
  },
  CertificateHostMismatch: {
    transient: false,
    where: OF_A_REQUEST,
    meaning:
      "`certificate for another host`: the URL's host is not among the certificate's names (`ERR_TLS_CERT_ALTNAME_INVALID`)",
    action: 'use the host name the certificate is for in the URL; `caFile` does not change this',
    decisions: [],
  },
  CertificateExpired: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: '`certificate expired` (or not yet valid): `CERT_HAS_EXPIRED`, `CERT_NOT_YET_VALID`',
    action:
      "the server's certificate must be renewed (or the clock of the machine running the sync is wrong)",
    decisions: [],
  },
  RateLimited: {
    transient: true,
    where: OF_A_REQUEST,
    meaning: '`toomanyrequests`: the registry or its token service answered 429, also when asked again',
    action: 'nothing: the next sync tries again; a credential often raises the limit (Docker Hub)',
    decisions: [],
  },
  HTTPError: {
    transient: true,
    where: OF_A_REQUEST,
    meaning: 'an unexpected HTTP status (a 5xx after retries, or another code)',
    action:
      "usually nothing: the next sync tries again; if it persists, check the URL and the server's status",
    decisions: ['noCatalog'],
  },
  NotFound: {
    transient: false,
    where: ['registry', 'version', 'run'],
    meaning: '404: the index, archive or blob is not at its URL (or `registry remove` names no file)',
    action: 'check the URL in the registry file',
    decisions: ['noCatalog'],
  },
  AuthenticationFailed: {
    transient: false,
    where: OF_A_REQUEST,
    meaning:
      '`unauthorized: authentication required`: a 401 or 403 from the registry or its token service, on any request (the catalog too)',
    action:
      "check the credential's username and password, or replace it (`credential add NAME --host H`); 403: grant pull access",
    decisions: [],
  },
  InsecureRealm: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: 'the registry names a token realm over plain http; the credential is not sent there',
    action: "use the registry's https address",
    decisions: [],
  },
  TooManyRedirects: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: 'more than 5 redirects',
    action: 'check the repository URL',
    decisions: [],
  },
  InsecureRedirect: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: 'an https URL redirects to plain http; refused',
    action: "use the final https URL, or fix the server's redirect",
    decisions: [],
  },
  TooLarge: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: 'a response or an archive is over its cap (an index or a chart over 100 MiB)',
    action: 'nothing to set: the repository serves something too large; tell its maintainers',
    decisions: [],
  },
  BadEncoding: {
    transient: false,
    where: ['registry'],
    meaning: "the index's `Content-Encoding` is unsupported or does not decode",
    action: "the server sends a broken body; tell the repository's maintainers",
    decisions: [],
  },
  // HTTP chart repositories (src/sources/helm/)
  IndexInvalid: {
    transient: false,
    where: ['registry'],
    meaning:
      '`index.yaml` does not parse, is not UTF-8, has no `apiVersion` (not a Helm index), or its `entries` is not a mapping',
    action: 'check the registry URL; else the repository serves a broken index: tell its maintainers',
    decisions: [],
  },
  NoURL: {
    transient: false,
    where: ['version'],
    meaning: 'the index lists the version without an http(s) URL to download',
    action: "the index is incomplete; tell the repository's maintainers",
    decisions: [],
  },
  // OCI registries (src/sources/oci/)
  NameUnknown: {
    transient: false,
    where: ['chart', 'version'],
    meaning: '`name unknown`: the OCI repository does not exist',
    action: 'check the chart name under `charts:` in the registry file',
    decisions: ['noCatalog', 'chartOnly'],
  },
  ManifestUnknown: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: "`manifest unknown`: the tag's manifest is not there (deleted since it was listed)",
    action: 'nothing if the tag was deleted; otherwise check it in the registry',
    decisions: ['chartOnly'],
  },
  NoChartsFound: {
    transient: false,
    where: ['registry'],
    meaning:
      '`no charts found`: the registry offers no catalog (GHCR, Docker Hub, ECR) or has no repositories under the namespace',
    action: 'list the chart repositories under `charts:` in the registry file',
    decisions: [],
  },
  NotAHelmChart: {
    transient: false,
    where: ['version'],
    meaning: 'the artifact under a semver tag is not a Helm chart (an image, a signature, an SBOM)',
    action: 'nothing: it is recorded once, given up, and not fetched again',
    decisions: ['giveUpAtOnce'],
  },
  TooManyPages: {
    transient: false,
    where: ['registry', 'chart'],
    meaning:
      'a tags list or catalog past 1000 pages, 100000 entries or 64 MiB, or with a `Link` looping back',
    action: 'list the charts under `charts:`; a registry paging without end is broken',
    decisions: [],
  },
  OCIInvalid: {
    transient: false,
    where: OF_A_REQUEST,
    meaning: 'a tags list, catalog, manifest or chart config that is not JSON, or a `Link` to another host',
    action: 'check that the URL is an OCI registry; otherwise tell its operators',
    decisions: [],
  },
  URLInvalid: {
    transient: false,
    where: OF_A_REQUEST,
    meaning:
      '`invalid reference format`: an OCI reference or chart name that is not valid (a registry file reports it in ConfigInvalid)',
    action: 'write `oci://host[:port]/namespace`, `https://host/path`, or a lowercase chart name',
    decisions: [],
  },
  // Chart archives (src/chart/)
  DigestMismatch: {
    transient: false,
    where: ['version'],
    meaning: "the archive's sha256 is not the index `digest` or the OCI layer digest",
    action: 'nothing: it is retried with backoff; if it persists, the publisher must fix the index',
    decisions: [],
  },
  ArchiveUnsafe: {
    transient: false,
    where: ['version'],
    meaning: 'archive refused: a `..` or absolute path, a link, a device, or an entry over the caps',
    action: 'nothing in chartroom: the archive is broken or hostile; tell its publisher',
    decisions: [],
  },
  ArchiveInvalid: {
    transient: false,
    where: ['version'],
    meaning: 'the archive is not a gzipped tar, is damaged, or is empty',
    action: 'tell the publisher; a later sync retries it',
    decisions: [],
  },
  ChartInvalid: {
    transient: false,
    where: ['version'],
    meaning:
      'no `<chart>/Chart.yaml`, a `Chart.yaml` that is not YAML, or a `values.schema.json` that is not JSON',
    action: 'tell the publisher; a later sync retries it',
    decisions: [],
  },
  ChartMismatch: {
    transient: false,
    where: ['version'],
    meaning: "the archive's `Chart.yaml` names another chart or version than the index",
    action: 'ask the publisher to reindex',
    decisions: [],
  },
  // Credentials (src/credentials/)
  CredentialUnavailable: {
    transient: false,
    where: ['registry'],
    meaning: 'the credential file is missing, does not parse, has no password, or names an unset `{env: …}`',
    action: 'create it with `chartroom credential add`, or set the variable in the environment of the sync',
    decisions: [],
  },
  CredentialPlaintext: {
    transient: false,
    where: ['registry'],
    meaning: 'a credential file that is not SOPS-encrypted holds a plaintext username or password',
    action: 'encrypt it (`chartroom credential add`) or write `password: {env: VARIABLE}`',
    decisions: [],
  },
  CredentialEnvUnbound: {
    transient: false,
    where: ['registry'],
    meaning:
      "a credential's `{env: NAME}` names a variable the sync's `CHARTROOM_ENV_HOSTS` does not bind to the registry's host, or `SOPS_AGE_KEY*` (never readable)",
    action:
      "bind it where the secret is put into the environment: `CHARTROOM_ENV_HOSTS='NAME=host'` (the Action's `env-hosts` input)",
    decisions: [],
  },
  CredentialHostMismatch: {
    transient: false,
    where: ['registry'],
    meaning: "the credential's `hosts` do not list the registry's host",
    action: "add the host to the credential's `hosts` (a reviewed change), or use another credential",
    decisions: [],
  },
  AgeKeyMissing: {
    transient: false,
    where: OF_A_CREDENTIAL,
    meaning: 'no age key: `SOPS_AGE_KEY` is unset, or `SOPS_AGE_KEY_FILE` cannot be read',
    action: 'set `SOPS_AGE_KEY` (the sync workflow reads it from a secret)',
    decisions: [],
  },
  AgeKeyInvalid: {
    transient: false,
    where: OF_A_CREDENTIAL,
    meaning: 'the age key holds a line that is not an age identity (`AGE-SECRET-KEY-1…`)',
    action: 'fix `SOPS_AGE_KEY` or the key file',
    decisions: [],
  },
  AgeKeyMismatch: {
    transient: false,
    where: OF_A_CREDENTIAL,
    meaning: "the age key is not one of the SOPS file's recipients",
    action: 'set `SOPS_AGE_KEY` to the key of a recipient, or re-encrypt (`chartroom credential rotate`)',
    decisions: [],
  },
  SopsInvalid: {
    transient: false,
    where: OF_A_CREDENTIAL,
    meaning: 'not a usable SOPS file: it does not parse, or has no `sops` metadata or MAC',
    action: 'restore it from git history, or re-create it with `chartroom credential add`',
    decisions: [],
  },
  SopsTampered: {
    transient: false,
    where: OF_A_CREDENTIAL,
    meaning: 'the SOPS MAC does not authenticate: values, keys or their order changed after encryption',
    action: 'restore it from git history, or re-create it with `chartroom credential add`',
    decisions: [],
  },
  SopsNoAge: {
    transient: false,
    where: OF_A_CREDENTIAL,
    meaning: 'the SOPS file is encrypted to no age recipient (chartroom decrypts age only)',
    action: 'encrypt it to age recipients (`chartroom credential add`)',
    decisions: [],
  },
  SopsConfigMissing: {
    transient: false,
    where: ['run'],
    meaning: '`.sops.yaml` does not exist or does not parse',
    action: 'create a `.sops.yaml` whose `creation_rules` name age recipients (`chartroom init` writes one)',
    decisions: ['exit2'],
  },
  SopsConfigInvalid: {
    transient: false,
    where: ['run'],
    meaning: '`.sops.yaml` has no `creation_rules` list, or no rule with age recipients matches the file',
    action: 'add a creation rule with `age:` recipients whose `path_regex` matches `registries/credentials/`',
    decisions: ['exit2'],
  },
  // Signatures (src/trust): a version's signatures under its registry's `verify:` policy
  SignatureMissing: {
    transient: false,
    where: ['policy'],
    meaning:
      '`no helm signature` / `no cosign signature`: a version has no signature of the kind its `verify:` policy names (for cosign: a `.sig` signature, keyless or with a key, or a Sigstore bundle referrer), or it could not be read',
    action:
      'publish it signed (`helm package --sign` and the `.prov` beside the archive, or `cosign sign` with a key or keyless); with `required: false` the version is offered all the same',
    decisions: [],
  },
  SignatureInvalid: {
    transient: false,
    where: ['policy'],
    meaning:
      "`no helm signature verifies` / `no cosign signature verifies`: a version has signatures of the policy's kind, and none verifies for this digest with its key, or keyless with an identity of its `matchOIDCIdentity`",
    action:
      "read the reason: check that `verify.key` is the publisher's key or that `matchOIDCIdentity` names the signer's issuer and subject, or ask the publisher to sign this version again; with `required: false` it is offered all the same",
    decisions: [],
  },
  VerifyKeyInvalid: {
    transient: false,
    where: ['registry', 'configuration', 'run'],
    meaning:
      '`<registry file>: verify.key "<path>" …`: the key a `verify:` policy names cannot be used: missing, outside the repository, a secret key, or not an OpenPGP keyring (helm) / PEM public key (cosign)',
    action:
      "commit the publisher's public key in the repository and name it with `verify.key` (`gpg --export KEYID`, or `cosign.pub`)",
    decisions: ['exit2'],
  },
  SigstoreRootInvalid: {
    transient: false,
    where: ['configuration', 'run'],
    meaning:
      '`chartroom.yaml: trust.sigstoreRoot "<path>" …`: the Sigstore trusted root it names cannot be used: missing, outside the repository, over 1 MiB, not a `trusted_root.json`, or without a certificate authority or transparency log',
    action:
      'commit the `trusted_root.json` of your Sigstore deployment (`cosign trusted-root create`, or the TUF target) and name it with `trust.sigstoreRoot`, or drop the setting to use the public-good root shipped with chartroom',
    decisions: ['exit2'],
  },
  // Configuration and commands
  ConfigInvalid: {
    transient: false,
    where: ['configuration', 'run'],
    meaning: 'a registry or credential file is invalid (`file:line:col` says where); nothing was synced',
    action: 'fix the file; `chartroom validate` checks them all',
    decisions: ['exit2'],
  },
  IntervalInvalid: {
    transient: false,
    where: ['configuration'],
    meaning: 'an `interval` that is not `0` or a duration from `10s` to `24h` (reported in ConfigInvalid)',
    action: 'write a duration such as `30s`, `2m` or `1h30m`, or `0` to sync only on demand',
    decisions: [],
  },
  Usage: {
    transient: false,
    where: ['run'],
    meaning: 'wrong command-line usage',
    action: 'see `chartroom --help`',
    decisions: ['exit2'],
  },
  NotARepository: {
    transient: false,
    where: ['run'],
    meaning: 'the root is not a git repository, so the sync cannot commit',
    action: 'run `git init` there, pass `--root DIR`, or sync with `--no-commit`',
    decisions: ['exit2'],
  },
  NotACatalogRepository: {
    transient: false,
    where: ['run'],
    meaning:
      'the root does not exist, or has no `registries/`, `catalog/` or `chartroom.yaml`: it is not a catalog repository',
    action: 'run `chartroom init` there, or pass `--root DIR` for the catalog repository',
    decisions: ['exit2'],
  },
  Locked: {
    transient: true,
    where: ['run'],
    meaning: 'another sync is running in this repository (`.chartroom/sync.lock`)',
    action: 'wait for it; delete the lock file if no sync is running',
    decisions: [],
  },
  PushFailed: {
    transient: true,
    where: ['push'],
    meaning: '`git push`, or the rebase on a concurrent push, failed; the commit is kept locally',
    action: "nothing: the next run pushes it; if it persists, check the remote and the token's permissions",
    decisions: [],
  },
  PushBranchUnknown: {
    transient: false,
    where: ['run'],
    meaning: 'HEAD is detached and no `--branch`, upstream or CI variable names the branch to push to',
    action: 'pass `--branch NAME` (the catalog branch) to `sync --push` or `watch --push`',
    decisions: ['exit2'],
  },
  ShardMissing: {
    transient: false,
    where: ['run'],
    meaning: '`merge` was given a directory without a shard report',
    action: 'run `chartroom sync --shard I/N` there first',
    decisions: [],
  },
  CatalogMissing: {
    transient: false,
    where: ['run'],
    meaning: 'there is no `catalog/catalog.json` to build the site from',
    action: 'run `chartroom sync` first, or pass `--root DIR` for a repository that has a catalog',
    decisions: [],
  },
  CatalogFormatUnsupported: {
    transient: false,
    where: ['run'],
    meaning: '`catalog.json` has a `formatVersion` this chartroom does not read',
    action: 'upgrade chartroom',
    decisions: [],
  },
  CatalogInvalid: {
    transient: false,
    where: ['registry', 'run'],
    meaning: 'a catalog file does not parse or does not match its schema',
    action: 'restore it from git (`git checkout HEAD -- <file>`) and sync again',
    decisions: [],
  },
  SiteBuildFailed: {
    transient: false,
    where: ['run'],
    meaning: '`astro build` failed',
    action: 'read the build output printed with it',
    decisions: [],
  },
  Internal: {
    transient: false,
    where: ['registry', 'chart', 'version', 'push', 'run'],
    meaning: 'anything else: an unexpected error (a full disk, a permission, a bug), with its message',
    action: 'read the message; if it looks like a bug, report it with the message',
    decisions: [],
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** A code this build does not know (a catalog another version wrote) is treated as Internal. */
export function errorEntry(code: string): CatalogueEntry {
  return isErrorCode(code) ? ERROR_CATALOGUE[code] : ERROR_CATALOGUE.Internal;
}

const decides = (code: string, decision: Decision) => errorEntry(code).decisions.includes(decision);

/** The HTTP client sends the request again (with backoff) when it throws this. */
export const retriedInRequest = (code: string): boolean => decides(code, 'retryRequest');

/** OCI `/v2/_catalog` failing with this means the registry offers no catalog (GHCR, Docker Hub, ECR). */
export const meansNoCatalog = (code: string): boolean => decides(code, 'noCatalog');

/** When every OCI chart of a registry fails with this, the charts fail, not the registry as a whole. */
export const failsChartOnly = (code: string): boolean => decides(code, 'chartOnly');

/** A version failing with this is given up at once: not retried, and not a failure of the run. */
export const givenUpAtOnce = (code: string): boolean => decides(code, 'giveUpAtOnce');

/** The exit code of a command this stops: 2 for bad configuration or usage, else 1. */
export const exitCodeOf = (code: string): 1 | 2 => (decides(code, 'exit2') ? 2 : 1);

/** The codes that can be met at `where`, in catalogue order (the schemas' enums are these). */
export function codesWhere(where: Where): ErrorCode[] {
  return ERROR_CODES.filter((code) => errorEntry(code).where.includes(where));
}
