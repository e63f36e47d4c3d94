/**
 * The compare page in Chromium on a built site: "changes only" (each change with three lines of
 * context, unchanged runs collapsed) beside the whole file, previous/next change buttons that
 * work from the keyboard, axe, and no horizontal page scroll at 390 px.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, buildCatalogSite, launchChromium, type BuiltSite } from './browser.ts';
import type { Dom, DomElement } from './dom.ts';
import { changesOnly, type ComparedLine } from '../../site/lib/compare.ts';

const LINES = 60;
/** values.yaml of 60 keys; the second version changes key 5 and key 50 */
const values = (changed: boolean) =>
  Array.from({ length: LINES }, (_, i) => {
    const n = i + 1;
    return changed && (n === 5 || n === 50) ? `key${n}: changed` : `key${n}: ${n}`;
  }).join('\n') + '\n';

async function chartVersion(values: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chart-long-'));
  await mkdir(path.join(dir, 'templates'));
  await writeFile(
    path.join(dir, 'Chart.yaml'),
    'apiVersion: v2\nname: long\ndescription: Long values\nversion: 0.0.1\n',
  );
  await writeFile(path.join(dir, 'values.yaml'), values);
  await writeFile(path.join(dir, 'templates', 'cm.yaml'), 'kind: ConfigMap\n');
  return dir;
}

let browser: Browser;
let site: BuiltSite;

beforeAll(async () => {
  browser = await launchChromium();
  const one = await chartVersion(values(false));
  const two = await chartVersion(values(true));
  site = await buildCatalogSite([
    {
      name: 'own',
      charts: [
        { dir: one, name: 'long', versions: ['1.0.0'] },
        { dir: two, name: 'long', versions: ['2.0.0'] },
      ],
    },
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function openCompare(width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${site.url}charts/own/long/compare/`);
  await page.waitForFunction(() =>
    /lines added/.test(
      (globalThis as unknown as Dom).document.getElementById('compare-status')?.textContent ?? '',
    ),
  );
  return page;
}

const texts = (page: Page, selector: string) =>
  page.$$eval(selector, (spans: DomElement[]) => spans.map((s) => s.textContent ?? ''));
const focusedId = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement
        ?.id,
  );

describe('compare', () => {
  it('shows the changes only by default: context around each change, unchanged runs collapsed', async () => {
    const page = await openCompare();
    expect(await texts(page, '#compare-output .del')).toEqual(['- key5: 5', '- key50: 50']);
    expect(await texts(page, '#compare-output .add')).toEqual(['+ key5: changed', '+ key50: changed']);
    // key1 hidden, keys 2-4 context, change, keys 6-8 context, 9-46 hidden, 47-49, change, 51-53, 54-60 hidden
    expect(await texts(page, '#compare-output .skip')).toEqual([
      '⋯ 1 unchanged line',
      '⋯ 38 unchanged lines',
      '⋯ 7 unchanged lines',
    ]);
    expect((await texts(page, '#compare-output span')).length).toBe(1 + 3 + 2 + 3 + 1 + 3 + 2 + 3 + 1);
    expect(await page.textContent('#compare-position')).toBe('2 changes');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('moves to the next and previous change with buttons a keyboard reaches', async () => {
    const page = await openCompare();
    expect(await page.isDisabled('#compare-previous')).toBe(true);
    await page.focus('#compare-next');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('change-0');
    expect(await page.textContent('#compare-position')).toBe('Change 1 of 2');
    await page.focus('#compare-next');
    await page.keyboard.press('Space');
    expect(await focusedId(page)).toBe('change-1');
    expect(await page.textContent('#compare-position')).toBe('Change 2 of 2');
    expect(await page.isDisabled('#compare-next')).toBe(true);
    await page.click('#compare-previous');
    expect(await focusedId(page)).toBe('change-0');
    expect(await page.textContent('#change-0')).toBe('- key5: 5');
    await page.close();
  });

  it('shows the whole file on request, where the buttons still find each change', async () => {
    const page = await openCompare();
    await page.check('input[name=view][value=whole]');
    await page.waitForFunction(
      () => (globalThis as unknown as Dom).document.querySelectorAll('#compare-output span').length > 60,
    );
    expect((await texts(page, '#compare-output span')).length).toBe(LINES + 2);
    expect(await texts(page, '#compare-output .skip')).toEqual([]);
    await page.click('#compare-next');
    await page.click('#compare-next');
    expect(await focusedId(page)).toBe('change-1');
    expect(await page.textContent('#change-1')).toBe('- key50: 50');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('has no horizontal page scroll at 390 px', async () => {
    const page = await openCompare(390);
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.close();
  });
});

describe('changesOnly', () => {
  const line = (sign: ComparedLine['sign'], text = 'x'): ComparedLine => ({ sign, text });
  const shape = (rows: ReturnType<typeof changesOnly>) =>
    rows
      .map((r) => ('skipped' in r ? `…${r.skipped}` : r.sign === ' ' ? '=' : `${r.sign}${r.change ?? ''}`))
      .join(' ');

  it('merges changes whose context meets, numbers each run of changed lines once', () => {
    const lines = [line('-'), line('+'), ...Array.from({ length: 5 }, () => line(' ')), line('+'), line(' ')];
    expect(shape(changesOnly(lines))).toBe('-0 + = = = = = +1 =');
    const apart = [line('+'), ...Array.from({ length: 7 }, () => line(' ')), line('-')];
    expect(shape(changesOnly(apart))).toBe('+0 = = = …1 = = = -1');
  });

  it('collapses identical files to one row, and stays linear on 200,000 lines', () => {
    expect(shape(changesOnly([line(' '), line(' ')]))).toBe('…2');
    const many = Array.from({ length: 200_000 }, (_, i) => line(i % 1000 === 0 ? '+' : ' '));
    const started = performance.now();
    const rows = changesOnly(many);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rows.filter((r) => 'skipped' in r)).toHaveLength(200);
  });
});
