// The forms for a case's next step, shown to whoever may take it; the API's validators have the last word and
// their refusals appear next to the fields they name.
import { get, post, type Me } from '../api';
import { formValues, h } from '../dom';
import { tr, resultLabel, dispositionLabel, dispositionStatusLabel } from '../i18n';
import { rerender } from '../router';
import { deadlinePreview } from '../deadlinePreview';
import { actionForm, dateInput, field } from '../ui';
import type { CaseDetail } from '../../../domain/caseDetail';
import { nextDispositionStatus } from '../../../domain/dispositions';
import type { CaseAction } from '../../../domain/caseActions';
import { availableActions, whoMay, type CaseSituation } from '../../../domain/caseRules';
import { dispositionKinds, resultCategories, roles, type Actor, type DispositionKind } from '../../../domain/inspectionCase';

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** The case as the rules table sees it, from what the page was given. */
function situationOf(found: CaseDetail): CaseSituation {
  return { status: found.status, team: found.team, rectificationReported: found.records.some((record) => record.kind === 'rectification_report') };
}

/** The signed-in user as the API names them when they act: an officer by their directory id. */
function actorOf(me: Me): Actor {
  return { id: me.officerId ?? me.id, roles: roles.filter((role) => me.roles.includes(role)) };
}

export function caseActions(found: CaseDetail, me: Me): HTMLElement {
  // The rules table decides which forms show: the same rows the API and the workflow apply.
  const may = new Set(availableActions(situationOf(found), actorOf(me)));
  const act = (action: CaseAction) => async (body: unknown) => {
    await post(`/cases/${found.id}/${action}`, body);
    rerender();
  };

  const forms: Array<HTMLElement | null> = [
    may.has('inspection') ? inspectionForm(found, act('inspection')) : null,
    may.has('review') ? reviewForm(act('review')) : null,
    may.has('rectification-order') ? rectificationOrderForm(found, act('rectification-order')) : null,
    may.has('rectification-report')
      ? simpleForm(tr('登记企业整改报告', 'Record the entity’s rectification report'), 'note', tr('整改情况', 'What was rectified'), act('rectification-report'), 'rectification-report')
      : null,
    may.has('revisit') ? revisitForm(found, act('revisit')) : null,
    may.has('disposition') ? dispositionForm(act('disposition')) : null,
    may.has('recusal') ? recusalForm(act('recusal')) : null,
    may.has('reassignment') ? reassignmentForm(found, act('reassignment')) : null,
    may.has('cancel') ? simpleForm(tr('撤销案件', 'Cancel the case'), 'reason', tr('撤销理由', 'Reason'), act('cancel'), 'cancel') : null,
  ];
  const shown = forms.filter((form): form is HTMLElement => form !== null);
  return shown.length ? h('section', { class: 'actions' }, h('h2', null, tr('办理', 'Act')), shown) : h('span');
}

function officerChecks(found: CaseDetail): HTMLElement {
  return h(
    'fieldset',
    { name: 'officersPresent' },
    h('legend', null, tr('在场执法人员（不少于2人）', 'Officers present (at least 2)')),
    found.teamMembers.map((member) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'officer', value: member.id, checked: true }), member.name)),
  );
}

const checkedOfficers = (form: HTMLFormElement) => [...form.querySelectorAll<HTMLInputElement>('input[name=officer]:checked')].map((input) => input.value);

function checkpointRow(itemIndex: number, index: number): HTMLElement {
  const prefix = `items.${itemIndex}.checkpoints.${index}`;
  return h(
    'div',
    { class: 'checkpoint' },
    h('input', { name: `${prefix}.code`, placeholder: tr('要点编号', 'checkpoint'), value: `${index + 1}` }),
    h('input', { name: `${prefix}.description`, placeholder: tr('检查要点', 'what was checked') }),
    h(
      'select',
      { name: `${prefix}.passed` },
      h('option', { value: 'true' }, tr('符合', 'passed')),
      h('option', { value: 'false' }, tr('不符合', 'failed')),
    ),
  );
}

