// The deadline a rectification order will give, shown while the officer fills the form (R12): the API counts it
// with the bureau's working calendar (法定节假日 and 调休), the same one the case counts by.
import { get } from './api';
import { h } from './dom';
import { formatChineseDate, tr } from './i18n';

const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * A line that follows the `days` and `dayKind` fields of the form it is placed in; `defaultDays` stands for a
 * blank `days` field.
 */
export function deadlinePreview(defaultDays: number | undefined): HTMLElement {
  const line = h('p', { class: 'hint deadline-preview', 'data-testid': 'deadline-preview', 'aria-live': 'polite' });
  let asked = 0;
  const refresh = async () => {
    const form = line.closest('form');
    if (!form) return;
    const typed = Number((form.querySelector<HTMLInputElement>('[name=days]')?.value ?? '').trim());
    const days = Number.isInteger(typed) && typed >= 1 ? typed : defaultDays;
    const dayKind = form.querySelector<HTMLSelectElement>('[name=dayKind]')?.value ?? '';
    if (!days) {
      line.textContent = '';
      return;
    }
    const ask = ++asked;
    try {
      const params = new URLSearchParams({ from: chinaToday(), days: String(days), ...(dayKind ? { dayKind } : {}) });
      const { deadline } = await get<{ deadline: string }>(`/calendar/deadline?${params}`);
      if (ask === asked) line.textContent = tr(`今日下达，整改期限至 ${formatChineseDate(deadline)}`, `Ordered today, the deadline is ${formatChineseDate(deadline)}`);
    } catch {
      if (ask === asked) line.textContent = '';
    }
  };
  // The form exists only once the page has placed this line in it.
  queueMicrotask(() => {
    const form = line.closest('form');
    form?.addEventListener('input', () => void refresh());
    form?.addEventListener('change', () => void refresh());
    void refresh();
  });
  return line;
}
