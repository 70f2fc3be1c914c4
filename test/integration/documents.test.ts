// A case's documents as the PDFs the bureau signs and serves, read back with a PDF text extractor (R8, R9, R12, R20).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseDate } from '../../domain/chineseDate';
import { asCoordinator, asOfficer, inspectionBody, registerEntity, registerOfficer } from '../support/fixtures';
import { fetchPdf } from '../support/pdf';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(system.baseUrl, method, path, body, headers);

beforeAll(async () => {
  system = await startTestSystem('documents');
  const item = await api('POST', '/inspection-items', {
    code: 'SW-YFK-01',
    name: '单用途商业预付卡发卡企业备案及资金存管',
    legalBasis: '《单用途商业预付卡管理办法（试行）》第七条、第二十条',
    categories: ['prepaid_card_issuer'],
    kind: 'key',
  });
  expect(item.status, JSON.stringify(item.body)).toBe(201);
});

afterAll(async () => {
  await system?.stop();
});

/** A complaint case about an entity with an address, its team holding known certificate numbers. */
async function openCase() {
  const entity = await registerEntity(system.baseUrl, { name: '金坛区华罗庚路某预付卡商贸有限公司', address: '常州市金坛区西城街道华罗庚路18号', legalRepresentative: '周某' });
  const first = await registerOfficer(system.baseUrl, { name: '王伟' });
  const second = await registerOfficer(system.baseUrl, { name: '李芳' });
  const opened = await api('POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '12345 热线投诉', team: [first.id, second.id] }, asCoordinator());
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  return { id: opened.body.id as string, entity, team: [first.id, second.id] };
}

async function orderRectification(opened: Awaited<ReturnType<typeof openCase>>) {
  const inspected = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'problem_found', false), asOfficer(opened.team[0]!));
  expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
  expect((await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
  const ordered = await api(
    'POST',
    `/cases/${opened.id}/rectification-order`,
    { requirements: '完成预收资金存管并提交存管协议', days: 3 },
    asOfficer(opened.team[0]!),
  );
  expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
  return ordered.body as { rectificationDeadline: string; records: Array<{ kind: string; data: { orderedAt: string } }> };
}

describe('R12 R20 documents are PDFs the server makes, numbered once and kept on the timeline', () => {
  it('R12 a 责令整改通知书 carries its 文号, the problem found, the item\'s law and article, the deadline as a date, the rights notice, a contact, a 年月日 date and a 送达回证', async () => {
    const opened = await openCase();
    const notYet = await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/rectification-order.pdf`, asCoordinator());
    expect(notYet.status).toBe(404);

    const ordered = await orderRectification(opened);
    const order = await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/rectification-order.pdf`, asOfficer(opened.team[0]!));
    expect(order.status).toBe(200);
    expect(order.headers.get('content-type')).toBe('application/pdf');
    const [letter, receipt] = order.pages;
    const number = letter!.match(/坛商责改〔(\d{4})〕(\d+)号/);
    expect(number, letter).not.toBeNull();
    expect(letter).toContain('常州市金坛区商务局');
    expect(letter).toContain('责令整改通知书');
    expect(letter).toContain(`${opened.entity.name}（统一社会信用代码：${opened.entity.uscc}）`);
    // The problem found, not the requirements, is what the entity is told it did.
    expect(letter).toContain('存在以下问题：1.单用途商业预付卡发卡企业备案及资金存管：未按规定存管预收资金。');
    expect(letter).toContain('不符合《单用途商业预付卡管理办法（试行）》第七条、第二十条的规定');
    expect(letter).toContain(`于${chineseDate(ordered.rectificationDeadline)}前改正`);
    expect(letter).toContain('整改要求：完成预收资金存管并提交存管协议。');
    expect(letter).toMatch(/六十日内向常州市金坛区人民政府申请行政复议/);
    expect(letter).toMatch(/六个月内依法向人民法院提起行政诉讼/);
    expect(letter).toContain('联系人：王伟、李芳');
    expect(letter).toContain(chineseDate(ordered.records.find((record) => record.kind === 'rectification_order')!.data.orderedAt));
    expect(letter).toContain('（印章）');
    expect(letter).not.toMatch(/\d{4}\/\d{1,2}\/\d{1,2}/);
    expect(receipt).toContain('送达回证');
    expect(receipt).toContain(`责令整改通知书（${number![0]}）`);
    expect(receipt).toContain('常州市金坛区西城街道华罗庚路18号');

    // R20: the issue is on the timeline with the PDF's SHA-256, and every later copy is the same document.
    const sha256 = createHash('sha256').update(order.bytes).digest('hex');
    expect(order.headers.get('x-document-sha256')).toBe(sha256);
    const detail = (await api('GET', `/cases/${opened.id}`)).body;
    const issued = detail.timeline.filter((event: { kind: string }) => event.kind === 'document_issued');
    expect(issued).toEqual([
      expect.objectContaining({ actor: opened.team[0], data: expect.objectContaining({ document: 'rectification-order', numbers: [number![0]], sha256 }) }),
    ]);
    const again = await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/rectification-order.pdf`, testUsers.auditor.headers);
    expect(again.bytes.equals(order.bytes)).toBe(true);
    expect((await api('GET', `/cases/${opened.id}`)).body.timeline.filter((event: { kind: string }) => event.kind === 'document_issued')).toHaveLength(1);

    // The next order of the year takes the next number: a number is never given twice.
    const other = await openCase();
    await orderRectification(other);
    const next = await fetchPdf(system.baseUrl, `/cases/${other.id}/documents/rectification-order.pdf`, asCoordinator());
    expect(next.pages[0]).toContain(`坛商责改〔${number![1]}〕${Number(number![2]) + 1}号`);
  });

  it('R9 the 检查记录表 names the items with their legal basis, the officers present with their 执法证号, and the entity\'s address', async () => {
    const opened = await openCase();
    await orderRectification(opened);
    const record = await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/inspection-record.pdf`, asCoordinator());
    expect(record.status).toBe(200);
    const officers = await system.db.officer.findMany({ where: { id: { in: opened.team } } });
    for (const officer of officers) expect(record.text).toContain(`${officer.name}（执法证号：${officer.certificateNumber}）`);
    expect(record.text).toMatch(/坛商检记〔\d{4}〕\d+号/);
    expect(record.text).toContain('常州市金坛区西城街道华罗庚路18号');
    expect(record.text).toContain('检查事项：单用途商业预付卡发卡企业备案及资金存管（SW-YFK-01）');
    expect(record.text).toContain('《单用途商业预付卡管理办法（试行）》第七条、第二十条');
    expect(record.text).toContain('不符合');
    expect(record.text).toContain('发现的问题未按规定存管预收资金');
    expect(record.text).toContain(chineseDate(new Date()));
  });

  it('R15 a transfer and a police referral are two 移送函, each with its own 文号, addressee and 送达回证', async () => {
    const opened = await openCase();
    expect((await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'refused_inspection', true), asOfficer(opened.team[0]!))).status).toBe(200);
    expect((await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
    const disposed = await api(
      'POST',
      `/cases/${opened.id}/disposition`,
      {
        dispositions: [
          { kind: 'transfer', department: '金坛区市场监督管理局', reason: '涉及价格违法，属市场监管部门管辖' },
          { kind: 'police_referral', department: '常州市公安局金坛分局', reason: '涉嫌非法吸收公众存款' },
        ],
      },
      asOfficer(opened.team[1]!),
    );
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(200);
    const letters = await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/transfer-letter.pdf`, asCoordinator());
    expect(letters.status).toBe(200);
    const numbers = letters.text.match(/坛商移〔\d{4}〕\d+号/g) ?? [];
    expect(new Set(numbers).size).toBe(2);
    const [transfer, , referral, referralReceipt] = letters.pages;
    expect(transfer).toContain('金坛区市场监督管理局：');
    expect(transfer).toContain('涉及价格违法，属市场监管部门管辖');
    expect(referral).toContain('常州市公安局金坛分局：');
    expect(referral).toContain('《行政执法机关移送涉嫌犯罪案件的规定》');
    expect(referralReceipt).toContain('送达回证');
  });

  it('R8 the 随机抽查通知书 gives the inspection date, the officers and a contact; an officer off the team gets none of the case\'s documents', async () => {
    const opened = await openCase();
    // Reading is not issuing: an auditor or leadership finds no notice until the team or the office has issued one.
    expect((await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/inspection-notice.pdf`, testUsers.auditor.headers)).status).toBe(404);
    expect((await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/inspection-notice.pdf`, testUsers.leadership.headers)).status).toBe(404);
    expect(await system.db.issuedDocument.count({ where: { caseId: opened.id } })).toBe(0);
    const notice = await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/inspection-notice.pdf`, asCoordinator());
    expect(notice.status).toBe(200);
    expect((await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/inspection-notice.pdf`, testUsers.auditor.headers)).status).toBe(200);
    expect(notice.text).toMatch(/坛商抽通〔\d{4}〕\d+号/);
    expect(notice.text).toContain('检查日期：');
    expect(notice.text).toContain('联系人：王伟、李芳');
    expect(notice.pages.at(-1)).toContain('送达回证');
    const outsider = await registerOfficer(system.baseUrl);
    expect((await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/inspection-notice.pdf`, asOfficer(outsider.id))).status).toBe(403);
    expect((await fetchPdf(system.baseUrl, `/cases/${opened.id}/documents/transfer-letter.pdf`, asCoordinator())).status).toBe(404);
  });
});
