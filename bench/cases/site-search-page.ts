/**
 * Measures one query in the built site, in the page itself (no round trip to the test process
 * in the figure): the time from the keystroke (the input event) to the name results shown and to
 * the merged results shown, and, for comparison, Pagefind's own first result for the same query.
 */
import type { Page } from 'playwright-core';

export interface QuerySample {
  namesMs: number;
  doneMs: number;
  first: string | undefined;
  count: number;
  /** Pagefind alone: the title of its first result */
  pagefindFirst: string | undefined;
}

/** the page's globals this file touches, typed here (the project has no DOM lib) */
interface PageGlobals {
  document: {
    querySelector(s: string): {
      value: string;
      dispatchEvent(e: unknown): void;
      dataset: Record<string, string | undefined>;
      textContent: string | null;
      querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>;
    } | null;
  };
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
  MutationObserver: new (cb: () => void) => { observe(node: unknown, o: unknown): void; disconnect(): void };
}

export async function measureQuery(page: Page, base: string, query: string): Promise<QuerySample> {
  const timing = await page.evaluate(async (q: string) => {
    const g = globalThis as unknown as PageGlobals;
    const input = g.document.querySelector('input[name=q]')!;
    const list = g.document.querySelector('#search-results')!;
    const at: { names?: number; done?: number } = {};
    const settled = new Promise<void>((resolve) => {
      const observer = new g.MutationObserver(() => {
        if (list.dataset.query !== q) return;
        const now = performance.now();
        if (list.dataset.phase === 'names' || list.dataset.phase === 'done') at.names ??= now;
        if (list.dataset.phase === 'done') {
          at.done = now;
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(list, { attributes: true, childList: true });
    });
    const started = performance.now();
    input.value = q;
    input.dispatchEvent(new g.Event('input', { bubbles: true }));
    await settled;
    const names = Array.from(list.querySelectorAll('.result h3 a'));
    return {
      namesMs: at.names! - started,
      doneMs: at.done! - started,
      first: names[0]?.textContent ?? undefined,
      count: names.length,
    };
  }, query);
  const pagefindFirst = await page.evaluate(
    async ({ q, base }: { q: string; base: string }) => {
      const pagefind = (await import(/* @vite-ignore */ `${base}pagefind/pagefind.js`)) as {
        search(q: string): Promise<{ results: Array<{ data(): Promise<{ meta: { title?: string } }> }> }>;
      };
      const found = await pagefind.search(q);
      return (await found.results[0]?.data())?.meta.title;
    },
    { q: query, base },
  );
  return { ...timing, pagefindFirst };
}
