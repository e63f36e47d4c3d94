/**
 * Search on the home page, over the Pagefind index written at build time. Results are built
 * with DOM APIs and textContent only: titles and descriptions come from charts.
 */
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

export async function setUpSearch(form: HTMLFormElement): Promise<void> {
  const base = form.dataset.base ?? '/';
  const status = document.getElementById('search-status')!;
  const list = document.getElementById('search-results')!;
  const recent = document.getElementById('recent');
  const field = (name: string) =>
    form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;

  // the URL carries the search, so it can be linked to (keyword links on chart pages do)
  const params = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const value = params.get(name);
    if (!value) continue;
    const input = field(name);
    if (!input) continue;
    if (input instanceof HTMLSelectElement && ![...input.options].some((o) => o.value === value)) {
      input.append(new Option(value, value));
    }
    input.value = value;
  }

  let pagefind: Promise<Pagefind> | undefined;
  const load = () =>
    (pagefind ??= (async () => {
      const module = (await import(/* @vite-ignore */ `${base}pagefind/pagefind.js`)) as Pagefind;
      await module.options({ baseUrl: base });
      return module;
    })());

  let sequence = 0;
  const run = async () => {
    const id = ++sequence;
    const query = field('q')?.value.trim() ?? '';
    const filters: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = field(name)?.value;
      if (value) filters[name] = value;
    }
    const url = new URL(location.href);
    for (const name of FIELDS) {
      const value = name === 'q' ? query : filters[name];
      if (value) url.searchParams.set(name, value);
      else url.searchParams.delete(name);
    }
    history.replaceState(null, '', url);
    if (!query && Object.keys(filters).length === 0) {
      list.replaceChildren();
      status.textContent = '';
      if (recent) recent.hidden = false;
      return;
    }
    status.textContent = 'Searching…';
    let found;
    try {
      found = await (await load()).search(query || null, { filters });
    } catch {
      status.textContent = 'Search is not available: the search index is written by `chartroom site build`.';
      return;
    }
    if (id !== sequence || !found) return;
    const data = await Promise.all(found.results.slice(0, PAGE).map((r) => r.data()));
    if (id !== sequence) return;
    if (recent) recent.hidden = true;
    const count = found.results.length;
    status.textContent =
      count === 0
        ? 'No charts match.'
        : `${count} chart${count === 1 ? '' : 's'} found${count > PAGE ? `, showing the first ${PAGE}` : ''}.`;
    list.replaceChildren(...data.map(render));
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  // a submit or a changed filter runs now: the typing's pending run would only search again
  const runNow = () => {
    clearTimeout(debounce);
    void run();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    runNow();
  });
  form.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void run(), 250);
  });
  form.addEventListener('change', runNow);
  if (FIELDS.some((name) => params.get(name))) await run();
}

function render(result: PagefindResultData): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'result';
  const heading = document.createElement('h3');
  const link = document.createElement('a');
  link.href = result.url;
  link.textContent = result.meta.title ?? result.url;
  heading.append(link);
  const facts = document.createElement('p');
  for (const [text, cls] of [
    [result.meta.registry, 'badge result-registry'],
    [result.meta.version, 'badge result-version'],
    [result.meta.signature, 'badge result-signature'],
  ] as const) {
    if (!text) continue;
    const badge = document.createElement('span');
    badge.className = cls;
    badge.textContent = text;
    facts.append(badge);
  }
  const description = document.createElement('p');
  description.className = 'result-description';
  description.textContent = result.meta.description ?? '';
  item.append(heading, facts, description, excerpt(result.excerpt));
  return item;
}

/** Pagefind's excerpt marks the matched words with <mark>: keep those marks and nothing else. */
function excerpt(html: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'muted result-excerpt';
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(document.createTextNode(node.textContent ?? ''));
    }
  }
  return p;
}