function itemBlock(items: Array<{ code: string; name: string }>, itemIndex: number): HTMLElement {
  const checkpoints = h('div', { class: 'checkpoints' }, checkpointRow(itemIndex, 0));
  return h(
    'fieldset',
    { class: 'item', 'data-item': itemIndex },
    h('legend', null, tr('检查事项', 'Inspection item')),
    h('select', { name: `items.${itemIndex}.itemCode` }, items.map((item) => h('option', { value: item.code }, `${item.code} ${item.name}`))),
    checkpoints,
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => checkpoints.append(checkpointRow(itemIndex, checkpoints.children.length)) },
      tr('增加检查要点', 'Add a checkpoint'),
    ),
    h('textarea', { name: `items.${itemIndex}.findings`, placeholder: tr('发现的问题', 'Findings') }),
    h('input', { name: `items.${itemIndex}.evidence`, placeholder: tr('证据材料编号，多个用顿号或逗号分隔（笔录、照片、视频）', 'Evidence references, separated by commas (records, photos, video)') }),
  );
}

function inspectionForm(found: CaseDetail, submit: (body: unknown) => Promise<void>): HTMLElement {
  const itemsHolder = h('div', { class: 'items' }, h('p', { class: 'loading' }, '…'));
  let items: Array<{ code: string; name: string }> = [];
  void get<{ items: Array<{ code: string; name: string; categories: string[] }> }>('/inspection-items').then((answer) => {
    // Only the items that apply to this entity, as the API accepts them (issue 15).
    const category = found.entity.category;
    items = answer.items.filter((item) => category === null || item.categories.length === 0 || item.categories.includes(category));
    itemsHolder.replaceChildren(itemBlock(items, 0));
  });
  const form = actionForm(
    tr('录入检查结果', 'Record the inspection result'),
    [
      field(tr('检查日期', 'Inspection date'), dateInput('inspectionDate', today())),
      officerChecks(found),
      itemsHolder,
      h('button', { type: 'button', class: 'secondary', onclick: () => itemsHolder.append(itemBlock(items, itemsHolder.children.length)) }, tr('增加检查事项', 'Add an item')),
      field(
        tr('结果类别', 'Result category'),
        h('select', { name: 'resultCategory' }, resultCategories.map((category) => h('option', { value: category }, resultLabel(category)))),
      ),
      field(tr('检查情况', 'Summary'), h('textarea', { name: 'summary' })),
    ],
    async (element) => {
      const values = formValues(element);
      const blocks = [...element.querySelectorAll<HTMLElement>('fieldset.item')];
      await submit({
        inspectionDate: values.inspectionDate,
        officersPresent: checkedOfficers(element),
        items: blocks.map((_block, itemIndex) => {
          const checkpointCount = element.querySelectorAll(`[data-item="${itemIndex}"] .checkpoint`).length;
          const findings = values[`items.${itemIndex}.findings`];
          const evidence = (values[`items.${itemIndex}.evidence`] ?? '').split(/[,，、;；]/).map((reference) => reference.trim()).filter(Boolean);
          return {
            itemCode: values[`items.${itemIndex}.itemCode`],
            checkpoints: Array.from({ length: checkpointCount }, (_unused, index) => {
              const prefix = `items.${itemIndex}.checkpoints.${index}`;
              const description = values[`${prefix}.description`];
              return { code: values[`${prefix}.code`], ...(description ? { description } : {}), passed: values[`${prefix}.passed`] === 'true' };
            }),
            ...(findings ? { findings } : {}),
            ...(evidence.length ? { evidence } : {}),
          };
        }),
        resultCategory: values.resultCategory,
        ...(values.summary ? { summary: values.summary } : {}),
      });
    },
    { testId: 'inspection-form' },
  );
  return form;
}

function reviewForm(submit: (body: unknown) => Promise<void>): HTMLElement {
  return actionForm(
    tr('审核检查结果', 'Review the result'),
    [
      field(
        tr('审核意见', 'Decision'),
        h('select', { name: 'decision' }, h('option', { value: 'approve' }, tr('通过', 'approve')), h('option', { value: 'return' }, tr('退回补正', 'return'))),
      ),
      field(tr('意见说明', 'Comment'), h('textarea', { name: 'comment' })),
    ],
    async (element) => {
      const { decision, comment } = formValues(element);
      await submit({ decision, ...(comment ? { comment } : {}) });
    },
    { testId: 'review-form' },
  );
}

const periodSources: Record<string, [string, string]> = {
  plan: ['抽查计划规定', "the plan's"],
  item: ['抽查事项规定', "the inspection item's"],
  bureau: ['本局默认', "the bureau's default"],
};

