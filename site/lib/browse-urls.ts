/** Where the browse lists' pages are (see browse.ts): page 1 is the list itself, page N under `_page/N/`. */
import { PAGE_SEGMENT } from './browse.ts';
import { routes } from './paths.ts';

export function browsePageUrl(registry: string | undefined, page: number): string {
  const list = registry === undefined ? routes.charts() : routes.registryCharts(registry);
  return page <= 1 ? list : `${list}${PAGE_SEGMENT}/${page}/`;
}
