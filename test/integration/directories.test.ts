// The officer directory and the inspection-item list as files (R2, R3), officers' affiliation and post and their
// moves (R2), and what the audit log keeps of every directory update (R20).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEntity } from '../support/fixtures';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let counter = 0;

beforeAll(async () => {
  system = await startTestSystem('directories');
});

afterAll(async () => {
  await system?.stop();
});

/** A certificate number no other test uses. */
const certificate = () => `3204820${Date.now().toString().slice(-6)}${String((counter += 1)).padStart(3, '0')}`;
const itemCode = () => `T-${Date.now().toString(36).toUpperCase()}-${(counter += 1)}`;

async function registerOfficer(overrides: Record<string, unknown> = {}) {
  const answer = await call(system.baseUrl, 'POST', '/officers', {
    name: '张三',
    unit: '商务综合行政执法大队',
    certificateNumber: certificate(),
    certificateValidUntil: '2030-12-31',
    ...overrides,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { id: string; certificateNumber: string };
}

async function download(path: string) {
  const answer = await fetch(`${system.baseUrl}${path}`, { headers: testUsers.coordinator.headers });
  expect(answer.status).toBe(200);
  return { type: answer.headers.get('content-type') ?? '', content: Buffer.from(await answer.arrayBuffer()) };
}

/** The newest audit entry of an action, as an auditor reads the log. */
async function lastAudit(action: string, target?: string) {
  const page = await call(system.baseUrl, 'GET', `/audit?pageSize=200${target ? `&target=${target}` : ''}`, undefined, testUsers.auditor.headers);
  expect(page.status).toBe(200);
  return (page.body.items as Array<{ action: string; actor: string; reason: string | null; data: any }>).find((entry) => entry.action === action);
}

describe('R2 bulk import and export of the officer directory', () => {
  it('R2 a dry run reports each row as created, updated or refused with line, field and reason, and writes nothing', async () => {
    const existing = await registerOfficer({ name: '李四' });
    const fresh = certificate();
    const csv = [
      '执法证号,姓名,单位,性别,执法证有效期至,专业类别',
      `${fresh},王五,商务综合行政执法大队,male,2031-06-30,prepaid_card；auction`,
      `${existing.certificateNumber},李四,金坛区商务局市场秩序科,,2030-12-31,`,
      `${certificate()},赵六,,,2031-13-01,`,
      `${certificate()},,,,2031-01-01,`,
      `${fresh},王五（重复）,,,2031-01-01,`,
      `${certificate()},钱七,,unknown,2031-01-01,`,
    ].join('\n');
    const officers = await system.db.officer.count();

    const dryRun = await call(system.baseUrl, 'POST', '/officers/import', { format: 'csv', content: csv, dryRun: true });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body).toMatchObject({ dryRun: true, applied: false, created: 1, updated: 1, unchanged: 0 });
    expect(dryRun.body.refused).toEqual([
      { line: 4, field: 'certificateValidUntil', column: '执法证有效期至', reason: expect.stringContaining('YYYY-MM-DD') },
      { line: 5, field: 'name', column: '姓名', reason: '必填 / required' },
      { line: 6, field: 'certificateNumber', column: '执法证号', reason: expect.stringContaining('第 2 行') },
      { line: 7, field: 'gender', column: '性别', reason: expect.any(String) },
    ]);
    expect(dryRun.body.preview.create).toEqual([
      { line: 2, key: fresh, row: expect.objectContaining({ name: '王五', certificateValidUntil: '2031-06-30', specialties: ['prepaid_card', 'auction'] }) },
    ]);
    expect(dryRun.body.preview.update).toEqual([
      { line: 3, key: existing.certificateNumber, before: { unit: '商务综合行政执法大队' }, after: { unit: '金坛区商务局市场秩序科' } },
    ]);
    expect(await system.db.officer.count()).toBe(officers);
    expect((await system.db.officer.findUniqueOrThrow({ where: { id: existing.id } })).unit).toBe('商务综合行政执法大队');
  });

  it('R2 applying writes the accepted rows, records a new unit as a move, and the audit log keeps before and after', async () => {
    const existing = await registerOfficer({ name: '孙八', specialties: ['prepaid_card'] });
    const fresh = certificate();
    const refused = certificate();
    const csv = [
      'certificateNumber,name,unit,certificateValidUntil,specialties',
      `${fresh},周九,商务综合行政执法大队,2032-01-31,auction`,
      `${existing.certificateNumber},孙八,金坛区商务局市场秩序科,2031-12-31,`,
      `${refused},吴十,,2031-02-30,`,
    ].join('\n');

    const applied = await call(system.baseUrl, 'POST', '/officers/import', { format: 'csv', content: csv, dryRun: false });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ applied: true, created: 1, updated: 1, refused: [{ line: 4, field: 'certificateValidUntil' }] });
    expect(await system.db.officer.findUnique({ where: { certificateNumber: fresh } })).toMatchObject({ name: '周九', specialties: ['auction'] });
    expect(await system.db.officer.findUnique({ where: { certificateNumber: refused } })).toBeNull();

    const moved = await call(system.baseUrl, 'GET', `/officers/${existing.id}`);
    // An empty cell leaves the value as it was.
    expect(moved.body).toMatchObject({ unit: '金坛区商务局市场秩序科', certificateValidUntil: '2031-12-31', specialties: ['prepaid_card'] });
    expect(moved.body.postings).toEqual([
      expect.objectContaining({ fromUnit: '商务综合行政执法大队', toUnit: '金坛区商务局市场秩序科', changedBy: testUsers.coordinator.id }),
    ]);

    const audit = await lastAudit('POST /officers/import');
    expect(audit).toMatchObject({ actor: testUsers.coordinator.id });
    expect(audit!.data).toMatchObject({
      dryRun: false,
      created: [fresh],
      updated: [
        {
          key: existing.certificateNumber,
          before: { unit: '商务综合行政执法大队', certificateValidUntil: '2030-12-31' },
          after: { unit: '金坛区商务局市场秩序科', certificateValidUntil: '2031-12-31' },
        },
      ],
      refused: 1,
    });
  });

  it('R2 applying is all-or-nothing: a row that fails while the import is written leaves every other row unwritten', async () => {
    const { applyImport, planImport } = await import('../../services/directoryImport');
    const { officerDirectory } = await import('../../services/officerImport');
    const { newOfficerSchema } = await import('../../api/routes/officers');
    const existing = await registerOfficer();
    const [first, second] = [certificate(), certificate()];
    const csv = [
      '执法证号,姓名,单位,执法证有效期至',
      `${existing.certificateNumber},张三,金坛区商务局,2030-12-31`,
      `${first},甲,,2031-01-01`,
      `${second},乙,,2031-01-01`,
    ].join('\n');
    const plan = await planImport(system.db, officerDirectory, newOfficerSchema, Buffer.from(csv));
    expect(plan).toMatchObject({ refused: [], update: [expect.anything()], create: [expect.anything(), expect.anything()] });

    // Someone registers one of the new certificates between the check and the write.
    await registerOfficer({ certificateNumber: second });
    await expect(applyImport(system.db, officerDirectory, plan, testUsers.coordinator.id)).rejects.toThrow();
    expect(await system.db.officer.findUnique({ where: { certificateNumber: first } })).toBeNull();
    expect(await system.db.officer.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ unit: '商务综合行政执法大队' });
    expect(await system.db.officerPosting.count({ where: { officerId: existing.id } })).toBe(0);
  });

  it('R2 a file without the certificate-number column is refused as a whole', async () => {
    const answer = await call(system.baseUrl, 'POST', '/officers/import', { format: 'csv', content: '姓名,执法证有效期至\n张三,2030-12-31', dryRun: true });
    expect(answer.body.refused).toEqual([{ line: 1, field: 'certificateNumber', column: '执法证号', reason: expect.stringContaining('执法证号') }]);
  });

  it('R2 the directory exports as XLSX and CSV, and each export imports back with no change', async () => {
    const placed = await registerOfficer({ gender: 'female', certificateValidFrom: '2024-01-01', specialties: ['prepaid_card', 'auction'], affiliation: '聘用', post: '执法队员' });
    const withdrawn = await registerOfficer();
    await call(system.baseUrl, 'POST', `/officers/${withdrawn.id}/certificate`, { withdrawn: true, reason: '调离执法岗位' });
    const officers = await system.db.officer.count();
    for (const format of ['xlsx', 'csv'] as const) {
      const file = await download(`/officers/export?format=${format}`);
      expect(file.type).toContain(format === 'xlsx' ? 'spreadsheetml' : 'text/csv');
      const content = format === 'xlsx' ? file.content.toString('base64') : file.content.toString('utf8');
      const again = await call(system.baseUrl, 'POST', '/officers/import', { format, content, dryRun: true });
      expect(again.body, format).toMatchObject({ created: 0, updated: 0, refused: [], unchanged: officers });
    }
    const csv = (await download('/officers/export?format=csv')).content.toString('utf8');
    const header = csv.split('\n')[0]!.split(',');
    expect(header[0]).toContain('执法证号');
    expect(header).toEqual(expect.arrayContaining(['岗位', '人员归属']));
    const cells = csv.split('\n').find((line) => line.startsWith(placed.certificateNumber))!.split(',');
    expect([cells[header.indexOf('岗位')], cells[header.indexOf('人员归属')]]).toEqual(['执法队员', '聘用']);
    expect(csv).toContain('prepaid_card；auction');
    expect(csv.split('\n').find((line) => line.startsWith(withdrawn.certificateNumber))).toMatch(/,是\s*$/);
  });

  it('R1 a CSV cell that starts like a formula is exported as text behind a quote mark and imports back unchanged', async () => {
    const entity = await registerEntity(system.baseUrl, { name: '=HYPERLINK("http://example.com","某公司")', address: '+86 金坛区' });
    const csv = (await download('/entities/export?format=csv')).content.toString('utf8');
    const line = csv.split('\n').find((row) => row.startsWith(entity.uscc))!;
    expect(line).toContain(`"'=HYPERLINK(""http://example.com"",""某公司"")"`);
    expect(line).toContain("'+86 金坛区");
    const again = await call(system.baseUrl, 'POST', '/entities/import', { format: 'csv', content: csv, dryRun: true });
    expect(again.body).toMatchObject({ created: 0, updated: 0, refused: [] });
  });

  it('R2 only the brigade office imports; an auditor may export but not import', async () => {
    const refused = await call(system.baseUrl, 'POST', '/officers/import', { format: 'csv', content: '执法证号\n1', dryRun: true }, testUsers.auditor.headers);
    expect(refused.status).toBe(403);
    expect((await fetch(`${system.baseUrl}/officers/export?format=csv`, { headers: testUsers.auditor.headers })).status).toBe(200);
  });
});