/** The default period the review settled on (R12), as the approval's timeline event recorded it. */
function defaultPeriodOf(found: CaseDetail): { days: number; source: string } | undefined {
  const approval = found.timeline.filter((event) => event.kind === 'inspection_approved').at(-1);
  return (approval?.data as { rectificationPeriod?: { days: number; source: string } } | null)?.rectificationPeriod;
}

function rectificationOrderForm(found: CaseDetail, submit: (body: unknown) => Promise<void>): HTMLElement {
  const period = defaultPeriodOf(found);
  const source = period ? periodSources[period.source] : undefined;
  return actionForm(
    tr('责令限期整改', 'Order rectification'),
    [
      field(tr('整改要求', 'What must be rectified'), h('textarea', { name: 'requirements' })),
      field(
        tr('整改期限（天，留空用默认）', 'Period in days (blank: the default)'),
        h('input', { type: 'number', name: 'days', min: 1, placeholder: period ? String(period.days) : null }),
        period && source ? tr(`默认 ${period.days} 天（${source[0]}）；改用其他期限须说明理由`, `default ${period.days} days (${source[1]}); another period needs a reason`) : undefined,
      ),
      field(
        tr('期限计算', 'Days counted as'),
        h('select', { name: 'dayKind' }, h('option', { value: '' }, tr('默认', 'default')), h('option', { value: 'working' }, tr('工作日', 'working days')), h('option', { value: 'calendar' }, tr('自然日', 'calendar days'))),
      ),
      field(tr('变更期限的理由', 'Why another period'), h('input', { name: 'overrideReason' })),
      deadlinePreview(period?.days),
    ],
    async (element) => {
      const values = formValues(element);
      await submit({
        requirements: values.requirements,
        ...(values.days ? { days: Number(values.days) } : {}),
        ...(values.dayKind ? { dayKind: values.dayKind } : {}),
        ...(values.overrideReason ? { overrideReason: values.overrideReason } : {}),
      });
    },
    { testId: 'rectification-order-form' },
  );
}

function revisitForm(found: CaseDetail, submit: (body: unknown) => Promise<void>): HTMLElement {
  return actionForm(
    tr('录入回访结果', 'Record the revisit'),
    [
      field(tr('回访日期', 'Revisit date'), dateInput('revisitDate', today())),
      officerChecks(found),
      field(tr('整改情况', 'Rectified?'), h('select', { name: 'rectified' }, h('option', { value: 'true' }, tr('已整改', 'rectified')), h('option', { value: 'false' }, tr('未整改', 'not rectified')))),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'dispositionNeeded', value: 'true' }), tr('违法行为仍需处置', 'the violation needs a disposition anyway')),
      field(tr('回访情况', 'Findings'), h('textarea', { name: 'findings' })),
    ],
    async (element) => {
      const values = formValues(element);
      await submit({
        revisitDate: values.revisitDate,
        officersPresent: checkedOfficers(element),
        rectified: values.rectified === 'true',
        findings: values.findings,
        ...(values.dispositionNeeded ? { dispositionNeeded: true } : {}),
      });
    },
    { testId: 'revisit-form' },
  );
}

/** One disposition's fields; several can be added, as a penalty and a police referral often go together. */
function dispositionBlock(index: number): HTMLElement {
  const prefix = `dispositions.${index}`;
  const text = (name: string, label: string) => field(label, h('input', { name: `${prefix}.${name}` }));
  return h(
    'fieldset',
    { class: 'disposition', 'data-disposition': index },
    h('legend', null, tr(`处置 ${index + 1}`, `Disposition ${index + 1}`)),
    field(tr('方式', 'Kind'), h('select', { name: `${prefix}.kind` }, dispositionKinds.map((kind) => h('option', { value: kind }, dispositionLabel(kind))))),
    text('caseFilingNumber', tr('立案号（处罚）', 'Case filing number (penalty)')),
    text('decision', tr('处罚决定', 'Decision')),
    field(tr('罚款金额（元）', 'Fine (yuan)'), h('input', { type: 'number', name: `${prefix}.amountYuan`, min: 0 })),
    text('legalBasis', tr('法律依据', 'Legal basis')),
    text('department', tr('移送部门', 'Receiving department')),
    text('reason', tr('移送理由', 'Reason')),
    text('letterReference', tr('移送函文号', 'Letter reference')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `${prefix}.dishonest`, value: 'true' }), tr('列入失信名单', 'dishonest: blacklist (R17)')),
  );
}

