/**
 * Search on the home page. Two sources, merged: the name index (search/names.json, fetched on the
 * search box's first focus or keystroke), ranked in the browser by search-rank.ts and shown at
 * once; then Pagefind's full text (README), debounced, for the charts the names did not find.
 * An empty search (no text, with or without filters) is the browse page: it goes to charts/ with
 * the filters as its query parameters. Results are built with DOM APIs and textContent only.
 */
import type { NameIndex } from '../lib/name-index.ts';
import { cleanExcerpt } from './search-excerpt.ts';
import { rankNames, type NameHit } from './search-rank.ts';
import { renderResult, type ResultView } from './search-result.ts';

interface PagefindResultData {
  url: string;
  excerpt: string;
  meta: Record<string, string | undefined>;
}
interface Pagefind {
  options(options: { baseUrl?: string }): Promise<void>;
  search(
    query: string | null,
    options: { filters?: Record<string, string> },
  ): Promise<{ results: Array<{ id: string; data(): Promise<PagefindResultData> }> } | null>;
}

const FIELDS = ['q', 'registry', 'keyword', 'deprecated', 'signature'] as const;
/** the filters; `signature` is in the form only when the catalog records signatures */
const FILTERS = ['registry', 'keyword', 'deprecated', 'signature'] as const;
const PAGE = 30;
/** the full text waits for typing to pause; the names do not */
const FULL_TEXT_DEBOUNCE_MS = 150;
/** full-text results shown past the names' */
const FULL_TEXT_PAGE = 10;

