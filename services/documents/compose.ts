// What each of a case's documents says, from what the case recorded: 随机抽查通知书, 检查记录表, 责令整改通知书 and
// 移送函, each (but the record, which is signed on the spot) followed by its 送达回证. The words follow the bureau's
// enforcement documents; the page is pdfLayout's.
import type { CaseDetail } from '../../domain/caseDetail';
import { chineseDate } from '../../domain/chineseDate';
import { documentTitles, issuer, type DocumentKind } from '../../domain/issuer';
import { dispositionKindLabels, resultCategoryLabels, type ResultCategory } from '../../domain/inspectionCase';
import { fitted, OfficialPdf } from './pdfLayout';

export interface ItemFacts {
  code: string;
  name: string;
  legalBasis: string;
  categories: string[];
}

export interface DocumentFacts {
  found: CaseDetail;
  entity: { name: string; uscc: string; address: string | null; legalRepresentative: string | null; category: string | null };
  items: Map<string, ItemFacts>;
  officers: Map<string, { name: string; certificateNumber: string }>;
}

/** A document the case can have now: what tells its versions apart, its date, how many 文号 it takes, and its PDF. */
export interface ComposedDocument {
  kind: DocumentKind;
  subject: string;
  /** 成文日期, YYYY-MM-DD or an instant; the year of its 文号 */
  date: string;
  letters: number;
  render(numbers: string[], issuedAt: Date): Promise<Buffer>;
}

interface InspectionData {
  inspectionDate: string;
  officersPresent?: string[];
  resultCategory?: string;
  summary?: string;
  items?: Array<{ itemCode: string; findings?: string; evidence?: string[]; checkpoints?: Array<{ code: string; description?: string; passed: boolean }> }>;
}

interface NoticeData {
  planNumber?: string | null;
  items?: Array<{ code: string; name: string; legalBasis: string; preparation: string | null }>;
}

interface OrderData {
  requirements?: string;
  days?: number;
  dayKind?: 'working' | 'calendar';
  orderedAt?: string;
}

/** What every entity has ready for a visit, whatever the items; each item adds its own. */
const alwaysPrepared = ['营业执照（副本）', '法定代表人（负责人）身份证明；委托他人配合检查的，另附授权委托书'];

const latestRecord = <T>(found: CaseDetail, kind: string) => {
  const record = found.records.filter((entry) => entry.kind === kind).at(-1);
  return record ? { data: record.data as T, recordedAt: record.recordedAt } : undefined;
};

const officerLine = (facts: DocumentFacts, ids: string[]) =>
  ids.map((id) => {
    const officer = facts.officers.get(id);
    return officer ? `${officer.name}（执法证号：${officer.certificateNumber}）` : id;
  }).join('、');

const officerNames = (facts: DocumentFacts, ids: string[]) => ids.map((id) => facts.officers.get(id)?.name ?? id).join('、');

/** An item applies to the entity when it names the entity's category, or names none. */
const applies = (facts: DocumentFacts, code: string) => {
  const item = facts.items.get(code);
  if (!item || !facts.entity.category || item.categories.length === 0) return true;
  return item.categories.includes(facts.entity.category);
};

const numbered = (lines: string[]) => lines.map((line, index) => `${index + 1}. ${line}`);

function contactParagraph(pdf: OfficialPdf, facts: DocumentFacts): void {
  pdf.paragraph(`联系人：${officerNames(facts, facts.found.team)}　　联系电话：__________`);
}

