// The directories (R1–R3): search and page through them, export them, and import a file with a dry run that
// shows every row that would be created, updated or refused before anything is written.
import { download, get, post, query, session } from '../api';
import { formValues, h } from '../dom';
import { bilingual, currentLanguage, pick, tr } from '../i18n';
import { navigate, rerender } from '../router';
import { exportButtons, fetchAllPages, showProblem, table, type Column } from '../ui';
import { categoryLabel, itemKindLabel, itemMethodLabel, legalStatusLabel, loadCategories, riskLabel } from '../vocabulary';

interface ImportReport {
  dryRun: boolean;
  applied: boolean;
  created: number;
  updated: number;
  unchanged: number;
  refused: Array<{ line: number; field: string; column: string; reason: string }>;
  warnings: string[];
  preview: { create: Array<{ line: number; key: string }>; update: Array<{ line: number; key: string; before: Record<string, unknown>; after: Record<string, unknown> }> };
}

/**
 * Import panel: pick a file, see the dry run row by row, then apply all accepted rows at once. The file goes as it
 * is (its bytes): the API tells CSV from XLSX and UTF-8 from GB18030 itself.
 */
function importPanel(path: string, name: string): HTMLElement | null {
  if (!session()!.me.roles.includes('coordinator')) return null;
  const report = h('div', { class: 'import-report', 'data-testid': 'import-report' });
  const input = h('input', { type: 'file', accept: '.csv,.xlsx', 'data-testid': 'import-file' });
  let pending: { file: string } | null = null;

  const send = async (dryRun: boolean) => {
    if (!pending) return;
    try {
      const answer = await post<ImportReport>(`${path}/import`, { ...pending, dryRun });
      report.replaceChildren(reportView(answer, () => send(false)));
      if (!dryRun) pending = null;
    } catch (error) {
      showProblem(report, error);
    }
  };
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    pending = { file: base64(new Uint8Array(await file.arrayBuffer())) };
    await send(true);
  });
  const template = (format: 'xlsx' | 'csv') => () => download(`${path}/import-template?format=${format}`, `${name}-template.${format}`);
  return h(
    'details',
    { class: 'import' },
    h('summary', null, tr('批量导入（CSV / XLSX）', 'Bulk import (CSV / XLSX)')),
    h(
      'p',
      { class: 'hint' },
      tr('导入模板：', 'Templates: '),
      h('button', { type: 'button', class: 'link', 'data-testid': 'template-xlsx', onclick: template('xlsx') }, 'Excel'),
      ' · ',
      h('button', { type: 'button', class: 'link', onclick: template('csv') }, 'CSV'),
      tr('（表头与一行示例；CSV 可为 UTF-8 或 GB18030）', ' (the header and an example row; CSV in UTF-8 or GB18030)'),
    ),
    input,
    report,
  );
}

