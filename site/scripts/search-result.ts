/**
 * One search result, built with DOM APIs and textContent only: every string is chart text.
 * The chart's name (a link), its registry, latest version and signature as labelled badges, its
 * description, and, for a full-text hit, the excerpt around the match.
 */
export interface ResultView {
  url: string;
  name: string;
  registry: string | undefined;
  version: string | undefined;
  signature: string | undefined;
  deprecated: boolean;
  description: string;
  excerpt?: HTMLElement | undefined;
}

export function renderResult(view: ResultView): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'result';
  const heading = document.createElement('h3');
  const link = document.createElement('a');
  link.href = view.url;
  link.textContent = view.name;
  heading.append(link);
  const facts = document.createElement('p');
  facts.className = 'result-facts';
  for (const [text, cls, label] of [
    [view.registry, 'badge result-registry', 'registry'],
    [view.version, 'badge result-version', 'latest version'],
    [view.signature, 'badge result-signature', 'signature'],
    [view.deprecated ? 'deprecated' : undefined, 'badge warn', undefined],
  ] as const) {
    if (!text) continue;
    const badge = document.createElement('span');
    badge.className = cls;
    badge.textContent = text;
    if (label) badge.title = label;
    facts.append(badge, ' ');
  }
  item.append(heading, facts);
  if (view.description) {
    const description = document.createElement('p');
    description.className = 'result-description';
    description.textContent = view.description;
    item.append(description);
  }
  if (view.excerpt) item.append(view.excerpt);
  return item;
}