/** 送达回证: what was served, on whom, where, how, and the signatures with their dates. */
function serviceReceipt(pdf: OfficialPdf, documentName: string, recipient: string, address: string | null): void {
  const dated = '\n\n　　　　　　　　　　　　　年　　月　　日';
  pdf
    .newPage()
    .heading(issuer.name, '送达回证', undefined)
    .table(
      [
        [{ text: '送达文书名称及文号', bold: true }, documentName],
        [{ text: '受送达人', bold: true }, recipient],
        [{ text: '送达地点', bold: true }, address ?? ''],
        [{ text: '送达方式', bold: true }, '□ 直接送达　□ 留置送达　□ 邮寄送达　□ 电子送达　□ 委托送达'],
        [{ text: '受送达人签名或盖章', bold: true, minHeight: 80 }, dated],
        [{ text: '送达人签名', bold: true, minHeight: 80 }, dated],
        [{ text: '见证人签名', bold: true, minHeight: 60 }, '（留置送达时填写）'],
        [{ text: '备注', bold: true, minHeight: 60 }, ''],
      ],
      [1.25, 2.6],
    )
    .note('注：受送达人拒绝签收的，送达人应当在备注栏注明拒收事由和日期，由送达人、见证人签名，把文书留在受送达人的住所，即视为送达。');
}

function inspectionNotice(facts: DocumentFacts): ComposedDocument | null {
  const { found, entity } = facts;
  const sent = found.timeline.find((event) => event.kind === 'inspection_notice_sent');
  if (!sent) return null;
  const notice = (sent.data ?? {}) as NoticeData;
  const items = (notice.items ?? []).filter((item) => applies(facts, item.code));
  const inspection = latestRecord<InspectionData>(found, 'inspection');
  return {
    kind: 'inspection-notice',
    subject: '',
    date: sent.at,
    letters: 1,
    render([number], issuedAt) {
      const title = documentTitles['inspection-notice'].zh;
      return fitted((tighten) => {
        const pdf = new OfficialPdf(title, issuedAt, tighten).heading(issuer.name, title, number).addressee(`${entity.name}（统一社会信用代码：${entity.uscc}）`);
        // A complaint's substance stays out of the notice: it could name the complainant.
        pdf.paragraph(
          notice.planNumber
            ? `根据本局随机抽查计划（${notice.planNumber}），经随机抽取，本局决定派员对你单位开展检查。现将有关事项通知如下：`
            : '根据工作安排，本局决定派员对你单位开展检查。现将有关事项通知如下：',
        );
        const when = inspection
          ? chineseDate(inspection.data.inspectionDate)
          : found.inspectionDueAt
            ? `${chineseDate(sent.at)}至${chineseDate(found.inspectionDueAt)}期间，具体时间以检查人员到场为准`
            : `自本通知书送达之日起，具体时间以检查人员到场为准`;
        pdf.paragraph(`一、检查日期：${when}。`);
        pdf.paragraph(`二、检查人员：${officerLine(facts, found.team)}。检查时将出示行政执法证件。`);
        if (items.length > 0) {
          pdf.paragraph('三、检查事项及依据：');
          for (const line of numbered(items.map((item) => `${item.name}（依据：${item.legalBasis}）`))) pdf.paragraph(line);
        }
        const toPrepare = [...alwaysPrepared, ...items.flatMap((item) => (item.preparation ?? '').split('\n').map((line) => line.trim()).filter(Boolean))];
        pdf.paragraph(`${items.length > 0 ? '四' : '三'}、请你单位做好以下准备，配合检查：`);
        for (const line of numbered(toPrepare)) pdf.paragraph(line);
        pdf.paragraph('无正当理由拒绝、阻挠检查的，本局将依法记录并予以公示。');
        contactParagraph(pdf, facts);
        pdf.signature(issuer.name, chineseDate(sent.at));
        serviceReceipt(pdf, `${title}（${number}）`, entity.name, entity.address);
        return pdf;
      });
    },
  };
}

