// The case list: every filter the API has, so that each dashboard figure opens the cases behind it.
import { get, query } from '../api';
import { formValues, h } from '../dom';
import { formatDate, originLabel, statusLabel, tr } from '../i18n';
import { navigate } from '../router';
import { exportButtons, fetchAllPages, statusBadge, table, type Column } from '../ui';
import { caseStatuses, caseOrigins } from '../../../domain/inspectionCase';

export interface CaseRow {
  id: string;
  status: string;
  origin: string;
  planId: string | null;
  team: string[];
  entity: { id: string; uscc: string; name: string };
  openedAt: string;
  inspectionDueAt: string | null;
  rectificationDeadline: string | null;
  revisitDueAt: string | null;
  escalationLevel: number;
  closedAt: string | null;
}

const filterNames = ['status', 'origin', 'year', 'overdue', 'escalated', 'escalationLevel', 'officerId', 'team', 'entityId', 'planId', 'itemCode', 'itemResult', 'inspected'] as const;

const caseColumns = (): Column<CaseRow>[] => [
  { label: tr('统一社会信用代码', 'Credit code'), value: (row) => row.entity.uscc },
  { label: tr('检查对象', 'Entity'), value: (row) => row.entity.name, cell: (row) => h('a', { href: `#/cases/${row.id}` }, row.entity.name) },
  { label: tr('来源', 'Origin'), value: (row) => originLabel(row.origin) },
  { label: tr('状态', 'Status'), value: (row) => statusLabel(row.status), cell: (row) => statusBadge(row.status) },
  { label: tr('立案日期', 'Opened'), value: (row) => formatDate(row.openedAt) },
  { label: tr('整改期限', 'Rectification deadline'), value: (row) => formatDate(row.rectificationDeadline) },
  { label: tr('回访期限', 'Revisit due'), value: (row) => formatDate(row.revisitDueAt) },
  { label: tr('督办', 'Escalation'), value: (row) => (row.escalationLevel ? row.escalationLevel : '') },
];

export async function caseListPage(_params: Record<string, string>, search: URLSearchParams): Promise<Node> {
  const filter: Record<string, string> = {};
  for (const name of filterNames) {
    const value = search.get(name);
    if (value) filter[name] = value;
  }
  const page = Number(search.get('page') ?? 1);
  const columns = caseColumns();
  const answer = await get<{ total: number; page: number; pageSize: number; items: CaseRow[] }>(`/cases${query({ ...filter, page, pageSize: 50 })}`);

  const select = (name: string, options: readonly string[], label: (value: string) => string) =>
    h('select', { name }, h('option', { value: '' }, tr('全部', 'all')), options.map((value) => h('option', { value, selected: filter[name] === value }, label(value))));
  const form = h(
    'form',
    { class: 'filters' },
    select('status', caseStatuses, statusLabel),
    select('origin', caseOrigins, originLabel),
    h('input', { name: 'year', type: 'number', placeholder: tr('年度', 'year'), value: filter.year ?? '' }),
    h('label', null, h('input', { type: 'checkbox', name: 'overdue', value: 'true', checked: filter.overdue === 'true' }), tr('逾期', 'overdue')),
    h('button', { type: 'submit' }, tr('筛选', 'Filter')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = formValues(form);
    const kept = Object.fromEntries(Object.entries(filter).filter(([name]) => !['status', 'origin', 'year', 'overdue'].includes(name)));
    navigate(`#/cases${query({ ...kept, ...values })}`);
  });

  const pages = Math.max(1, Math.ceil(answer.total / answer.pageSize));
  const pageLink = (target: number, label: string) =>
    target >= 1 && target <= pages ? h('a', { href: `#/cases${query({ ...filter, page: target })}` }, label) : h('span', { class: 'disabled' }, label);
  const applied = Object.entries(filter).filter(([name]) => !['status', 'origin', 'year', 'overdue'].includes(name));

  return h(
    'div',
    null,
    h('h1', null, tr('案件', 'Cases'), h('small', { 'data-testid': 'case-total' }, ` ${answer.total}`)),
    form,
    applied.length
      ? h('p', { class: 'applied', 'data-testid': 'applied-filters' }, tr('其他条件：', 'Also filtered by: '), (await Promise.all(applied.map(([name, value]) => describeFilter(name, value)))).join('；'), ' ', h('a', { href: '#/cases' }, tr('清除', 'clear')))
      : null,
    h('div', { class: 'toolbar' }, exportButtons(tr('案件列表', 'cases'), columns, () => fetchAllPages<CaseRow>('/cases', filter))),
    table(columns, answer.items, { testId: 'case-list' }),
    h('p', { class: 'pager' }, pageLink(page - 1, '‹'), ` ${page} / ${pages} `, pageLink(page + 1, '›')),
  );
}

/** A filter as a person reads it: the plan's number, the officer's or entity's name, the item's name — never an id. */
async function describeFilter(name: string, value: string): Promise<string> {
  const named = async <T>(path: string, pick: (found: T) => string, fallback: string) => get<T>(path).then(pick).catch(() => fallback);
  switch (name) {
    case 'planId':
      return named<{ number: string; title: string }>(`/plans/${value}`, (plan) => `${tr('计划', 'plan')} ${plan.number}`, tr('指定计划或抽取', 'a given plan or draw'));
    case 'officerId':
      return named<{ name: string }>(`/officers/${value}`, (officer) => `${tr('执法人员', 'officer')} ${officer.name}`, tr('指定执法人员', 'a given officer'));
    case 'team': {
      const names = await Promise.all(value.split(',').map((id) => named<{ name: string }>(`/officers/${id}`, (officer) => officer.name, '—')));
      return `${tr('检查组', 'team')} ${names.join('、')}`;
    }
    case 'entityId':
      return named<{ name: string }>(`/entities/${value}`, (entity) => `${tr('检查对象', 'entity')} ${entity.name}`, tr('指定检查对象', 'a given entity'));
    case 'itemCode':
      return named<{ items: Array<{ code: string; name: string }> }>(
        '/inspection-items',
        (answer) => `${tr('抽查事项', 'item')} ${answer.items.find((item) => item.code === value)?.name ?? value}`,
        `${tr('抽查事项', 'item')} ${value}`,
      );
    case 'itemResult':
      return tr('该事项发现问题', 'a failed checkpoint in that item');
    case 'escalated':
      return tr('已督办', 'escalated');
    case 'escalationLevel':
      return value === '2' ? tr('已报局领导', 'escalated to leadership') : tr('已报大队办公室', 'escalated to the brigade office');
    case 'inspected':
      return value === 'true' ? tr('已检查', 'inspected') : tr('未检查', 'not inspected');
    default:
      return value;
  }
}
