/**
 * values.yaml of two versions, line by line, rendered with textContent only: the changes only
 * (each with a few lines of context, unchanged runs collapsed) or the whole file, with buttons
 * that move to the previous and next change.
 */
import { changesOnly, compareValues, numberChanges, type ChangeRow } from '../lib/compare.ts';

type Rows = ChangeRow[];

/** The rows as spans; a change's first line is focusable so the buttons can move to it. */
function renderRows(rows: Rows): HTMLElement[] {
  return rows.map((row) => {
    const span = document.createElement('span');
    if ('skipped' in row) {
      span.className = 'skip';
      span.textContent = `⋯ ${row.skipped} unchanged line${row.skipped === 1 ? '' : 's'}`;
      return span;
    }
    if (row.sign === '+') span.className = 'add';
    if (row.sign === '-') span.className = 'del';
    if (row.change !== undefined) {
      span.id = `change-${row.change}`;
      span.tabIndex = -1;
      span.classList.add('change-start');
    }
    span.textContent = `${row.sign} ${row.text}`;
    return span;
  });
}

interface Controls {
  output: HTMLElement;
  position: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
}

/** Previous/next change: moves focus to the change's first line and says where it is. */
function changeNavigator({ position, previous, next }: Controls) {
  let count = 0;
  let current = -1;
  const show = () => {
    previous.disabled = current <= 0;
    next.disabled = current >= count - 1;
    position.textContent =
      count === 0 ? '' : current < 0 ? `${count} changes` : `Change ${current + 1} of ${count}`;
  };
  const go = (to: number) => {
    current = Math.max(0, Math.min(count - 1, to));
    const target = document.getElementById(`change-${current}`);
    target?.scrollIntoView({ block: 'center' });
    target?.focus({ preventScroll: true });
    show();
  };
  previous.addEventListener('click', () => go(current - 1));
  next.addEventListener('click', () => go(current + 1));
  return {
    reset(changes: number) {
      count = changes;
      current = -1;
      show();
    },
  };
}

export function setUpCompare(form: HTMLFormElement): void {
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const output = byId('compare-output');
  const status = byId('compare-status');
  const controls: Controls = {
    output,
    position: byId('compare-position'),
    previous: byId<HTMLButtonElement>('compare-previous'),
    next: byId<HTMLButtonElement>('compare-next'),
  };
  const navigator = changeNavigator(controls);
  const from = form.elements.namedItem('from') as HTMLSelectElement;
  const to = form.elements.namedItem('to') as HTMLSelectElement;
  const cache = new Map<string, Promise<string>>();
  const get = (url: string) => {
    let text = cache.get(url);
    if (!text) {
      text = fetch(url).then((r) =>
        r.ok ? r.text() : Promise.reject(new Error(`${url}: HTTP ${r.status}`)),
      );
      cache.set(url, text);
    }
    return text;
  };
  const wholeFile = () => (form.elements.namedItem('view') as RadioNodeList).value === 'whole';
  const run = async () => {
    status.textContent = 'Comparing…';
    try {
      const [a, b] = await Promise.all([get(from.value), get(to.value)]);
      const result = compareValues(a, b);
      if (!result.ok) {
        output.replaceChildren();
        navigator.reset(0);
        status.textContent = result.note;
        return;
      }
      const numbered = numberChanges(result.lines);
      const changes = numbered.filter((line) => line.change !== undefined).length;
      output.replaceChildren(...renderRows(wholeFile() ? numbered : changesOnly(result.lines)));
      navigator.reset(changes);
      const { added, removed } = result;
      status.textContent =
        added + removed === 0
          ? 'The two values.yaml are identical.'
          : `${added} lines added, ${removed} lines removed.`;
    } catch (error) {
      status.textContent = `Could not compare: ${(error as Error).message}`;
    }
  };
  form.addEventListener('change', () => void run());
  void run();
}