function inspectionRecord(facts: DocumentFacts): ComposedDocument | null {
  const { found, entity } = facts;
  const inspection = latestRecord<InspectionData>(found, 'inspection');
  if (!inspection) return null;
  const data = inspection.data;
  return {
    kind: 'inspection-record',
    // A result sent back on review and recorded again is another record.
    subject: inspection.recordedAt,
    date: data.inspectionDate,
    letters: 1,
    render([number], issuedAt) {
      const title = documentTitles['inspection-record'].zh;
      return fitted((tighten) => {
        const result = data.resultCategory && data.resultCategory in resultCategoryLabels ? resultCategoryLabels[data.resultCategory as ResultCategory].zh : (data.resultCategory ?? '');
        const pdf = new OfficialPdf(title, issuedAt, tighten).heading(issuer.name, title, number);
        pdf.table(
          [
            [{ text: '被检查对象', bold: true }, { text: entity.name, span: 3 }],
            [{ text: '统一社会信用代码', bold: true }, entity.uscc, { text: '法定代表人（负责人）', bold: true }, entity.legalRepresentative ?? ''],
            [{ text: '地址', bold: true }, { text: entity.address ?? '', span: 3 }],
            [{ text: '检查日期', bold: true }, chineseDate(data.inspectionDate), { text: '检查结果', bold: true }, result],
            [{ text: '检查人员及执法证号', bold: true }, { text: officerLine(facts, data.officersPresent ?? []), span: 3 }],
          ],
          [1.1, 1.6, 1.1, 1.2],
        );
        for (const item of data.items ?? []) {
          const known = facts.items.get(item.itemCode);
          const rows = [
            [{ text: `检查事项：${known?.name ?? item.itemCode}（${item.itemCode}）`, span: 4, bold: true }],
            [{ text: '依据', bold: true }, { text: known?.legalBasis ?? '', span: 3 }],
            [{ text: '要点', bold: true }, { text: '检查内容', span: 2, bold: true }, { text: '结论', bold: true }],
            ...(item.checkpoints ?? []).map((checkpoint) => [checkpoint.code, { text: checkpoint.description ?? '', span: 2 }, checkpoint.passed ? '符合' : '不符合']),
            ...(item.findings ? [[{ text: '发现的问题', bold: true }, { text: item.findings, span: 3 }]] : []),
            ...(item.evidence?.length ? [[{ text: '证据材料', bold: true }, { text: item.evidence.join('、'), span: 3 }]] : []),
          ];
          pdf.table(rows, [1.1, 1.6, 1.1, 1.2]);
        }
        if (data.summary) pdf.paragraph(`检查情况：${data.summary}`, { indent: false });
        pdf.table(
          [
            [{ text: '检查人员签名', bold: true, minHeight: 56 }, ''],
            [{ text: '被检查对象签字（盖章）', bold: true, minHeight: 56 }, ''],
          ],
          [1, 2.6],
        );
        pdf.signature(issuer.name, chineseDate(data.inspectionDate));
        return pdf;
      });
    },
  };
}

/** The items the order is about: those with a failed checkpoint, else those whose findings name a problem. */
function wantingItems(data: InspectionData) {
  const items = data.items ?? [];
  const failed = items.filter((item) => (item.checkpoints ?? []).some((checkpoint) => !checkpoint.passed));
  return failed.length > 0 ? failed : items.filter((item) => item.findings);
}

/** The problem found, in the officers' words: the findings, else the checkpoints that failed. */
const problemOf = (item: NonNullable<InspectionData['items']>[number]) =>
  item.findings?.trim() ||
  (item.checkpoints ?? []).filter((checkpoint) => !checkpoint.passed).map((checkpoint) => checkpoint.description || checkpoint.code).join('；') ||
  '（检查记录未载明具体问题）';

