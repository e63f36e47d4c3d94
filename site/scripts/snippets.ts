/** Install snippets: tabs (arrow keys move between them) and copy buttons. */
export function setUpTabs(section: HTMLElement): void {
  const list = section.querySelector<HTMLElement>('[role=tablist]');
  if (!list) return;
  const tabs = [...list.querySelectorAll<HTMLButtonElement>('[role=tab]')];
  const select = (chosen: HTMLButtonElement, focus: boolean) => {
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !selected;
    }
    if (focus) chosen.focus();
  };
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      event.preventDefault();
      select(tabs[(i + step + tabs.length) % tabs.length]!, true);
    });
  }
  list.hidden = false;
  select(tabs[0]!, false);
}

export function setUpCopyButtons(root: ParentNode): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    button.addEventListener('click', () => {
      const code = document.getElementById(button.dataset.copy ?? '');
      if (!code) return;
      navigator.clipboard.writeText(code.textContent ?? '').then(
        () => (button.textContent = 'Copied'),
        () => {
          // no clipboard permission (plain http, an iframe): select the text for Ctrl+C instead
          const range = document.createRange();
          range.selectNodeContents(code);
          getSelection()?.removeAllRanges();
          getSelection()?.addRange(range);
          button.textContent = 'Selected';
        },
      );
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    });
  }
}