function reportView(answer: ImportReport, apply: () => Promise<void>): HTMLElement {
  return h(
    'div',
    null,
    h(
      'p',
      null,
      answer.applied ? tr('已导入：', 'Imported: ') : tr('试运行（尚未写入）：', 'Dry run (nothing written yet): '),
      tr(`新增 ${answer.created}，更新 ${answer.updated}，不变 ${answer.unchanged}，拒绝 ${answer.refused.length}`, `${answer.created} new, ${answer.updated} updated, ${answer.unchanged} unchanged, ${answer.refused.length} refused`),
    ),
    answer.warnings.length ? h('ul', { class: 'warnings', 'data-testid': 'import-warnings' }, answer.warnings.map((warning) => h('li', null, bilingual(warning)))) : null,
    answer.refused.length
      ? table(
          [
            { label: tr('行', 'Line'), value: (row) => row.line },
            { label: tr('列', 'Column'), value: (row) => (currentLanguage() === 'zh' ? row.column : row.field) },
            { label: tr('原因', 'Reason'), value: (row) => bilingual(row.reason) },
          ],
          answer.refused,
          { testId: 'refused-rows' },
        )
      : null,
    answer.preview.update.length
      ? table(
          [
            { label: tr('行', 'Line'), value: (row) => row.line },
            { label: tr('记录', 'Record'), value: (row) => row.key },
            { label: tr('变更', 'Changes'), value: (row) => Object.keys(row.after).map((key) => `${key}: ${row.before[key] ?? ''} → ${row.after[key] ?? ''}`).join('；') },
          ],
          answer.preview.update,
        )
      : null,
    !answer.applied && answer.created + answer.updated > 0
      ? h('button', { type: 'button', 'data-testid': 'apply-import', onclick: async () => { await apply(); } }, tr('导入全部可接受的行', 'Import all accepted rows'))
      : null,
    answer.applied ? h('button', { type: 'button', class: 'secondary', onclick: () => rerender() }, tr('刷新列表', 'Refresh the list')) : null,
  );
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

function fileExports(path: string, name: string): HTMLElement {
  return h(
    'span',
    { class: 'exports' },
    h('button', { type: 'button', class: 'secondary', onclick: () => download(`${path}/export?format=xlsx`, `${name}.xlsx`) }, tr('导出名录 Excel', 'Export XLSX')),
    h('button', { type: 'button', class: 'secondary', onclick: () => download(`${path}/export?format=csv`, `${name}.csv`) }, tr('导出名录 CSV', 'Export CSV')),
  );
}

interface EntityRow {
  id: string;
  uscc: string;
  name: string;
  category: string | null;
  street: string | null;
  grade: string | null;
  riskLevel: string | null;
  legalStatus: string;
  blacklist: Array<{ caseId: string; reason: string; listedAt: string }>;
}

/** R17: the entity's blacklist entries, each opening the case that found it dishonest. */
function blacklistCell(row: EntityRow): Node | string {
  if (row.blacklist.length === 0) return '';
  const entries = row.blacklist.flatMap((entry, index) => [
    index > 0 ? '；' : ' ',
    h('a', { href: `#/cases/${entry.caseId}` }, `${entry.reason}（${entry.listedAt.slice(0, 10)}）`),
  ]);
  // The "overdue" colour is the app's one mark for what needs attention.
  return h('span', { 'data-testid': 'blacklisted' }, h('span', { class: 'badge overdue' }, tr('严重失信', 'Blacklisted')), ...entries);
}

export async function entitiesPage(_params: Record<string, string>, search: URLSearchParams): Promise<Node> {
  const filter = { q: search.get('q') ?? undefined, street: search.get('street') ?? undefined, category: search.get('category') ?? undefined };
  const page = Number(search.get('page') ?? 1);
  const [answer, categories] = await Promise.all([get<{ total: number; pageSize: number; items: EntityRow[] }>(`/entities${query({ ...filter, page, pageSize: 50 })}`), loadCategories()]);
  const columns: Column<EntityRow>[] = [
    { label: tr('统一社会信用代码', 'Credit code'), value: (row) => row.uscc },
    { label: tr('名称', 'Name'), value: (row) => row.name, cell: (row) => h('a', { href: `#/cases${query({ entityId: row.id })}` }, row.name) },
    { label: tr('类别', 'Category'), value: (row) => categoryLabel(categories, row.category) },
    { label: tr('街道/镇', 'Street/town'), value: (row) => row.street },
    { label: tr('等级', 'Grade'), value: (row) => row.grade },
    { label: tr('风险', 'Risk'), value: (row) => riskLabel(row.riskLevel) },
    { label: tr('状态', 'Status'), value: (row) => legalStatusLabel(row.legalStatus) },
    {
      label: tr('失信名单', 'Blacklist'),
      value: (row) => row.blacklist.map((entry) => `${entry.reason}（${entry.listedAt.slice(0, 10)}）`).join('；'),
      cell: blacklistCell,
    },
  ];
  const form = h(
    'form',
    { class: 'filters' },
    h('input', { name: 'q', placeholder: tr('名称或信用代码', 'name or credit code'), value: filter.q ?? '' }),
    h('input', { name: 'street', placeholder: tr('街道/镇', 'street/town'), value: filter.street ?? '' }),
    h(
      'select',
      { name: 'category' },
      h('option', { value: '' }, tr('全部类别', 'every category')),
      Object.entries(categories).map(([code, label]) => h('option', { value: code, selected: code === filter.category }, pick(label))),
    ),
    h('button', { type: 'submit' }, tr('查询', 'Search')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`#/entities${query(formValues(form))}`);
  });
  return h(
    'div',
    null,
    h('h1', null, tr('检查对象名录', 'Market entities'), h('small', null, ` ${answer.total}`)),
    form,
    h('div', { class: 'toolbar' }, exportButtons(tr('检查对象', 'entities'), columns, () => fetchAllPages<EntityRow>('/entities', filter, 500)), fileExports('/entities', 'entities')),
    importPanel('/entities', 'entities'),
    table(columns, answer.items, { testId: 'entity-list' }),
    pager('#/entities', filter, page, Math.ceil(answer.total / answer.pageSize)),
  );
}

