/**
 * The little of the DOM that the tests' in-page callbacks use, typed without adding the DOM lib
 * to the whole project (it would change Node's fetch and Buffer types). Callbacks reach it as
 * `(globalThis as unknown as Dom).document`: the cast is erased, so the page's own globals run.
 */
export interface DomElement {
  id: string;
  textContent: string | null;
  outerHTML: string;
  hidden: boolean;
  dataset: Record<string, string | undefined>;
  attributes: ArrayLike<{ name: string }> & Iterable<{ name: string }>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
}

export interface Dom {
  document: DomElement & {
    getElementById(id: string): DomElement | null;
    activeElement: DomElement | null;
    documentElement: { scrollWidth: number };
  };
  window: { innerWidth: number; __pwned?: unknown; axe?: unknown };
  navigator: { clipboard: { readText(): Promise<string> } };
}
