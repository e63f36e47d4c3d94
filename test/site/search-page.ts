/** Driving the search box in a test: type a query and wait until every source has answered. */
import type { Page } from 'playwright-core';
import { resultNames } from './browser.ts';
import type { Dom } from './dom.ts';

/** Types the query (as a person does, key by key) and waits for the merged results of that query. */
export async function searchFully(page: Page, query: string): Promise<string[]> {
  await page.fill('input[name=q]', '');
  await page.type('input[name=q]', query);
  await page.waitForFunction((q) => {
    const list = (globalThis as unknown as Dom).document.getElementById('search-results');
    return list?.dataset.query === q && list.dataset.phase === 'done';
  }, query);
  return resultNames(page);
}

/** Pagefind alone on the same built site (the ranking before the name index), for comparison. */
export async function pagefindAlone(page: Page, base: string, query: string): Promise<string[]> {
  // a string, not a function: vitest would rewrite a function's import() into its own loader
  const script = `(async () => {
    const pagefind = await import(${JSON.stringify(`${base}pagefind/pagefind.js`)});
    await pagefind.options({ baseUrl: ${JSON.stringify(base)} });
    const found = await pagefind.search(${JSON.stringify(query)});
    const data = await Promise.all(found.results.slice(0, 30).map((r) => r.data()));
    return data.map((d) => d.meta.title ?? '');
  })()`;
  return page.evaluate<string[]>(script);
}
