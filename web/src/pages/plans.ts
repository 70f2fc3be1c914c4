// Plans and their approval (R4): where each stands, its history, and leadership's approve / send back.
import { get, post, query, session } from '../api';
import { formValues, h } from '../dom';
import { formatDateTime, pick, tr } from '../i18n';
import { loadCategories } from '../vocabulary';
import { rerender } from '../router';
import { actionForm, field, table } from '../ui';
import { planDraftForm, type ItemOption } from './planDraft';

const planStatusLabels: Record<string, [string, string]> = {
  draft: ['草稿', 'draft'],
  submitted: ['待审批', 'awaiting approval'],
  sent_back: ['已退回', 'sent back'],
  approved: ['已批准', 'approved'],
  scheduled: ['已安排抽取', 'draw scheduled'],
  drawn: ['已抽取', 'drawn'],
  in_progress: ['实施中', 'in progress'],
  closed: ['已结束', 'closed'],
};
const planStatus = (status: string) => {
  const label = planStatusLabels[status];
  return label ? tr(label[0], label[1]) : status;
};

interface PlanRow {
  id: string;
  number: string;
  kind: string;
  title: string;
  periodStart: string;
  periodEnd: string;
  targetCount: number;
  teamSize: number;
  status: string;
  drawAt: string | null;
  drawId: string | null;
}

export async function plansPage(_params: Record<string, string>, search: URLSearchParams): Promise<Node> {
  const drafting = session()!.me.roles.includes('coordinator');
  const [answer, items, categories] = await Promise.all([
    get<{ total: number; items: PlanRow[] }>(`/plans${query({ status: search.get('status') ?? undefined, pageSize: 200 })}`),
    drafting ? get<{ items: ItemOption[] }>('/inspection-items') : null,
    drafting ? loadCategories() : null,
  ]);
  return h(
    'div',
    null,
    h('h1', null, tr('抽查计划', 'Plans'), h('small', null, ` ${answer.total}`)),
    items ? h('details', { class: 'panel' }, h('summary', null, tr('起草新计划', 'Draft a new plan')), planDraftForm(items.items, Object.entries(categories ?? {}).map(([code, label]) => [code, pick(label)]))) : null,
    table(
      [
        { label: tr('编号', 'Number'), value: (row) => row.number, cell: (row) => h('a', { href: `#/plans/${row.id}` }, row.number) },
        { label: tr('名称', 'Title'), value: (row) => row.title },
        { label: tr('类型', 'Kind'), value: (row) => (row.kind === 'annual' ? tr('年度', 'annual') : tr('月度', 'monthly')) },
        { label: tr('期间', 'Period'), value: (row) => `${row.periodStart} — ${row.periodEnd}` },
        { label: tr('抽查户数', 'Targets'), value: (row) => row.targetCount },
        { label: tr('状态', 'Status'), value: (row) => planStatus(row.status), cell: (row) => h('span', { class: `badge plan-${row.status}` }, planStatus(row.status)) },
      ],
      answer.items,
      { testId: 'plan-list', exportAs: tr('抽查计划', 'plans') },
    ),
  );
}

