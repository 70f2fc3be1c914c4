// The public disclosure site (R16): published results and penalty information, searchable by name or credit
// code. It reads only the public endpoint, so it can show nothing that is not published.
import { getPublic, query } from '../api';
import { formValues, h } from '../dom';
import { formatDate, resultLabel, tr, dispositionLabel } from '../i18n';

interface PublishedResult {
  entityName: string;
  entityUscc: string;
  publishedAt: string;
  result: any;
  plan: { number: string; title: string } | null;
  inspectionItems: Array<{ code: string; name: string | null; legalBasis: string | null }>;
}

export async function publicSite(search: URLSearchParams): Promise<Node> {
  const q = search.get('q') ?? '';
  const page = Number(search.get('page') ?? 1);
  const answer = await getPublic<{ total: number; pageSize: number; items: PublishedResult[] }>(`/public/results${query({ q, page, pageSize: 20 })}`);
  const form = h(
    'form',
    { class: 'filters public-search', method: 'get', action: '/disclosure' },
    h('input', { name: 'q', value: q, placeholder: tr('企业名称或统一社会信用代码', 'Entity name or credit code'), 'aria-label': tr('搜索', 'Search') }),
    h('button', { type: 'submit' }, tr('查询', 'Search')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.search = query(formValues(form));
  });
  const pages = Math.max(1, Math.ceil(answer.total / answer.pageSize));
  return h(
    'div',
    { class: 'public-site' },
    h('h1', null, tr('“双随机一公开”抽查结果公示', 'Published inspection results')),
    h('p', { class: 'lede' }, tr('常州市金坛区商务局依法公示随机抽查结果及行政处罚信息。', 'Inspection results and penalty information published by the Jintan District Commerce Bureau.')),
    form,
    h('p', { 'data-testid': 'public-total' }, tr(`共 ${answer.total} 条`, `${answer.total} results`)),
    answer.items.length
      ? h('ul', { class: 'public-results', 'data-testid': 'public-results' }, answer.items.map(resultCard))
      : h('p', { class: 'empty' }, tr('没有符合条件的公示信息', 'No published results match')),
    pages > 1
      ? h('p', { class: 'pager' }, page > 1 ? h('a', { href: `/disclosure${query({ q, page: page - 1 })}` }, '‹') : null, ` ${page} / ${pages} `, page < pages ? h('a', { href: `/disclosure${query({ q, page: page + 1 })}` }, '›') : null)
      : null,
  );
}

function resultCard(item: PublishedResult): HTMLElement {
  const result = item.result ?? {};
  const penalties: any[] = result.penalties ?? [];
  return h(
    'li',
    { class: 'result-card' },
    h('h2', null, item.entityName),
    h('p', { class: 'uscc' }, `${tr('统一社会信用代码', 'Credit code')}：${item.entityUscc}`),
    h(
      'dl',
      { class: 'facts' },
      item.plan ? [h('dt', null, tr('抽查任务', 'Task')), h('dd', null, `${item.plan.number} ${item.plan.title}`)] : null,
      item.inspectionItems.length
        ? [h('dt', null, tr('抽查事项', 'Items')), h('dd', null, item.inspectionItems.map((entry) => `${entry.name ?? entry.code}${entry.legalBasis ? `（${entry.legalBasis}）` : ''}`).join('、'))]
        : null,
      result.inspectionDate ? [h('dt', null, tr('检查日期', 'Inspected')), h('dd', null, formatDate(result.inspectionDate))] : null,
      h('dt', null, tr('检查结果', 'Result')),
      h('dd', null, resultLabel(result.resultCategory) || (result.result ?? '')),
      result.rectified !== undefined && result.rectified !== null ? [h('dt', null, tr('整改情况', 'Rectification')), h('dd', null, result.rectified ? tr('已整改', 'rectified') : tr('未整改', 'not rectified'))] : null,
      penalties.length
        ? [h('dt', null, tr('处罚/处置', 'Penalties')), h('dd', null, penalties.map((entry) => [dispositionLabel('penalty'), entry.caseFilingNumber, entry.decision, entry.amountYuan !== undefined ? `${entry.amountYuan} 元` : null].filter(Boolean).join('，')).join('；'))]
        : null,
      h('dt', null, tr('公示日期', 'Published')),
      h('dd', null, formatDate(item.publishedAt)),
    ),
  );
}
