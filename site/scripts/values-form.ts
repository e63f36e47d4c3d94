/** The "Configure values" form: sends pasted values to the validation worker, with a time limit. */
import type { ValidateRequest, ValidateResponse } from './values-protocol.ts';

const TIME_LIMIT_MS = 3000;

export function setUpValuesForm(form: HTMLFormElement): void {
  const output = form.querySelector<HTMLElement>('[data-validation]')!;
  const textarea = form.querySelector<HTMLTextAreaElement>('textarea')!;
  const schemaUrl = form.dataset.schema!;
  const defaultsUrl = form.dataset.defaults;
  let worker: Worker | undefined;
  let sequence = 0;
  let texts: Promise<{ schema: string; defaults: string | undefined }> | undefined;

  const show = (state: string, message: string, details: string[] = []) => {
    output.dataset.state = state;
    output.className = `validation ${state === 'valid' ? 'ok' : 'bad'}`;
    output.replaceChildren(document.createTextNode(message));
    if (details.length > 0) {
      const list = document.createElement('ul');
      for (const line of details) {
        const item = document.createElement('li');
        item.textContent = line;
        list.append(item);
      }
      output.append(list);
    }
  };

  const load = async () => {
    const get = async (url: string) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.text();
    };
    return { schema: await get(schemaUrl), defaults: defaultsUrl ? await get(defaultsUrl) : undefined };
  };

  const run = async () => {
    const id = ++sequence;
    show('running', 'Validating…');
    let files: { schema: string; defaults: string | undefined };
    try {
      files = await (texts ??= load());
    } catch (error) {
      texts = undefined;
      show('error', `Could not load the schema: ${(error as Error).message}`);
      return;
    }
    worker ??= new Worker(new URL('./values-worker.ts', import.meta.url), { type: 'module' });
    const current = worker;
    const response = await new Promise<ValidateResponse | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), TIME_LIMIT_MS);
      current.onmessage = (event: MessageEvent<ValidateResponse>) => {
        if (event.data.id !== id) return;
        clearTimeout(timer);
        resolve(event.data);
      };
      current.onerror = (event) => {
        clearTimeout(timer);
        resolve({ id, kind: 'schema-error', message: event.message || 'the validator failed' });
      };
      const request: ValidateRequest = {
        id,
        schema: files.schema,
        defaults: files.defaults,
        values: textarea.value,
      };
      current.postMessage(request);
    });
    if (id !== sequence) return; // a newer run has started
    if (response === 'timeout') {
      // a catastrophic `pattern` in the schema: stop the worker, keep the page responsive
      current.terminate();
      worker = undefined;
      show(
        'timeout',
        `Validation stopped after ${TIME_LIMIT_MS / 1000} s: the schema may hold a regular expression that takes too long on this input.`,
      );
      return;
    }
    switch (response.kind) {
      case 'valid':
        return show('valid', 'These values are valid against the chart’s schema.');
      case 'invalid':
        return show(
          'invalid',
          `${response.errors.length} problem${response.errors.length === 1 ? '' : 's'}:`,
          response.errors.map((e) => `${e.path}: ${e.message}`),
        );
      case 'yaml-error':
        return show('yaml-error', `These values are not valid YAML: ${response.message}`);
      case 'schema-error':
        return show(
          'schema-error',
          `The chart’s values.schema.json cannot be compiled, so values cannot be checked here: ${response.message}`,
        );
    }
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // the typing that led here has its run now: the pending one would only validate it again
    clearTimeout(debounce);
    void run();
  });
  textarea.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void run(), 600);
  });
}
