// 起草抽查计划 (R4): the office drafts a plan on the page; it takes effect only once leadership approves it.
import { post } from '../api';
import { formValues, h } from '../dom';
import { tr } from '../i18n';
import { navigate } from '../router';
import { actionForm, dateInput, field } from '../ui';

export interface ItemOption {
  code: string;
  name: string;
}

const jointDepartments: Array<[string, string, string]> = [
  ['market_regulation', '市场监管', 'market regulation'],
  ['tax', '税务', 'tax'],
  ['environment', '生态环境', 'environment'],
  ['other', '其他部门', 'other'],
];

/** A list typed as 「甲、乙」 or "a, b". */
const listOf = (text: string | undefined) => (text ?? '').split(/[,，、;；\n]/).map((part) => part.trim()).filter(Boolean);

/** An empty number box is left out, so the API's default applies; anything else goes as typed, for the API to judge. */
const numberOf = (text: string | undefined) => (text ? Number(text) : undefined);

/** `categories`: the bureau's category list, code → name in the reader's language. */
export function planDraftForm(items: ItemOption[], categories: Array<[string, string]>): HTMLFormElement {
  // A group of boxes is a fieldset, not a field(): labels cannot hold labels.
  const checkboxes = (legend: string, name: string, options: Array<[string, string]>) =>
    h('fieldset', { class: 'choices' }, h('legend', null, legend), options.map(([value, label]) => h('label', null, h('input', { type: 'checkbox', name, value }), ` ${label}`)));
  return actionForm(
    tr('起草抽查计划', 'Draft a plan'),
    [
      field(tr('类型', 'Kind'), h('select', { name: 'kind' }, h('option', { value: 'annual' }, tr('年度', 'annual')), h('option', { value: 'monthly' }, tr('月度', 'monthly')))),
      field(tr('名称', 'Title'), h('input', { name: 'title', maxlength: 200 })),
      field(tr('起始日期', 'Period start'), dateInput('periodStart')),
      field(tr('截止日期', 'Period end'), dateInput('periodEnd')),
      checkboxes(tr('抽查事项', 'Inspection items'), 'itemCodes', items.map((item) => [item.code, `${item.name}（${item.code}）`])),
      checkboxes(tr('行业类别（不选为事项适用的全部类别）', 'Categories (none ticked: every category the items apply to)'), 'scope.categories', categories),
      field(tr('街道', 'Streets'), h('input', { name: 'scope.streets' }), tr('留空为全部', 'empty for all')),
      field(tr('抽查户数', 'Targets'), h('input', { type: 'number', name: 'targetCount', min: 1 })),
      field(tr('检查组人数', 'Team size'), h('input', { type: 'number', name: 'teamSize', min: 2, value: 2 }), tr('不少于2人（R9）', 'at least two (R9)')),
      field(tr('整改期限（天）', 'Rectification days'), h('input', { type: 'number', name: 'rectificationDays', min: 1 }), tr('留空用事项默认期限', 'empty for the items\' default')),
      checkboxes(tr('联合抽查部门', 'Joint departments'), 'jointDepartments', jointDepartments.map(([value, zh, en]) => [value, tr(zh, en)])),
    ],
    async (form) => {
      const values = formValues(form);
      const checked = (name: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((input) => input.value);
      const categories = checked('scope.categories');
      const streets = listOf(values['scope.streets']);
      const joint = checked('jointDepartments');
      const plan = await post<{ id: string }>('/plans', {
        kind: values.kind,
        title: values.title,
        periodStart: values.periodStart,
        periodEnd: values.periodEnd,
        itemCodes: checked('itemCodes'),
        scope: { ...(categories.length ? { categories } : {}), ...(streets.length ? { streets } : {}) },
        targetCount: numberOf(values.targetCount),
        teamSize: numberOf(values.teamSize),
        rectificationDays: numberOf(values.rectificationDays),
        ...(joint.length ? { jointDepartments: joint } : {}),
      });
      navigate(`#/plans/${plan.id}`);
    },
    { submitLabel: tr('保存草稿', 'Save the draft'), testId: 'draft-plan' },
  );
}
