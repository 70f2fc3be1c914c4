// A case's documents as printable pages (the browser's print gives the PDF): 随机抽查通知书, 检查记录表,
// 责令整改通知书, 移送函.
import type { CaseDetail } from '../../../domain/caseDetail';
import { get } from '../api';
import { h } from '../dom';
import { dispositionLabel, formatDate, resultLabel, tr } from '../i18n';

const bureau = '常州市金坛区商务局';

export async function documentPage({ id, kind }: Record<string, string>): Promise<Node> {
  const found = await get<CaseDetail>(`/cases/${id}`);
  const names = new Map(Object.entries(found.actorNames));
  const record = (recordKind: string) => found.records.filter((entry) => entry.kind === recordKind).at(-1)?.data;
  const documents: Record<string, () => HTMLElement | null> = {
    'inspection-notice': () => inspectionNotice(found, names),
    'inspection-record': () => inspectionRecord(found, record('inspection'), names),
    'rectification-order': () => rectificationOrder(found, record('rectification_order')),
    'transfer-letter': () => transferLetters(found),
  };
  const body = (kind ? documents[kind]?.() : null) ?? null;
  return h(
    'div',
    { class: 'document-page' },
    h('p', { class: 'no-print' }, h('a', { href: `#/cases/${id}` }, tr('‹ 返回案件', '‹ Back to the case')), ' ', h('button', { type: 'button', onclick: () => print() }, tr('打印 / 存为 PDF', 'Print / save as PDF'))),
    body ?? h('p', { class: 'problem' }, tr('此案件尚无该文书', 'This case has no such document yet')),
  );
}

function heading(title: string): HTMLElement[] {
  return [h('p', { class: 'issuer' }, bureau), h('h1', { class: 'doc-title' }, title)];
}

/** What every entity has ready for a visit, whatever the items; each item adds its own. */
const alwaysPrepared = ['营业执照（副本）', '法定代表人（负责人）身份证明；委托他人配合检查的，另附授权委托书'];

/** 随机抽查通知书 (R8): sent when the case opens, unless the visit is unannounced; what it said is kept with the event. */
function inspectionNotice(found: CaseDetail, names: Map<string, string>): HTMLElement | null {
  const sent = found.timeline.find((event) => event.kind === 'inspection_notice_sent');
  if (!sent) return null;
  const notice = (sent.data ?? {}) as { planNumber?: string | null; items?: Array<{ code: string; name: string; legalBasis: string; preparation: string | null }> };
  const items = notice.items ?? [];
  const toPrepare = [...alwaysPrepared, ...items.flatMap((item) => (item.preparation ?? '').split('\n').map((line) => line.trim()).filter(Boolean))];
  // A complaint's substance stays out of the notice: it could name the complainant.
  const why = notice.planNumber ? `根据本局随机抽查计划（${notice.planNumber}），经随机抽取，` : '根据工作安排，';
  return h(
    'section',
    { class: 'document', 'data-testid': 'document' },
    heading('随机抽查通知书'),
    h('p', null, `${found.entity.name}（统一社会信用代码：${found.entity.uscc}）：`),
    h('p', { class: 'indent' }, `${why}本局将派员对你单位进行检查。检查人员：${found.team.map((id) => names.get(id) ?? id).join('、')}，检查时将出示行政执法证件。`),
    items.length
      ? [
          h('p', { class: 'indent' }, '检查事项及依据：'),
          h('ol', null, items.map((item) => h('li', null, `${item.name}（${item.legalBasis}）`))),
        ]
      : null,
    h('p', { class: 'indent' }, '请你单位做好以下准备，配合检查：'),
    h('ol', { 'data-testid': 'to-prepare' }, toPrepare.map((line) => h('li', null, line))),
    h('p', { class: 'indent' }, '无正当理由拒绝、阻挠检查的，本局将依法记录并予以公示。'),
    h('p', { class: 'seal' }, bureau, h('br'), formatDate(sent.at)),
  );
}