function rectificationOrder(facts: DocumentFacts): ComposedDocument | null {
  const { found, entity } = facts;
  const order = latestRecord<OrderData>(found, 'rectification_order');
  if (!order) return null;
  const inspection = latestRecord<InspectionData>(found, 'inspection');
  const orderedAt = order.data.orderedAt ?? order.recordedAt;
  return {
    kind: 'rectification-order',
    subject: '',
    date: orderedAt,
    letters: 1,
    render([number], issuedAt) {
      const title = documentTitles['rectification-order'].zh;
      return fitted((tighten) => {
        const pdf = new OfficialPdf(title, issuedAt, tighten).heading(issuer.name, title, number).addressee(`${entity.name}（统一社会信用代码：${entity.uscc}）`);
        const when = inspection ? `${chineseDate(inspection.data.inspectionDate)}，` : '';
        pdf.paragraph(`${when}本局执法人员依法对你单位进行了检查，发现你单位存在以下问题：`);
        const wanting = inspection ? wantingItems(inspection.data) : [];
        const bases: string[] = [];
        wanting.forEach((item, index) => {
          const known = facts.items.get(item.itemCode);
          const basis = known?.legalBasis;
          if (basis && !bases.includes(basis)) bases.push(basis);
          pdf.paragraph(`${index + 1}. ${known?.name ?? item.itemCode}：${problemOf(item).replace(/[。；;]$/, '')}。${basis ? `不符合${basis}的规定。` : ''}`);
        });
        const deadline = found.rectificationDeadline;
        const period = order.data.days ? `（整改期限${order.data.days}个${order.data.dayKind === 'calendar' ? '自然日' : '工作日'}）` : '';
        pdf.paragraph(
          `根据${bases.length ? bases.join('、') : '有关法律、法规'}的规定，现责令你单位于${deadline ? chineseDate(deadline) : '期限内'}前改正上述问题${period}，并将整改情况书面报告本局。`,
        );
        if (order.data.requirements) pdf.paragraph(`整改要求：${order.data.requirements.replace(/[。]$/, '')}。`);
        pdf.paragraph('逾期不改正的，本局将依法处理。');
        pdf.paragraph(
          `你单位如对本通知不服，可以自收到本通知书之日起六十日内向${issuer.reconsiderationBody}申请行政复议，也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。`,
        );
        contactParagraph(pdf, facts);
        pdf.signature(issuer.name, chineseDate(orderedAt));
        serviceReceipt(pdf, `${title}（${number}）`, entity.name, entity.address);
        return pdf;
      });
    },
  };
}

function transferLetter(facts: DocumentFacts): ComposedDocument | null {
  const { found, entity } = facts;
  const transfers = found.dispositions.filter((disposition) => disposition.kind !== 'penalty');
  if (transfers.length === 0) return null;
  const inspection = latestRecord<InspectionData>(found, 'inspection');
  return {
    kind: 'transfer-letter',
    subject: '',
    date: transfers[0]!.recordedAt,
    letters: transfers.length,
    render(numbers, issuedAt) {
      const title = documentTitles['transfer-letter'].zh;
      return fitted((tighten) => {
        const pdf = new OfficialPdf(title, issuedAt, tighten);
        transfers.forEach((disposition, index) => {
          const details = (disposition.details ?? {}) as { department?: string; reason?: string };
          const police = disposition.kind === 'police_referral';
          const recipient = police ? (details.department ?? '公安机关') : (details.department ?? '');
          if (index > 0) pdf.newPage();
          pdf.heading(issuer.name, title, numbers[index]).addressee(recipient);
          const problems = inspection ? wantingItems(inspection.data).map((item) => `${facts.items.get(item.itemCode)?.name ?? item.itemCode}：${problemOf(item)}`) : [];
          pdf.paragraph(
            `本局在“双随机一公开”抽查中发现，${entity.name}（统一社会信用代码：${entity.uscc}）${details.reason ? details.reason.replace(/[。]$/, '') : '存在涉嫌违法行为'}。` +
              `该事项属于贵单位管辖，${police ? '根据《行政执法机关移送涉嫌犯罪案件的规定》' : '根据有关规定'}，现${dispositionKindLabels[disposition.kind].zh}，请依法处理，并将处理结果函告本局。`,
          );
          if (problems.length) {
            pdf.paragraph('检查发现的问题：');
            for (const line of numbered(problems)) pdf.paragraph(line);
          }
          contactParagraph(pdf, facts);
          pdf.signature(issuer.name, chineseDate(disposition.recordedAt));
          serviceReceipt(pdf, `${title}（${numbers[index]}）`, recipient, null);
        });
        return pdf;
      });
    },
  };
}

const composers: Record<DocumentKind, (facts: DocumentFacts) => ComposedDocument | null> = {
  'inspection-notice': inspectionNotice,
  'inspection-record': inspectionRecord,
  'rectification-order': rectificationOrder,
  'transfer-letter': transferLetter,
};

/** The document of this kind as the case now stands, or null when the case has none (yet). */
export function composeDocument(kind: DocumentKind, facts: DocumentFacts): ComposedDocument | null {
  return composers[kind](facts);
}
