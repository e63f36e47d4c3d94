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