describe('R2 an officer\'s affiliation (人员归属) and post (岗位)', () => {
  it('R2 an officer is registered with affiliation and post, and a change of post alone is recorded as a move, audited before and after', async () => {
    const officer = await registerOfficer({ affiliation: '在编（行政编制）', post: '执法队员' });
    expect(await call(system.baseUrl, 'GET', `/officers/${officer.id}`)).toMatchObject({
      status: 200,
      body: { unit: '商务综合行政执法大队', affiliation: '在编（行政编制）', post: '执法队员', postings: [] },
    });

    const promoted = await call(system.baseUrl, 'POST', `/officers/${officer.id}/posting`, { post: '中队长', reason: '岗位调整' });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(promoted.body).toMatchObject({ unit: '商务综合行政执法大队', affiliation: '在编（行政编制）', post: '中队长' });
    expect(promoted.body.postings).toEqual([
      expect.objectContaining({
        fromUnit: '商务综合行政执法大队',
        toUnit: '商务综合行政执法大队',
        fromPost: '执法队员',
        toPost: '中队长',
        fromAffiliation: '在编（行政编制）',
        toAffiliation: '在编（行政编制）',
        reason: '岗位调整',
        changedBy: testUsers.coordinator.id,
      }),
    ]);
    expect((await lastAudit('POST /officers/:id/posting', officer.id))!.data).toEqual(
      expect.objectContaining({ before: { post: '执法队员' }, after: { post: '中队长' } }),
    );

    const moved = await call(system.baseUrl, 'POST', `/officers/${officer.id}/posting`, { unit: '金坛区商务局市场秩序科', affiliation: '聘用' });
    expect(moved.body.postings[1]).toMatchObject({ toUnit: '金坛区商务局市场秩序科', fromAffiliation: '在编（行政编制）', toAffiliation: '聘用', fromPost: '中队长', toPost: '中队长' });
  });

  it('R2 a posting that names no unit, post or affiliation, or an empty post, is refused naming the field and records nothing', async () => {
    const officer = await registerOfficer({ post: '执法队员' });
    const nothing = await call(system.baseUrl, 'POST', `/officers/${officer.id}/posting`, { reason: '岗位调整' });
    expect(nothing.status).toBe(422);
    expect(nothing.contentType).toContain('application/problem+json');
    expect(nothing.body.errors).toEqual([expect.objectContaining({ field: 'body.unit', message: expect.stringContaining('岗位') })]);
    const empty = await call(system.baseUrl, 'POST', `/officers/${officer.id}/posting`, { post: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'body.post' })]);
    expect(await call(system.baseUrl, 'GET', `/officers/${officer.id}`)).toMatchObject({ body: { post: '执法队员', postings: [] } });
  });

  it('R2 an officer whose certificate has already expired is refused at registration, naming the field, and nothing is written', async () => {
    const before = await system.db.officer.count();
    const yesterday = new Date(Date.now() - 86_400_000 - 8 * 3_600_000).toISOString().slice(0, 10);
    const refused = await call(system.baseUrl, 'POST', '/officers', { name: '过期证执法员', certificateNumber: 'R2-EXPIRED-1', certificateValidUntil: yesterday });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.certificateValidUntil', message: expect.stringContaining('R2') })]);
    expect(await system.db.officer.count()).toBe(before);
  });

  it('R2 an import that changes affiliation or post records the move like a change of unit', async () => {
    const officer = await registerOfficer({ name: '郑十一', affiliation: '在编（事业编制）', post: '执法队员' });
    const csv = ['执法证号,姓名,人员归属,岗位,执法证有效期至', `${officer.certificateNumber},郑十一,聘用,法制审核员,2030-12-31`].join('\n');
    const dryRun = await call(system.baseUrl, 'POST', '/officers/import', { format: 'csv', content: csv, dryRun: true });
    expect(dryRun.body.preview.update).toEqual([
      { line: 2, key: officer.certificateNumber, before: { affiliation: '在编（事业编制）', post: '执法队员' }, after: { affiliation: '聘用', post: '法制审核员' } },
    ]);
    const applied = await call(system.baseUrl, 'POST', '/officers/import', { format: 'csv', content: csv, dryRun: false });
    expect(applied.body).toMatchObject({ applied: true, updated: 1, refused: [] });
    const read = await call(system.baseUrl, 'GET', `/officers/${officer.id}`);
    expect(read.body).toMatchObject({ unit: '商务综合行政执法大队', affiliation: '聘用', post: '法制审核员' });
    expect(read.body.postings).toEqual([
      expect.objectContaining({ fromAffiliation: '在编（事业编制）', toAffiliation: '聘用', fromPost: '执法队员', toPost: '法制审核员', toUnit: '商务综合行政执法大队', reason: '批量导入 / bulk import' }),
    ]);
  });
});

