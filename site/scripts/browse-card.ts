/**
 * A browse result as the static ChartCard renders it, from a Pagefind result's data. Everything
 * in it comes from charts, so it is built with DOM APIs and textContent only.
 */
export interface BrowseResultData {
  url: string;
  meta: Record<string, string | undefined>;
  filters: Record<string, string[] | undefined>;
}

export function browseCard(result: BrowseResultData, showRegistry: boolean): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'card';
  const heading = document.createElement('h3');
  const link = document.createElement('a');
  link.href = result.url;
  link.textContent = result.meta.title ?? result.url;
  heading.append(link);
  const badges = document.createElement('p');
  const badge = (text: string | undefined, cls = 'badge') => {
    if (!text) return;
    const span = document.createElement('span');
    span.className = cls;
    span.textContent = text;
    badges.append(span);
  };
  if (showRegistry) badge(result.meta.registry);
  badge(result.meta.version);
  if (result.filters.deprecated?.includes('yes')) badge('deprecated', 'badge warn');
  badge(result.meta.signature, 'badge sig-badge');
  item.append(heading, badges);
  if (result.meta.description) {
    const description = document.createElement('p');
    description.textContent = result.meta.description;
    item.append(description);
  }
  const updated = document.createElement('p');
  updated.className = 'muted';
  const time = document.createElement('time');
  const iso = result.meta.updated;
  if (iso) time.dateTime = iso;
  time.textContent = iso && !Number.isNaN(Date.parse(iso)) ? new Date(iso).toISOString().slice(0, 10) : '—';
  updated.append('Updated ', time);
  item.append(updated);
  return item;
}
