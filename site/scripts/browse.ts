/**
 * Sort, filters and pages on the browse pages, over the Pagefind index: a search with no query
 * lists the chart pages that pass the filters, in the sort order, and only the shown page's
 * fragments are fetched (no list of every chart is ever downloaded). The URL carries the state
 * (the search form's filter names, plus sort and page), so an empty search lands here with its
 * filters and every view can be linked to. A page without a query is left as its static HTML.
 */
import { browseCard, type BrowseResultData } from './browse-card.ts';

interface Pagefind {
  options(options: { baseUrl?: string }): Promise<void>;
  search(
    query: string | null,
    options: {
      filters?: Record<string, string | { any: string[] }>;
      sort?: Record<string, 'asc' | 'desc'>;
    },
  ): Promise<{ results: Array<{ id: string; data(): Promise<BrowseResultData> }> } | null>;
}

const FILTERS = ['registry', 'keyword', 'deprecated', 'signature'] as const;
const SORTS: Record<string, [string, 'asc' | 'desc']> = {
  name: ['name', 'asc'],
  'name-desc': ['name', 'desc'],
  updated: ['updated', 'desc'],
  'updated-asc': ['updated', 'asc'],
};
const DEFAULT_SORT = 'name';

interface View {
  sort: string;
  filters: Record<string, string>;
  page: number;
}

export async function setUpBrowse(root: HTMLElement): Promise<void> {
  const form = root.querySelector<HTMLFormElement>('form.browse-form');
  const status = root.querySelector<HTMLElement>('.browse-status');
  const list = root.querySelector<HTMLElement>('.browse-list');
  const pager = root.querySelector<HTMLElement>('.browse-pager');
  if (!form || !status || !list || !pager) return;
  form.hidden = false;
  const fixedRegistry = root.dataset.registry || undefined;
  const pageSize = Number(root.dataset.pageSize) || 24;
  const listUrl = root.dataset.list ?? location.pathname;
  const field = (name: string) => form.elements.namedItem(name) as HTMLSelectElement | null;

  const view = readView(new URLSearchParams(location.search), fixedRegistry);
  showInForm(view, field);
  let pagefind: Promise<Pagefind> | undefined;
  const load = () =>
    (pagefind ??= (async () => {
      const base = root.dataset.base ?? '/';
      const module = (await import(/* @vite-ignore */ `${base}pagefind/pagefind.js`)) as Pagefind;
      await module.options({ baseUrl: base });
      return module;
    })());

  let sequence = 0;
  const show = async (wanted: View) => {
    const id = ++sequence;
    status.textContent = 'Loading…';
    const [key, direction] = SORTS[wanted.sort] ?? SORTS[DEFAULT_SORT]!;
    // every chart page has a deprecated filter: "yes or no" lists them all when no filter is set
    const filters: Record<string, string | { any: string[] }> = {
      deprecated: { any: ['yes', 'no'] },
      ...wanted.filters,
    };
    if (fixedRegistry) filters.registry = fixedRegistry;
    let found;
    try {
      found = await (await load()).search(null, { filters, sort: { [key]: direction } });
    } catch {
      status.textContent =
        'Sorting and filters are not available: the search index is written by `chartroom site build`.';
      return;
    }
    if (id !== sequence || !found) return;
    const total = found.results.length;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(wanted.page, pages);
    const shown = found.results.slice((page - 1) * pageSize, page * pageSize);
    const data = await Promise.all(shown.map((r) => r.data()));
    if (id !== sequence) return;
    list.replaceChildren(...data.map((d) => browseCard(d, !fixedRegistry)));
    const first = (page - 1) * pageSize + 1;
    status.textContent =
      total === 0
        ? 'No charts match.'
        : `${total} chart${total === 1 ? '' : 's'} match; showing ${first} to ${first + data.length - 1}${pages > 1 ? ` (page ${page} of ${pages})` : ''}.`;
    pager.replaceChildren(...pagerLinks({ ...wanted, page }, pages, listUrl));
  };

  const apply = () => {
    const next = viewOfForm(field);
    history.replaceState(null, '', viewUrl(next, listUrl));
    void show(next);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener('change', apply);
  // any query is a view to show (even the default one: the URL may name a page)
  if (location.search) await show(view);
}

function readView(params: URLSearchParams, fixedRegistry: string | undefined): View {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value && !(name === 'registry' && fixedRegistry)) filters[name] = value;
  }
  const sort = params.get('sort') ?? DEFAULT_SORT;
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return { sort: sort in SORTS ? sort : DEFAULT_SORT, filters, page: page >= 1 ? page : 1 };
}

/** the view in the form; a value the form lacks (a keyword beyond its options) is added to it */
function showInForm(view: View, field: (name: string) => HTMLSelectElement | null): void {
  for (const [name, value] of Object.entries({ ...view.filters, sort: view.sort })) {
    const select = field(name);
    if (!select) continue;
    if (![...select.options].some((o) => o.value === value)) select.append(new Option(value, value));
    select.value = value;
  }
}

function viewOfForm(field: (name: string) => HTMLSelectElement | null): View {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = field(name)?.value;
    if (value) filters[name] = value;
  }
  return { sort: field('sort')?.value ?? DEFAULT_SORT, filters, page: 1 };
}

const isDefault = (view: View) => view.sort === DEFAULT_SORT && Object.keys(view.filters).length === 0;

function viewUrl(view: View, listUrl: string): string {
  const params = new URLSearchParams();
  if (view.sort !== DEFAULT_SORT) params.set('sort', view.sort);
  for (const [name, value] of Object.entries(view.filters)) params.set(name, value);
  if (view.page > 1) params.set('page', String(view.page));
  const query = params.toString();
  return query ? `${listUrl}?${query}` : listUrl;
}

/** Previous and next links (real links: each page is a URL); the default view's are the static pages. */
function pagerLinks(view: View, pages: number, listUrl: string): HTMLElement[] {
  if (pages <= 1) return [];
  const nav = document.createElement('nav');
  nav.className = 'pager';
  nav.setAttribute('aria-label', 'Pages');
  const link = (text: string, page: number, rel: string) => {
    const a = document.createElement('a');
    a.textContent = text;
    a.rel = rel;
    a.href = isDefault(view)
      ? page === 1
        ? listUrl
        : `${listUrl}_page/${page}/`
      : viewUrl({ ...view, page }, listUrl);
    nav.append(a);
  };
  if (view.page > 1) link('Previous', view.page - 1, 'prev');
  const current = document.createElement('span');
  current.setAttribute('aria-current', 'page');
  current.textContent = `Page ${view.page} of ${pages}`;
  nav.append(current);
  if (view.page < pages) link('Next', view.page + 1, 'next');
  return [nav];
}