describe('R3 bulk import and export of the inspection-item list', () => {
  it('R3 a dry run reports created, updated and refused items (line, field, reason); applying writes the accepted ones', async () => {
    const code = itemCode();
    const existing = await call(system.baseUrl, 'POST', '/inspection-items', {
      code,
      name: '单用途商业预付卡发卡企业备案情况检查',
      legalBasis: '《单用途商业预付卡管理办法（试行）》第七条',
      categories: ['prepaid_card_issuer'],
    });
    expect(existing.status, JSON.stringify(existing.body)).toBe(201);
    const fresh = itemCode();
    const csv = [
      '事项编码,事项名称,检查依据,适用对象类别,检查方式,抽查比例,年度抽查频次',
      `${fresh},拍卖企业经营资质检查,《拍卖管理办法》第八条,auctioneer、pawnshop,documentary,0.05,1`,
      `${code},单用途商业预付卡发卡企业备案情况检查,《单用途商业预付卡管理办法（试行）》第七条,prepaid_card_issuer；refined_oil_retailer,,,`,
      `lower-case,某事项,某依据,auctioneer,,,`,
      `${itemCode()},某事项,某依据,,,,`,
      `${itemCode()},某事项,某依据,auctioneer,,abc,`,
      `${itemCode()},某事项,某依据,auctioneer,,,13`,
    ].join('\n');

    const dryRun = await call(system.baseUrl, 'POST', '/inspection-items/import', { format: 'csv', content: csv, dryRun: true });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body).toMatchObject({ created: 1, updated: 1 });
    expect(dryRun.body.refused).toEqual([
      { line: 4, field: 'code', column: '事项编码', reason: expect.stringContaining('大写字母') },
      { line: 5, field: 'categories', column: '适用对象类别', reason: '必填 / required' },
      { line: 6, field: 'sampleRatio', column: '抽查比例', reason: expect.any(String) },
      { line: 7, field: 'yearlyFrequency', column: '年度抽查频次', reason: expect.any(String) },
    ]);
    expect(dryRun.body.preview.update).toEqual([
      { line: 3, key: code, before: { categories: ['prepaid_card_issuer'] }, after: { categories: ['prepaid_card_issuer', 'refined_oil_retailer'] } },
    ]);
    expect(await system.db.inspectionItem.findUnique({ where: { code: fresh } })).toBeNull();

    const applied = await call(system.baseUrl, 'POST', '/inspection-items/import', { format: 'csv', content: csv, dryRun: false });
    expect(applied.body).toMatchObject({ applied: true, created: 1, updated: 1 });
    expect(await system.db.inspectionItem.findUnique({ where: { code: fresh } })).toMatchObject({
      categories: ['auctioneer', 'pawnshop'],
      method: 'documentary',
      kind: 'general',
      sampleRatio: 0.05,
      yearlyFrequency: 1,
    });
    expect((await system.db.inspectionItem.findUniqueOrThrow({ where: { code } })).categories).toEqual(['prepaid_card_issuer', 'refined_oil_retailer']);
    expect((await lastAudit('POST /inspection-items/import'))!.data).toMatchObject({ created: [fresh], updated: [{ key: code }] });
  });

  it('R3 the list exports as XLSX and CSV, and each export imports back with no change', async () => {
    await call(system.baseUrl, 'POST', '/inspection-items', {
      code: itemCode(),
      name: '成品油零售经营企业安全检查',
      legalBasis: '《成品油市场管理办法》第十五条',
      categories: ['refined_oil_retailer'],
      kind: 'key',
      requiredSpecialty: 'refined_oil',
      sampleRatio: 0.1,
      defaultRectificationDays: 10,
    });
    const items = await system.db.inspectionItem.count();
    for (const format of ['xlsx', 'csv'] as const) {
      const file = await download(`/inspection-items/export?format=${format}`);
      const content = format === 'xlsx' ? file.content.toString('base64') : file.content.toString('utf8');
      const again = await call(system.baseUrl, 'POST', '/inspection-items/import', { format, content, dryRun: true });
      expect(again.body, format).toMatchObject({ created: 0, updated: 0, refused: [], unchanged: items });
    }
  });
});

