// One case: where it stands, who is on it, what was recorded, its full timeline, and the forms for the next step.
import type { CaseDetail } from '../../../domain/caseDetail';
import { get, session } from '../api';
import { h } from '../dom';
import { bilingual, dispositionLabel, dispositionStatusLabel, eventLabel, formatDate, formatDateTime, nextStepLabel, originLabel, resultLabel, tr } from '../i18n';
import { statusBadge } from '../ui';
import { caseActions, dispositionProgressForms } from './caseActions';

export async function casePage({ id }: Record<string, string>): Promise<Node> {
  const [found, items] = await Promise.all([get<CaseDetail>(`/cases/${id}`), get<{ items: Array<{ code: string; name: string }> }>('/inspection-items')]);
  const itemNames = new Map(items.items.map((item) => [item.code, item.name]));
  const names = new Map(Object.entries(found.actorNames));
  const who = (actor: string) => names.get(actor) ?? (actor === 'system' ? tr('系统', 'system') : actor);
  const latest = (kind: string) => found.records.filter((record) => record.kind === kind).at(-1);
  const inspection = latest('inspection');

  const facts: Array<[string, Node | string]> = [
    [tr('状态', 'Status'), statusBadge(found.status)],
    [tr('下一步', 'Next step'), nextStepLabel(found.status)],
    [tr('检查对象', 'Entity'), `${found.entity.name}（${found.entity.uscc}）`],
    [tr('来源', 'Origin'), originText(found)],
    [tr('检查组', 'Team'), found.teamMembers.map((member) => member.name).join('、')],
    [tr('立案', 'Opened'), formatDateTime(found.openedAt)],
  ];
  if (found.resultCategory) facts.push([tr('检查结果', 'Result'), resultLabel(found.resultCategory)]);
  if (found.inspectionDueAt && found.status === 'awaiting_inspection') facts.push([tr('应检查完成', 'To be inspected by'), formatDateTime(found.inspectionDueAt)]);
  if (found.rectificationDeadline) facts.push([tr('整改期限', 'Rectification deadline'), formatDateTime(found.rectificationDeadline)]);
  if (found.revisitDueAt) facts.push([tr('回访期限', 'Revisit due'), formatDateTime(found.revisitDueAt)]);
  if (found.escalationLevel) facts.push([tr('督办', 'Escalated'), found.escalationLevel === 1 ? tr('已报大队办公室', 'to the brigade office') : tr('已报局领导', 'to leadership')]);
  if (found.publishedAt) facts.push([tr('公示', 'Published'), formatDateTime(found.publishedAt)]);
  if (found.closedAt) facts.push([tr('结束', 'Ended'), `${formatDateTime(found.closedAt)}${found.endReason ? `：${found.endReason}` : ''}`]);

  const documents: Array<[string, string, boolean]> = [
    ['inspection-notice', tr('随机抽查通知书', 'Inspection notice'), found.timeline.some((event) => event.kind === 'inspection_notice_sent')],
    ['inspection-record', tr('检查记录表', 'Inspection record'), Boolean(inspection)],
    ['rectification-order', tr('责令整改通知书', 'Rectification order'), Boolean(latest('rectification_order'))],
    ['transfer-letter', tr('移送函', 'Transfer letter'), found.dispositions.some((disposition) => disposition.kind !== 'penalty')],
  ];

  return h(
    'article',
    { class: 'case', 'data-testid': 'case' },
    h('h1', null, found.entity.name),
    h('dl', { class: 'facts' }, facts.map(([label, value]) => [h('dt', null, label), h('dd', null, value)])),
    h(
      'p',
      { class: 'documents' },
      tr('文书：', 'Documents: '),
      documents.filter(([, , available]) => available).map(([kind, label]) => h('a', { href: `#/cases/${found.id}/documents/${kind}`, class: 'document-link' }, `${label}（PDF）`)),
    ),
    caseActions(found, session()!.me),
    inspection ? inspectionView(inspection.data, who, itemNames) : null,
    found.dispositions.length
      ? h(
          'section',
          null,
          h('h2', null, tr('处置', 'Dispositions')),
          h(
            'ul',
            { 'data-testid': 'dispositions' },
            found.dispositions.map((disposition) =>
              h('li', null, `${dispositionLabel(disposition.kind)}：${describeDisposition(disposition.details)} `, h('span', { class: 'badge' }, dispositionStatusLabel(disposition.status))),
            ),
          ),
          dispositionProgressForms(found, session()!.me),
        )
      : null,
    h(
      'section',
      null,
      h('h2', null, tr('时间线', 'Timeline')),
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        found.timeline.map((event) =>
          h(
            'li',
            null,
            h('time', null, formatDateTime(event.at)),
            h('strong', null, eventLabel(event.kind)),
            h('span', { class: 'actor' }, who(event.actor)),
            event.reason ? h('p', null, bilingual(event.reason)) : null,
            event.kind === 'document_issued' ? issuedDocumentLine(event.data) : null,
          ),
        ),
      ),
    ),
  );
}

/**
 * Where the case came from, said once: a drawn case's reason already names the draw ("双随机抽取：坛商抽查〔2026〕1号"),
 * so it stands alone; another origin is followed by its reason.
 */
function originText(found: CaseDetail): string {
  const reason = found.originReason ? bilingual(found.originReason) : '';
  if (found.origin === 'random') return reason || originLabel(found.origin);
  return reason ? `${originLabel(found.origin)}：${reason}` : originLabel(found.origin);
}

function inspectionView(data: any, who: (id: string) => string, itemNames: Map<string, string>): HTMLElement {
  return h(
    'section',
    null,
    h('h2', null, tr('检查结果', 'Inspection result')),
    h('p', null, `${formatDate(data.inspectionDate)} · ${resultLabel(data.resultCategory)} · ${tr('检查人员', 'present')}：${(data.officersPresent ?? []).map(who).join('、')}`),
    (data.items ?? []).map((item: any) =>
      h(
        'div',
        { class: 'item-result' },
        h('h3', null, itemNames.get(item.itemCode) ?? item.itemCode, h('small', { class: 'code' }, ` ${item.itemCode}`)),
        h('ul', null, (item.checkpoints ?? []).map((checkpoint: any) => h('li', { class: checkpoint.passed ? 'passed' : 'failed' }, `${checkpoint.passed ? '✓' : '✗'} ${checkpoint.code}${checkpoint.description ? ` ${checkpoint.description}` : ''}`))),
        item.findings ? h('p', null, item.findings) : null,
        item.evidence?.length ? h('p', { class: 'evidence' }, `${tr('证据', 'Evidence')}：${item.evidence.join('、')}`) : null,
      ),
    ),
    data.summary ? h('p', null, data.summary) : null,
  );
}

/** An issued document on the timeline: what it is, its 文号 and the SHA-256 of the PDF served (R20). */
function issuedDocumentLine(data: any): HTMLElement {
  return h('p', { class: 'issued-document' }, `${data?.title ?? ''}（${(data?.numbers ?? []).join('、')}）`, h('br'), h('code', { class: 'hash' }, `SHA-256 ${data?.sha256 ?? ''}`));
}

function describeDisposition(details: any): string {
  return [details.caseFilingNumber, details.department, details.decision, details.amountYuan !== undefined ? `${details.amountYuan} 元` : undefined, details.legalBasis, details.reason]
    .filter(Boolean)
    .join('；');
}
