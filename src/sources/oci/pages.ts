/**
 * A paginated distribution-API list (`tags/list`, `_catalog`): follows `Link: <…>; rel="next"`
 * within bounds, since every page is the registry's to write. At most MAX_PAGES pages, MAX_ENTRIES
 * entries and MAX_LIST_BYTES bytes in total; a `Link` to another origin (the credential would go
 * with it) or back to a page already read fails the list instead of being followed or taken as
 * its end. Entries are copied one by one, never spread into a call (a page of a million tags
 * would overflow the stack).
 */
import { ChartroomError } from '../../errors.ts';
import type { HttpResponse } from '../../http/client.ts';
import { safeUrl } from '../../http/safe-url.ts';

export const MAX_PAGES = 1000;
export const MAX_ENTRIES = 100_000;
/** a page's cap, and the cap of all pages together */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;
export const MAX_LIST_BYTES = 64 * 1024 * 1024;

export interface ListBounds {
  maxPages: number;
  maxEntries: number;
  maxBytes: number;
}

export const LIST_BOUNDS: ListBounds = {
  maxPages: MAX_PAGES,
  maxEntries: MAX_ENTRIES,
  maxBytes: MAX_LIST_BYTES,
};

export interface PagedList {
  /** the first page's URL */
  first: string;
  /** the JSON field that holds the entries: `tags`, `repositories` */
  key: string;
  /** for messages: "registry acme: ghcr.io/acme/web: the tags" */
  what: string;
  /** one page (at most MAX_PAGE_BYTES), parsed */
  fetch(url: string): Promise<{ response: HttpResponse; body: unknown }>;
}

/** Every string entry of every page, in order. */
export async function collectPages(list: PagedList, bounds: ListBounds = LIST_BOUNDS): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  let url: string | undefined = list.first;
  while (url !== undefined) {
    if (seen.size >= bounds.maxPages) throw tooMany(list, bounds, `more than ${bounds.maxPages} pages`);
    seen.add(url);
    const { response, body } = await list.fetch(url);
    bytes += response.body.length;
    if (bytes > bounds.maxBytes)
      throw tooMany(list, bounds, `more than ${bounds.maxBytes / 1048576} MiB of pages`);
    for (const item of entriesOf(list, body)) {
      if (typeof item !== 'string') continue;
      if (out.length >= bounds.maxEntries)
        throw tooMany(list, bounds, `more than ${bounds.maxEntries} entries`);
      out.push(item);
    }
    url = nextPage(list, bounds, response, seen);
  }
  return out;
}

/**
 * The entries of one page. As ORAS (Helm's client) does, an answer that is not a JSON object, or
 * whose list is not an array, is refused rather than read as an empty list, which would mark every
 * version removed; a missing or `null` list is empty (distribution writes `"tags": null`).
 */
function entriesOf(list: PagedList, body: unknown): unknown[] {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const items = isObject ? (body as Record<string, unknown>)[list.key] : undefined;
  if (isObject && (items === undefined || items === null)) return [];
  if (Array.isArray(items)) return items as unknown[];
  throw new ChartroomError(
    'OCIInvalid',
    `${list.what}: the answer ${isObject ? `has a "${list.key}" that is not a list` : 'is not a JSON object'}, so it is not a distribution-API list; the catalog is kept as it was`,
    { hint: 'check the registry URL; else tell the registry operators the list is malformed' },
  );
}

/** The next page's URL from the `Link` header, checked: same origin, not a page already read. */
function nextPage(
  list: PagedList,
  bounds: ListBounds,
  response: HttpResponse,
  seen: Set<string>,
): string | undefined {
  const next = nextLink(response.headers.link, response.url);
  if (next === undefined) return undefined;
  if (new URL(next).origin !== new URL(list.first).origin) {
    throw new ChartroomError(
      'OCIInvalid',
      `${list.what}: the Link to the next page points to another host (${new URL(next).origin}); chartroom follows pages on the registry's own origin only, so the list is incomplete`,
      { hint: 'tell the registry operators: a Link header must stay on the registry (a relative URL)' },
    );
  }
  if (seen.has(next))
    throw tooMany(list, bounds, `a Link that leads back to a page already read (${shown(next)})`);
  return next;
}

function tooMany(list: PagedList, bounds: ListBounds, why: string): ChartroomError {
  return new ChartroomError(
    'TooManyPages',
    `${list.what}: ${why}; chartroom reads at most ${bounds.maxPages} pages, ${bounds.maxEntries} entries or ${bounds.maxBytes / 1048576} MiB of a list, so this one is not taken`,
    {
      hint: 'a registry paging without end is broken; list its charts under charts: in the registry file, or tell its operators',
    },
  );
}

/** A page's URL for a message: no query, and no more of the registry's text than a line's worth. */
function shown(href: string): string {
  const url = safeUrl(href);
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

/** The `rel="next"` target of a `Link` header, resolved against the page's URL. */
export function nextLink(header: string | undefined, current: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    // [^<>]: linear in the header's length, whatever it holds
    const match = /<([^<>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (!match) continue;
    if (!URL.canParse(match[1]!, current))
      throw new ChartroomError('OCIInvalid', `the Link to the next page of ${shown(current)} is not a URL`);
    return new URL(match[1]!, current).href;
  }
  return undefined;
}
