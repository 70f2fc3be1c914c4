// The dishonesty blacklist (严重失信主体名单, R17) as the bureau reads it: on the entity, in the entity list and in
// its own searchable list. The entry comes from a real case that ends in a penalty finding the entity dishonest.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCoordinator, asOfficer, eventually, inspectionBody, openComplaintCase, registerEntity, type OpenedCase } from '../support/fixtures';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let dishonest: OpenedCase;

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(system.baseUrl, method, path, body, headers);

/** Inspection with problems, an unheeded rectification order, then a penalty that finds the entity dishonest. */
async function caseEndingInDishonestPenalty(): Promise<OpenedCase> {
  const opened = await openComplaintCase(system.baseUrl);
  const [lead] = opened.team;
  expect((await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'problem_found', false), asOfficer(lead!))).status).toBe(200);
  expect((await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
  const ordered = await api('POST', `/cases/${opened.id}/rectification-order`, { requirements: '完成预收资金存管', days: 1, overrideReason: '测试期限' }, asOfficer(lead!));
  expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
  await eventually(async () => (await api('GET', `/cases/${opened.id}`)).body, (body) => body.status === 'awaiting_revisit');
  const revisit = {
    revisitDate: new Date().toISOString().slice(0, 10),
    officersPresent: opened.team,
    rectified: false,
    findings: '仍未整改',
    dispositionNeeded: false,
  };
  expect((await api('POST', `/cases/${opened.id}/revisit`, revisit, asOfficer(lead!))).body.status).toBe('awaiting_disposition');
  const penalty = {
    kind: 'penalty',
    caseFilingNumber: '坛商罚立〔2026〕9号',
    decision: '罚款人民币三万元',
    amountYuan: 30000,
    legalBasis: '《单用途商业预付卡管理办法（试行）》第三十六条',
    dishonest: true,
  };
  const disposed = await api('POST', `/cases/${opened.id}/disposition`, { dispositions: [penalty] }, asOfficer(lead!));
  expect(disposed.status, JSON.stringify(disposed.body)).toBe(200);
  return opened;
}

beforeAll(async () => {
  system = await startTestSystem('blacklist');
  dishonest = await caseEndingInDishonestPenalty();
  await eventually(async () => (await api('GET', `/cases/${dishonest.id}`)).body, (body) => body.status === 'closed');
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

describe('R17 the dishonesty blacklist is visible to the bureau', () => {
  it('R17 an entity found dishonest shows its blacklist entry (reason, date, case) when read; an entity not found so shows none', async () => {
    const read = await api('GET', `/entities/${dishonest.entity.id}`, undefined, testUsers.auditor.headers);
    expect(read.status).toBe(200);
    expect(read.body.blacklist).toEqual([{ id: expect.any(String), caseId: dishonest.id, reason: '罚款人民币三万元', listedAt: expect.any(String) }]);
    expect(Date.now() - Date.parse(read.body.blacklist[0].listedAt)).toBeLessThan(120_000);

    const honest = await registerEntity(system.baseUrl, { name: '金坛区守信商贸有限公司' });
    expect((await api('GET', `/entities/${honest.id}`)).body.blacklist).toEqual([]);
  });

  it('R17 the entity list marks the blacklisted entity with its entries', async () => {
    const listed = await api('GET', `/entities?q=${dishonest.entity.uscc}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: dishonest.entity.id, blacklist: [expect.objectContaining({ caseId: dishonest.id, reason: '罚款人民币三万元' })] })]);
  });

  it('R17 GET /blacklist lists entries newest first with the entity, searchable by name or credit code, one page at a time', async () => {
    // A second, earlier entry, written directly: one real dishonest case is enough to prove the path that writes them.
    const other = await registerEntity(system.baseUrl, { name: '金坛区某拍卖行有限公司' });
    await system.db.blacklistEntry.create({
      data: { id: randomUUID(), entityId: other.id, caseId: randomUUID(), reason: '拍卖虚假宣传，情节严重', listedAt: new Date('2026-01-15T02:00:00Z') },
    });

    const all = await api('GET', '/blacklist', undefined, testUsers.leadership.headers);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, pageSize: 50 });
    expect(all.body.items).toEqual([
      expect.objectContaining({ entityId: dishonest.entity.id, uscc: dishonest.entity.uscc, name: dishonest.entity.name, caseId: dishonest.id, reason: '罚款人民币三万元', legalStatus: 'operating' }),
      expect.objectContaining({ entityId: other.id, name: '金坛区某拍卖行有限公司', reason: '拍卖虚假宣传，情节严重', listedAt: '2026-01-15T02:00:00.000Z' }),
    ]);

    const byCode = await api('GET', `/blacklist?q=${dishonest.entity.uscc.toLowerCase()}`);
    expect(byCode.body.items.map((item: { entityId: string }) => item.entityId)).toEqual([dishonest.entity.id]);
    const byName = await api('GET', `/blacklist?q=${encodeURIComponent('拍卖行')}`, undefined, testUsers.auditor.headers);
    expect(byName.body).toMatchObject({ total: 1, items: [expect.objectContaining({ entityId: other.id })] });
    expect((await api('GET', `/blacklist?q=${encodeURIComponent('守信商贸')}`)).body).toMatchObject({ total: 0, items: [] });

    const secondPage = await api('GET', '/blacklist?page=2&pageSize=1');
    expect(secondPage.body).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [expect.objectContaining({ entityId: other.id })] });
  });

  it('R17 R18 an officer may not read the blacklist, and a bad page size is refused naming the field', async () => {
    const officer = await api('GET', '/blacklist', undefined, asOfficer(dishonest.team[0]!));
    expect(officer.status).toBe(403);
    const tooLarge = await api('GET', '/blacklist?pageSize=501');
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.contentType).toContain('application/problem+json');
    expect(tooLarge.body.errors).toEqual([expect.objectContaining({ field: 'query.pageSize' })]);
  });
});
