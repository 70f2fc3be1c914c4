// Pieces every page uses: tables that export, error boxes that name fields, badges, and the case filter link.
import { ApiProblem, download, get, query } from './api';
import { h } from './dom';
import { bilingual, statusLabel, tr } from './i18n';

export interface Column<Row> {
  label: string;
  value(row: Row): string | number | null | undefined;
  /** How the cell shows on screen, when it is more than its value (a link, a badge). */
  cell?(row: Row): Node | string;
}

/** A table; with `exportAs`, its rows (all of them, already loaded) can also be saved as XLSX or CSV. */
export function table<Row>(columns: Column<Row>[], rows: Row[], options: { empty?: string; testId?: string; exportAs?: string } = {}): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, options.empty ?? tr('暂无记录', 'Nothing here yet'));
  const grid = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-testid': options.testId },
      h('thead', null, h('tr', null, columns.map((column) => h('th', null, column.label)))),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            null,
            columns.map((column) => h('td', { 'data-label': column.label }, column.cell ? column.cell(row) : String(column.value(row) ?? ''))),
          ),
        ),
      ),
    ),
  );
  if (!options.exportAs) return grid;
  return h('div', null, h('div', { class: 'toolbar' }, exportButtons(options.exportAs, columns, async () => rows)), grid);
}

/**
 * "Export" buttons for a list: every page of it (not only the one on screen), with the columns on screen.
 * CSV and XLSX are both written by the API's one table writer, so the two never differ.
 */
export function exportButtons<Row>(title: string, columns: Column<Row>[], fetchAll: () => Promise<Row[]>): HTMLElement {
  const run = (format: 'csv' | 'xlsx') => async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      const rows = await fetchAll();
      await download('/exports', `${title}.${format}`, {
        title,
        format,
        columns: columns.map((column) => column.label),
        rows: rows.map((row) => columns.map((column) => column.value(row) ?? null)),
      });
    } catch (error) {
      alert(error instanceof Error ? error.message : String(error));
    } finally {
      button.disabled = false;
    }
  };
  return h(
    'span',
    { class: 'exports' },
    h('button', { type: 'button', class: 'secondary', onclick: run('xlsx') }, tr('导出 Excel', 'Export XLSX')),
    h('button', { type: 'button', class: 'secondary', onclick: run('csv') }, tr('导出 CSV', 'Export CSV')),
  );
}

/** Every page of a paginated list endpoint. */
export async function fetchAllPages<Row>(path: string, params: Record<string, string | number | undefined>, pageSize = 200): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 1; ; page += 1) {
    const answer = await get<{ total: number; items: Row[] }>(`${path}${query({ ...params, page, pageSize })}`);
    rows.push(...answer.items);
    if (rows.length >= answer.total || answer.items.length === 0) return rows;
  }
}

/** Shows what the API refused: the title, and each field with its reason, next to the field when it is on the form. */
export function showProblem(container: HTMLElement, error: unknown, form?: HTMLFormElement): void {
  form?.querySelectorAll('.field-error').forEach((element) => element.remove());
  form?.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
  if (!(error instanceof ApiProblem)) {
    container.replaceChildren(h('div', { class: 'problem', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    return;
  }
  for (const problem of error.errors) {
    const name = problem.field.replace(/^body\./, '');
    const input = form?.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.insertAdjacentElement('afterend', h('span', { class: 'field-error' }, bilingual(problem.message)));
    }
  }
  container.replaceChildren(
    h(
      'div',
      { class: 'problem', role: 'alert' },
      h('strong', null, bilingual(error.title)),
      error.errors.length
        ? h('ul', null, error.errors.map((problem) => h('li', null, h('code', null, problem.field.replace(/^body\./, '')), ' ', bilingual(problem.message))))
        : error.detail
          ? h('p', null, bilingual(error.detail))
          : null,
    ),
  );
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, statusLabel(status));
}

export function caseListLink(filter: Record<string, string | number | boolean | undefined>, content: Node | string): HTMLAnchorElement {
  return h('a', { href: `#/cases${query(filter)}` }, content);
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading' }, tr('加载中…', 'Loading…'));
}

export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', null, label), input, hint ? h('small', null, hint) : null);
}

/** A form that posts its values and reports refusals where they belong; `submit` returns what to do next. */
export function actionForm(title: string, fields: Node[], submit: (form: HTMLFormElement) => Promise<void>, options: { submitLabel?: string; testId?: string } = {}): HTMLFormElement {
  const problems = h('div', { class: 'problems' });
  const form = h(
    'form',
    { class: 'action-form', 'data-testid': options.testId, novalidate: true },
    h('h3', null, title),
    fields,
    problems,
    h('button', { type: 'submit' }, options.submitLabel ?? tr('提交', 'Submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    button.disabled = true;
    problems.replaceChildren();
    try {
      await submit(form);
    } catch (error) {
      showProblem(problems, error, form);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/**
 * A date field that reads and shows YYYY-MM-DD whatever the phone's locale (a browser's own date input shows
 * 12/06/2026 or 2026/12/6): 2026/12/6 or 2026.12.6 typed are written back as 2026-12-06.
 */
export function dateInput(name: string, value?: string): HTMLInputElement {
  const input = h('input', { type: 'text', name, value: value ?? '', inputmode: 'numeric', placeholder: 'YYYY-MM-DD', pattern: '\\d{4}-\\d{2}-\\d{2}', maxlength: 10, autocomplete: 'off', class: 'date' });
  input.addEventListener('change', () => {
    const parts = input.value.trim().match(/^(\d{4})\D(\d{1,2})\D(\d{1,2})\D?$/);
    if (parts) input.value = `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}`;
  });
  return input;
}
