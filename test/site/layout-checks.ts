/**
 * What "readable on a phone" means in the site tests, measured in the browser: the page does not
 * scroll sideways, and every table cell is either inside the viewport or inside a scrolling
 * wrapper that is (so it can be scrolled to), never cut off by the page's edge.
 */
import type { Page } from 'playwright-core';
import type { Dom } from './dom.ts';

interface Rect {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  textContent: string | null;
  parentElement: El | null;
  getBoundingClientRect(): Rect;
}

/** "what: detail" lines; empty when the page is readable at its viewport's width. */
export async function phoneLayoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as Dom).document as unknown as {
      documentElement: { scrollWidth: number; clientWidth: number };
      querySelectorAll(selector: string): Iterable<El>;
    };
    const view = (e: El) =>
      (globalThis as unknown as { getComputedStyle(e: El): { overflowX: string } }).getComputedStyle(e);
    const width = doc.documentElement.clientWidth;
    const problems: string[] = [];
    if (doc.documentElement.scrollWidth > width)
      problems.push(`page scrolls sideways: ${doc.documentElement.scrollWidth} > ${width}`);
    // the nearest ancestor that scrolls sideways: a cell inside one can be scrolled to
    const scroller = (el: El): El | undefined => {
      for (let p = el.parentElement; p; p = p.parentElement)
        if (/auto|scroll/.test(view(p).overflowX)) return p;
      return undefined;
    };
    // a visually hidden header row (1 px, clipped: read by screen readers only) is not cut off
    const visuallyHidden = (el: El): boolean => {
      for (let p: El | null = el; p; p = p.parentElement) {
        const r = p.getBoundingClientRect();
        if (r.width <= 1 && r.height <= 1) return true;
      }
      return false;
    };
    for (const cell of doc.querySelectorAll('td, th')) {
      if (visuallyHidden(cell)) continue;
      const box = cell.getBoundingClientRect();
      const wrapper = scroller(cell);
      const bound = wrapper ? wrapper.getBoundingClientRect() : { left: 0, right: width };
      if (wrapper && (bound.left < -1 || bound.right > width + 1))
        problems.push(`scroll wrapper outside the page: ${(cell.textContent ?? '').trim().slice(0, 40)}`);
      if (!wrapper && (box.left < -1 || box.right > width + 1))
        problems.push(`cell cut off: ${(cell.textContent ?? '').trim().slice(0, 40)}`);
    }
    return problems;
  });
}

/** How many lines the text of the first element matching `selector` takes (1: not wrapped). */
export async function textLines(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const doc = (
        globalThis as unknown as {
          document: {
            createRange(): {
              selectNodeContents(n: unknown): void;
              getClientRects(): Iterable<{ top: number }>;
            };
          };
        }
      ).document;
      const range = doc.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
}
