// Navigation between pages; main.ts renders on every change.

export function navigate(hash: string): void {
  if (location.hash === hash) rerender();
  else location.hash = hash;
}

/** Draws the current page again (after an action changed what it shows). */
export function rerender(): void {
  window.dispatchEvent(new Event('app:render'));
}