function inspectionRecord(found: CaseDetail, data: any, names: Map<string, string>): HTMLElement | null {
  if (!data) return null;
  return h(
    'section',
    { class: 'document', 'data-testid': 'document' },
    heading('检查记录表'),
    h(
      'table',
      { class: 'doc-table' },
      h('tr', null, h('th', null, '被检查对象'), h('td', null, found.entity.name), h('th', null, '统一社会信用代码'), h('td', null, found.entity.uscc)),
      h('tr', null, h('th', null, '检查日期'), h('td', null, formatDate(data.inspectionDate)), h('th', null, '检查人员'), h('td', null, (data.officersPresent ?? []).map((id: string) => names.get(id) ?? id).join('、'))),
      h('tr', null, h('th', null, '检查结果'), h('td', { colspan: 3 }, resultLabel(data.resultCategory))),
    ),
    (data.items ?? []).map((item: any) =>
      h(
        'table',
        { class: 'doc-table' },
        h('tr', null, h('th', { colspan: 3 }, `检查事项 ${item.itemCode}`)),
        h('tr', null, h('th', null, '要点'), h('th', null, '内容'), h('th', null, '结论')),
        (item.checkpoints ?? []).map((checkpoint: any) => h('tr', null, h('td', null, checkpoint.code), h('td', null, checkpoint.description ?? ''), h('td', null, checkpoint.passed ? '符合' : '不符合'))),
        item.findings ? h('tr', null, h('th', null, '发现问题'), h('td', { colspan: 2 }, item.findings)) : null,
        item.evidence?.length ? h('tr', null, h('th', null, '证据材料'), h('td', { colspan: 2 }, item.evidence.join('、'))) : null,
      ),
    ),
    data.summary ? h('p', null, `检查情况：${data.summary}`) : null,
    h('p', { class: 'signatures' }, '检查人员签名：', h('span', { class: 'blank' }), '　被检查对象签字（盖章）：', h('span', { class: 'blank' })),
  );
}

function rectificationOrder(found: CaseDetail, data: any): HTMLElement | null {
  if (!data) return null;
  return h(
    'section',
    { class: 'document', 'data-testid': 'document' },
    heading('责令整改通知书'),
    h('p', null, `${found.entity.name}（统一社会信用代码：${found.entity.uscc}）：`),
    h('p', { class: 'indent' }, `经检查，你单位存在以下问题：${data.requirements}。`),
    h('p', { class: 'indent' }, `根据有关法律法规的规定，现责令你单位于 ${formatDate(data.deadline ?? found.rectificationDeadline)} 前改正，并将整改情况书面报告本局。逾期不改正的，本局将依法处理。`),
    h('p', { class: 'seal' }, bureau, h('br'), formatDate(data.orderedAt ?? found.records.find((entry) => entry.kind === 'rectification_order')?.recordedAt)),
  );
}

function transferLetters(found: CaseDetail): HTMLElement | null {
  const transfers = found.dispositions.filter((disposition) => disposition.kind !== 'penalty');
  if (!transfers.length) return null;
  return h(
    'div',
    null,
    transfers.map((disposition) =>
      h(
        'section',
        { class: 'document', 'data-testid': 'document' },
        heading('移送函'),
        disposition.details.letterReference ? h('p', { class: 'reference' }, disposition.details.letterReference) : null,
        h('p', null, `${disposition.kind === 'police_referral' ? '公安机关' : disposition.details.department ?? ''}：`),
        h('p', { class: 'indent' }, `本局在“双随机一公开”抽查中发现，${found.entity.name}（统一社会信用代码：${found.entity.uscc}）${disposition.details.reason ?? ''}。该事项属于贵单位管辖，根据有关规定，现${dispositionLabel(disposition.kind)}，请依法处理并将结果函告本局。`),
        h('p', { class: 'seal' }, bureau, h('br'), formatDate(disposition.recordedAt)),
      ),
    ),
  );
}
