/** values.yaml of two versions, line by line, rendered with textContent only. */
import { compareValues } from '../lib/compare.ts';

export function setUpCompare(form: HTMLFormElement): void {
  const output = document.getElementById('compare-output')!;
  const status = document.getElementById('compare-status')!;
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
  const run = async () => {
    status.textContent = 'Comparing…';
    try {
      const [a, b] = await Promise.all([get(from.value), get(to.value)]);
      const result = compareValues(a, b);
      if (!result.ok) {
        output.replaceChildren();
        status.textContent = result.note;
        return;
      }
      const lines = result.lines.map(({ sign, text }) => {
        const span = document.createElement('span');
        if (sign === '+') span.className = 'add';
        if (sign === '-') span.className = 'del';
        span.textContent = `${sign} ${text}`;
        return span;
      });
      output.replaceChildren(...lines);
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