export async function setUpSearch(form: HTMLFormElement): Promise<void> {
  const base = form.dataset.base ?? '/';
  const browse = form.dataset.browse ?? `${base}charts/`;
  const status = document.getElementById('search-status')!;
  const list = document.getElementById('search-results')!;
  const recent = document.getElementById('recent');
  const field = (name: string) =>
    form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  const input = field('q') as HTMLInputElement | null;

  const params = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const value = params.get(name);
    const control = value ? field(name) : null;
    if (!value || !control) continue;
    if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value)) {
      control.append(new Option(value, value));
    }
    control.value = value;
  }

  let names: Promise<NameIndex | undefined> | undefined;
  const loadNames = () =>
    (names ??= fetch(form.dataset.names ?? `${base}search/names.json`)
      .then((r) => (r.ok ? (r.json() as Promise<NameIndex>) : undefined))
      .catch(() => undefined));
  let pagefind: Promise<Pagefind> | undefined;
  const loadPagefind = () =>
    (pagefind ??= (async () => {
      const module = (await import(/* @vite-ignore */ `${base}pagefind/pagefind.js`)) as Pagefind;
      await module.options({ baseUrl: base });
      return module;
    })());
  // fetched when the search box is first used, never on the page's first load
  input?.addEventListener('focus', () => void loadNames(), { once: true });

  const filters = (): Record<string, string> => {
    const chosen: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = field(name)?.value;
      if (value) chosen[name] = value;
    }
    return chosen;
  };
  const toBrowse = (chosen: Record<string, string>) => {
    const target = new URL(browse, location.href);
    for (const [name, value] of Object.entries(chosen)) target.searchParams.set(name, value);
    location.assign(target);
  };

  let sequence = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const run = async (fullTextNow: boolean) => {
    const id = ++sequence;
    clearTimeout(debounce);
    const query = input?.value.trim() ?? '';
    const chosen = filters();
    keepInUrl(query, chosen);
    list.dataset.query = query;
    if (!query) {
      list.replaceChildren();
      list.dataset.phase = 'done';
      status.textContent = '';
      if (recent) recent.hidden = false;
      return;
    }
    list.dataset.phase = 'pending';
    status.textContent = 'Searching…';
    const index = await loadNames();
    if (id !== sequence) return;
    const byName = index ? rankNames(index, query, chosen) : [];
    const nameViews = byName.slice(0, PAGE).map((hit) => nameView(base, hit));
    if (recent) recent.hidden = true;
    list.replaceChildren(...nameViews.map(renderResult));
    list.dataset.phase = 'names';
    // "found" only once every source has answered: the count is the merged one
    status.textContent = byName.length ? 'Searching the READMEs too…' : 'Searching…';
    const fullText = () => void mergeFullText(id, query, chosen, byName, nameViews);
    if (fullTextNow) fullText();
    else debounce = setTimeout(fullText, FULL_TEXT_DEBOUNCE_MS);
  };

  const mergeFullText = async (
    id: number,
    query: string,
    chosen: Record<string, string>,
    byName: NameHit[],
    nameViews: ResultView[],
  ) => {
    let found;
    try {
      found = await (await loadPagefind()).search(query, { filters: chosen });
    } catch {
      if (id !== sequence) return;
      list.dataset.phase = 'done';
      status.textContent =
        'Full-text search is not available: its index is written by `chartroom site build`.';
      return;
    }
    if (id !== sequence) return;
    const results = found?.results ?? [];
    if (nameViews.length >= PAGE) {
      list.dataset.phase = 'done';
      // the names fill the page: loading full-text fragments (each a whole README) only to
      // count them would cost more than the search itself
      status.textContent = `${countText(byName.length, PAGE)} ${results.length} pages match in the READMEs too.`;
      return;
    }
    // each fragment is a whole chart page's text: load a few past what the names show (Pagefind's
    // own UI loads 5 at a time); at 1,000 charts, 30 fragments put the p95 past 3 s on a busy machine
    const loaded = await Promise.all(
      results.slice(0, Math.min(PAGE, nameViews.length + FULL_TEXT_PAGE)).map((r) => r.data()),
    );
    if (id !== sequence) return;
    const shown = new Set(nameViews.map((v) => pathOf(v.url)));
    const extra = loaded.filter((d) => !shown.has(pathOf(d.url)));
    const total = byName.length + extra.length + (results.length - loaded.length);
    const views = [...nameViews, ...extra.slice(0, PAGE - nameViews.length).map(fullTextView)];
    list.replaceChildren(...views.map(renderResult));
    list.dataset.phase = 'done';
    status.textContent = total === 0 ? 'No charts match.' : countText(total, views.length);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input?.value.trim()) toBrowse(filters());
    else void run(true);
  });
  form.addEventListener('input', (event) => {
    if (event.target === input) void run(false);
  });
  form.addEventListener('change', (event) => {
    if (event.target === input) return;
    if (!input?.value.trim()) toBrowse(filters());
    else void run(true);
  });
  if (params.get('q')) await run(true);
  else if (FILTERS.some((name) => params.get(name))) toBrowse(filters());
}

function countText(count: number, shown: number): string {
  return `${count} chart${count === 1 ? '' : 's'} found${count > shown ? `, showing the first ${shown}` : ''}.`;
}

function keepInUrl(query: string, chosen: Record<string, string>): void {
  // the URL carries the search, so it can be linked to
  const url = new URL(location.href);
  for (const name of FIELDS) {
    const value = name === 'q' ? query : chosen[name];
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  }
  history.replaceState(null, '', url);
}

function pathOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url, location.href).pathname);
  } catch {
    return url;
  }
}

function nameView(base: string, hit: NameHit): ResultView {
  return {
    url: `${base}charts/${encodeURIComponent(hit.registry)}/${encodeURIComponent(hit.name)}/`,
    name: hit.name,
    registry: hit.registry,
    version: hit.latest,
    signature: hit.badge?.[1],
    deprecated: hit.deprecated,
    description: hit.description,
  };
}

function fullTextView(result: PagefindResultData): ResultView {
  return {
    url: result.url,
    name: result.meta.title ?? result.url,
    registry: result.meta.registry,
    version: result.meta.version,
    signature: result.meta.signature,
    deprecated: false,
    description: result.meta.description ?? '',
    excerpt: cleanExcerpt(result.excerpt, [result.meta.title ?? '', result.meta.description ?? '']),
  };
}