function dispositionForm(submit: (body: unknown) => Promise<void>): HTMLElement {
  const blocks = h('div', { class: 'dispositions' }, dispositionBlock(0));
  return actionForm(
    tr('处置', 'Disposition'),
    [
      blocks,
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'add-disposition', onclick: () => blocks.append(dispositionBlock(blocks.children.length)) }, tr('增加一项处置', 'Add a disposition')),
    ],
    async (element) => {
      const values = formValues(element);
      const dispositions = Array.from({ length: blocks.children.length }, (_unused, index) => {
        const prefix = `dispositions.${index}.`;
        const disposition: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(values)) {
          if (!name.startsWith(prefix) || value === '') continue;
          const key = name.slice(prefix.length);
          disposition[key] = key === 'amountYuan' ? Number(value) : key === 'dishonest' ? true : value;
        }
        return disposition;
      });
      await submit({ dispositions });
    },
    { testId: 'disposition-form' },
  );
}

/** The office replaces one officer of the team with another it names (the API checks certificate and conflicts). */
function reassignmentForm(found: CaseDetail, submit: (body: unknown) => Promise<void>): HTMLElement {
  const replacements = h('select', { name: 'replacementId' }, h('option', { value: '' }, '…'));
  void get<{ items: Array<{ id: string; name: string; unit: string | null; active: boolean }> }>('/officers?pageSize=500').then((answer) => {
    replacements.replaceChildren(
      h('option', { value: '' }, tr('选择替换人员', 'choose the replacement')),
      ...answer.items
        .filter((officer) => officer.active && !found.team.includes(officer.id))
        .map((officer) => h('option', { value: officer.id }, `${officer.name}${officer.unit ? `（${officer.unit}）` : ''}`)),
    );
  });
  return actionForm(
    tr('调整检查组', 'Change the team'),
    [
      field(tr('调出人员', 'Officer leaving'), h('select', { name: 'officerId' }, found.teamMembers.map((member) => h('option', { value: member.id }, member.name)))),
      field(tr('替换人员', 'Replacement'), replacements),
      field(tr('调整理由', 'Reason'), h('input', { name: 'reason' })),
    ],
    async (element) => {
      const { officerId, replacementId, reason } = formValues(element);
      await submit({ officerId, replacementId, reason });
    },
    { testId: 'reassignment-form' },
  );
}

function recusalForm(submit: (body: unknown) => Promise<void>): HTMLElement {
  return actionForm(
    tr('申请回避', 'Declare a conflict and recuse'),
    [field(tr('利害关系', 'Relation'), h('input', { name: 'relation' })), field(tr('说明', 'Note'), h('textarea', { name: 'note' }))],
    async (element) => {
      const { relation, note } = formValues(element);
      await submit({ relation, ...(note ? { note } : {}) });
    },
    { testId: 'recusal-form' },
  );
}

function simpleForm(title: string, name: string, label: string, submit: (body: unknown) => Promise<void>, testId: string): HTMLElement {
  return actionForm(title, [field(label, h('textarea', { name }))], async (element) => submit({ [name]: formValues(element)[name] }), { testId: `${testId}-form` });
}

/** R14, R15: each disposition's next step (decision, execution; acceptance, the recipient's answer), also after closure. */
export function dispositionProgressForms(found: CaseDetail, me: Me): HTMLElement[] {
  if (whoMay('disposition', found.team, actorOf(me))) return [];
  return found.dispositions.flatMap((disposition) => {
    const next = nextDispositionStatus(disposition.kind as DispositionKind, disposition.status);
    if (!next) return [];
    return [
      actionForm(
        `${dispositionLabel(disposition.kind)}：${dispositionStatusLabel(next)}`,
        [field(tr('说明（决定文号、处理结果等）', 'Note (decision number, outcome)'), h('textarea', { name: 'note' }))],
        async (form) => {
          const { note } = formValues(form);
          await post(`/cases/${found.id}/dispositions/${disposition.id}/progress`, { status: next, ...(note ? { note } : {}) });
          rerender();
        },
        { submitLabel: tr('记录', 'Record'), testId: `disposition-progress-${disposition.kind}` },
      ),
    ];
  });
}
