/**
 * Fills [data-fragment] elements with their content file. The files are this site's own build
 * output, sanitised (README) or escaped (values) when the site was built.
 */
export async function loadFragments(root: ParentNode): Promise<void> {
  await Promise.all(
    [...root.querySelectorAll<HTMLElement>('[data-fragment]:not([data-loaded])')].map(async (element) => {
      element.dataset.loaded = 'pending';
      try {
        const response = await fetch(element.dataset.fragment!);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        element.innerHTML = await response.text();
        element.dataset.loaded = 'yes';
      } catch (error) {
        element.dataset.loaded = 'failed';
        element.querySelector('p')?.prepend(`Could not load this (${(error as Error).message}). `);
      } finally {
        element.removeAttribute('aria-busy');
      }
    }),
  );
}