function pager(base: string, filter: Record<string, string | undefined>, page: number, pages: number): HTMLElement {
  const link = (target: number, label: string) => (target >= 1 && target <= pages ? h('a', { href: `${base}${query({ ...filter, page: target })}` }, label) : h('span', { class: 'disabled' }, label));
  return h('p', { class: 'pager' }, link(page - 1, '‹'), ` ${page} / ${Math.max(1, pages)} `, link(page + 1, '›'));
}

interface OfficerRow {
  id: string;
  name: string;
  unit: string | null;
  post: string | null;
  affiliation: string | null;
  certificateNumber: string;
  certificateValidUntil: string;
  certificateWithdrawn: boolean;
  specialties: string[];
  active: boolean;
}

export async function officersPage(): Promise<Node> {
  const answer = await get<{ total: number; items: OfficerRow[] }>('/officers?pageSize=500');
  const today = new Date().toISOString().slice(0, 10);
  const columns: Column<OfficerRow>[] = [
    { label: tr('姓名', 'Name'), value: (row) => row.name, cell: (row) => h('a', { href: `#/cases${query({ officerId: row.id })}` }, row.name) },
    { label: tr('单位', 'Unit'), value: (row) => row.unit },
    { label: tr('岗位', 'Post'), value: (row) => row.post },
    { label: tr('人员归属', 'Affiliation'), value: (row) => row.affiliation },
    { label: tr('执法证号', 'Certificate'), value: (row) => row.certificateNumber },
    { label: tr('有效期至', 'Valid until'), value: (row) => row.certificateValidUntil.slice(0, 10) },
    {
      label: tr('资格', 'Standing'),
      value: (row) => (row.certificateWithdrawn ? tr('已收回', 'withdrawn') : row.certificateValidUntil.slice(0, 10) < today ? tr('已过期', 'expired') : row.active ? tr('有效', 'valid') : tr('停用', 'inactive')),
    },
    { label: tr('专业', 'Specialties'), value: (row) => row.specialties.join('、') },
  ];
  return h(
    'div',
    null,
    h('h1', null, tr('执法检查人员名录', 'Officers'), h('small', null, ` ${answer.total}`)),
    h('div', { class: 'toolbar' }, fileExports('/officers', 'officers')),
    importPanel('/officers', 'officers'),
    table(columns, answer.items, { testId: 'officer-list', exportAs: tr('执法人员', 'officers') }),
  );
}

interface ItemRow {
  code: string;
  name: string;
  legalBasis: string;
  categories: string[];
  kind: string;
  method: string;
  defaultRectificationDays: number | null;
}

export async function itemsPage(): Promise<Node> {
  const [answer, categories] = await Promise.all([get<{ items: ItemRow[] }>('/inspection-items'), loadCategories()]);
  const columns: Column<ItemRow>[] = [
    { label: tr('编号', 'Code'), value: (row) => row.code },
    { label: tr('事项', 'Item'), value: (row) => row.name },
    { label: tr('依据', 'Legal basis'), value: (row) => row.legalBasis },
    { label: tr('适用对象', 'Applies to'), value: (row) => row.categories.map((code) => categoryLabel(categories, code)).join('、') },
    { label: tr('类型', 'Kind'), value: (row) => itemKindLabel(row.kind) },
    { label: tr('方式', 'Method'), value: (row) => itemMethodLabel(row.method) },
    { label: tr('整改期限（天）', 'Rectification days'), value: (row) => row.defaultRectificationDays },
  ];
  const staff = session()!.me.roles.some((role) => role !== 'officer');
  return h(
    'div',
    null,
    h('h1', null, tr('抽查事项清单', 'Inspection items'), h('small', null, ` ${answer.items.length}`)),
    staff ? h('div', { class: 'toolbar' }, fileExports('/inspection-items', 'inspection-items')) : null,
    importPanel('/inspection-items', 'inspection-items'),
    table(columns, answer.items, { testId: 'item-list', exportAs: tr('抽查事项', 'items') }),
  );
}