export async function planPage({ id }: Record<string, string>): Promise<Node> {
  const [plan, items] = await Promise.all([
    get<PlanRow & { itemCodes: string[]; history: Array<{ status: string; actor: string; at: string; comment?: string }>; actorNames?: Record<string, string>; caseIds: string[] }>(`/plans/${id}`),
    get<{ items: ItemOption[] }>('/inspection-items'),
  ]);
  const coverage = plan.kind === 'annual' ? await get<Coverage>(`/plans/${id}/coverage`).catch(() => null) : null;
  const itemNames = new Map(items.items.map((item) => [item.code, item.name]));
  const who = (actor: string) => plan.actorNames?.[actor] ?? (/^[0-9a-f-]{36}$/.test(actor) ? tr('（已删除的用户）', '(a removed user)') : actor);
  const roles = session()!.me.roles;
  const transition = (path: string) => async (body: unknown) => {
    await post(`/plans/${id}/${path}`, body);
    rerender();
  };
  const forms = [
    ['draft', 'sent_back'].includes(plan.status) && roles.includes('coordinator')
      ? actionForm(tr('报送审批', 'Submit for approval'), [], async () => transition('submit')({}), { testId: 'submit-plan' })
      : null,
    plan.status === 'submitted' && roles.includes('leadership')
      ? actionForm(
          tr('批准并安排抽取', 'Approve and schedule the draw'),
          [field(tr('抽取时间', 'Draw at'), h('input', { type: 'datetime-local', name: 'drawAt' })), field(tr('意见', 'Comment'), h('textarea', { name: 'comment' }))],
          async (form) => {
            const values = formValues(form);
            await transition('approve')({ drawAt: values.drawAt ? new Date(values.drawAt).toISOString() : '', ...(values.comment ? { comment: values.comment } : {}) });
          },
          { testId: 'approve-plan' },
        )
      : null,
    plan.status === 'submitted' && roles.includes('leadership')
      ? actionForm(tr('退回修改', 'Send back'), [field(tr('意见', 'Comment'), h('textarea', { name: 'comment' }))], async (form) => transition('send-back')(formValues(form)), { testId: 'send-back-plan' })
      : null,
  ].filter(Boolean);

  return h(
    'article',
    null,
    h('h1', null, `${plan.number} ${plan.title}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, tr('状态', 'Status')),
      h('dd', { 'data-testid': 'plan-status' }, planStatus(plan.status)),
      h('dt', null, tr('期间', 'Period')),
      h('dd', null, `${plan.periodStart} — ${plan.periodEnd}`),
      h('dt', null, tr('事项', 'Items')),
      h('dd', { 'data-testid': 'plan-items' }, h('ul', { class: 'plain' }, plan.itemCodes.map((code) => h('li', null, itemNames.get(code) ?? code, h('small', { class: 'code' }, ` ${code}`))))),
      h('dt', null, tr('抽查户数 / 检查组人数', 'Targets / team size')),
      h('dd', null, `${plan.targetCount} / ${plan.teamSize}`),
      plan.drawAt ? [h('dt', null, tr('抽取时间', 'Draw at')), h('dd', null, formatDateTime(plan.drawAt))] : null,
      plan.drawId ? [h('dt', null, tr('抽取记录', 'Draw')), h('dd', null, h('a', { href: `#/draws/${plan.drawId}` }, tr('查看抽取及其验证', 'the draw and its verification')))] : null,
    ),
    coverage ? coveragePanel(coverage) : null,
    forms.length ? h('section', { class: 'actions' }, forms) : null,
    h('h2', null, tr('审批记录', 'History')),
    h('ol', { class: 'timeline' }, plan.history.map((step) => h('li', null, h('time', null, formatDateTime(step.at)), h('strong', null, planStatus(step.status)), h('span', { class: 'actor' }, who(step.actor)), step.comment ? h('p', null, step.comment) : null))),
    plan.caseIds.length ? h('p', null, h('a', { href: `#/cases${query({ planId: plan.id })}` }, tr(`本计划案件 ${plan.caseIds.length} 件`, `${plan.caseIds.length} cases of this plan`))) : null,
  );
}

interface Coverage {
  entitiesInScope: number;
  inspected: number;
  remaining: number;
  monthlyPlans: Array<{ id: string; number: string; title: string; periodStart: string; status: string; targetCount: number }>;
  plannedByMonthlyPlans: number;
  shortfall: number;
  fullCoverageReachable: boolean;
}

/** R5: how far the annual plan's period stands from full coverage, in words and figures. */
function coveragePanel(coverage: Coverage): HTMLElement {
  const figures: Array<[string, string | number]> = [
    [tr('范围内对象', 'Entities in scope'), coverage.entitiesInScope],
    [tr('期内已抽查', 'Inspected in the period'), coverage.inspected],
    [tr('尚未抽查', 'Not yet inspected'), coverage.remaining],
    [tr('月度计划已安排', 'Planned by monthly plans'), coverage.plannedByMonthlyPlans],
    [tr('尚需安排', 'Still to plan'), coverage.shortfall],
    [tr('能否实现全覆盖', 'Full coverage reachable'), coverage.fullCoverageReachable ? tr('能', 'yes') : tr('不能', 'no')],
  ];
  return h(
    'section',
    { class: 'panel', 'data-testid': 'coverage' },
    h('h2', null, tr('全覆盖（R5）', 'Coverage (R5)')),
    h('dl', { class: 'facts' }, figures.map(([label, value]) => [h('dt', null, label), h('dd', null, String(value))])),
    coverage.monthlyPlans.length
      ? table(
          [
            { label: tr('月度计划', 'Monthly plan'), value: (row) => `${row.number} ${row.title}`, cell: (row) => h('a', { href: `#/plans/${row.id}` }, `${row.number} ${row.title}`) },
            { label: tr('起始', 'From'), value: (row) => row.periodStart },
            { label: tr('状态', 'Status'), value: (row) => planStatus(row.status) },
            { label: tr('抽查户数', 'Targets'), value: (row) => row.targetCount },
          ],
          coverage.monthlyPlans,
        )
      : null,
  );
}
