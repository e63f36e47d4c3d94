/** values.yaml of two versions, line by line, rendered with textContent only. */
import { diffLines } from 'diff';

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
      const parts = diffLines(a, b);
      let added = 0;
      let removed = 0;
      const lines: HTMLSpanElement[] = [];
      for (const part of parts) {
        const sign = part.added ? '+' : part.removed ? '-' : ' ';
        if (part.added) added += part.count ?? 0;
        if (part.removed) removed += part.count ?? 0;
        for (const line of part.value.replace(/\n$/, '').split('\n')) {
          const span = document.createElement('span');
          if (part.added) span.className = 'add';
          if (part.removed) span.className = 'del';
          span.textContent = `${sign} ${line}`;
          lines.push(span);
        }
      }
      output.replaceChildren(...lines);
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