describe('R20 every directory update is audited with its before and after', () => {
  it('R20 a certificate withdrawal and a renewal show the certificate before and after', async () => {
    const officer = await registerOfficer();
    const withdrawn = await call(system.baseUrl, 'POST', `/officers/${officer.id}/certificate`, { withdrawn: true, reason: '违法违纪，收回执法证' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(await lastAudit('POST /officers/:id/certificate', officer.id)).toMatchObject({
      actor: testUsers.coordinator.id,
      reason: '违法违纪，收回执法证',
      data: {
        before: { certificateWithdrawn: false, certificateValidUntil: '2030-12-31' },
        after: { certificateWithdrawn: true, certificateValidUntil: '2030-12-31' },
      },
    });

    await call(system.baseUrl, 'POST', `/officers/${officer.id}/certificate`, { withdrawn: false, certificateValidUntil: '2033-06-30', reason: '重新核发' });
    expect((await lastAudit('POST /officers/:id/certificate', officer.id))!.data).toMatchObject({
      before: { certificateWithdrawn: true, certificateValidUntil: '2030-12-31' },
      after: { certificateWithdrawn: false, certificateValidUntil: '2033-06-30' },
    });
  });

  it('R20 a move between units shows the unit before and after', async () => {
    const officer = await registerOfficer();
    await call(system.baseUrl, 'POST', `/officers/${officer.id}/posting`, { unit: '金坛区商务局办公室', reason: '岗位调整' });
    expect((await lastAudit('POST /officers/:id/posting', officer.id))!.data).toMatchObject({
      before: { unit: '商务综合行政执法大队' },
      after: { unit: '金坛区商务局办公室' },
    });
  });

  it('R20 noting and clearing a risk flag show the entity\'s active flags before and after', async () => {
    const entity = await registerEntity(system.baseUrl);
    await call(system.baseUrl, 'POST', `/entities/${entity.id}/risk-flags`, { flag: 'complaints', source: '12345 热线 2026-10 三次投诉' });
    await call(system.baseUrl, 'POST', `/entities/${entity.id}/risk-flags`, { flag: 'safety_hazard', source: '应急管理局通报 2026-11' });
    expect((await lastAudit('POST /entities/:id/risk-flags', entity.id))!.data).toMatchObject({
      before: { riskFlags: { complaints: '12345 热线 2026-10 三次投诉' } },
      after: { riskFlags: { complaints: '12345 热线 2026-10 三次投诉', safety_hazard: '应急管理局通报 2026-11' } },
    });

    const cleared = await call(system.baseUrl, 'POST', `/entities/${entity.id}/risk-flags/clear`, { flag: 'safety_hazard', reason: '隐患已整改销号' });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    const audit = await lastAudit('POST /entities/:id/risk-flags/clear', entity.id);
    expect(audit).toMatchObject({ reason: '隐患已整改销号' });
    expect(audit!.data.before).toEqual({ riskFlags: { complaints: '12345 热线 2026-10 三次投诉', safety_hazard: '应急管理局通报 2026-11' } });
    expect(audit!.data.after).toEqual({ riskFlags: { complaints: '12345 热线 2026-10 三次投诉' } });
  });

  it('R20 a legal-status change shows the status before and after', async () => {
    const entity = await registerEntity(system.baseUrl);
    await call(system.baseUrl, 'POST', `/entities/${entity.id}/legal-status`, { legalStatus: 'deregistered', reason: '已办理注销登记' });
    expect((await lastAudit('POST /entities/:id/legal-status', entity.id))!.data).toMatchObject({
      before: { legalStatus: 'operating' },
      after: { legalStatus: 'deregistered' },
    });
  });

  it('R19 the officer and item import and export routes are described in the OpenAPI document', async () => {
    const document = await call(system.baseUrl, 'GET', '/openapi.json');
    for (const path of ['/officers', '/inspection-items']) {
      const imports = document.body.paths[`${path}/import`].post.requestBody.content;
      expect(Object.keys(imports['application/json'].schema.properties)).toEqual(expect.arrayContaining(['file', 'format', 'content', 'dryRun']));
      expect(imports['multipart/form-data'].schema.required).toEqual(['file']);
      expect(document.body.paths[`${path}/export`].get.parameters).toEqual([expect.objectContaining({ name: 'format', in: 'query' })]);
    }
  });
});
