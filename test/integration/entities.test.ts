import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';
import { validUscc } from '../support/entities';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('entities');
});

afterAll(async () => {
  await system?.stop();
});

describe('R1 registering inspection targets', () => {
  it('R1 a valid code is registered and read back as operating', async () => {
    const uscc = validUscc();
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: uscc.toLowerCase(), name: '金坛某汽车销售有限公司' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ uscc, legalStatus: 'operating' });
    const read = await call(system.baseUrl, 'GET', `/entities/${created.body.id}`);
    expect(read.body).toMatchObject({ id: created.body.id, uscc, name: '金坛某汽车销售有限公司' });
  });

  it('R1 a wrong check character is refused with the field and reason, and nothing is written', async () => {
    const valid = validUscc();
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const before = await system.db.entity.count();
    const refused = await call(system.baseUrl, 'POST', '/entities', { uscc: wrong, name: '某公司' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'body.uscc', message: expect.stringContaining('校验码不正确') }]);
    expect(await system.db.entity.count()).toBe(before);
  });

  it('R1 the same code twice is a 409 conflict', async () => {
    const uscc = validUscc();
    expect((await call(system.baseUrl, 'POST', '/entities', { uscc, name: '甲' })).status).toBe(201);
    const duplicate = await call(system.baseUrl, 'POST', '/entities', { uscc, name: '乙' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors).toEqual([expect.objectContaining({ field: 'body.uscc' })]);
  });

  it('R1 a body that is not JSON is a 400 problem, not a crash', async () => {
    const response = await call(system.baseUrl, 'POST', '/entities', '{"uscc": ', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(response.body.type).toMatch(/malformed-json$/);
  });
});

describe('R1 directory updates are safe against concurrent edits', () => {
  it('R1 a status change with a stale If-Match is refused with 412 and changes nothing; with the current version it applies', async () => {
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛某再生资源回收站' });
    const version = created.headers.get('etag')!;
    expect(version).toMatch(/^W\/"\d+"$/);
    const first = await call(system.baseUrl, 'POST', `/entities/${created.body.id}/legal-status`, { legalStatus: 'moved_out' }, { 'if-match': version });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('etag')).not.toBe(version);

    const stale = await call(system.baseUrl, 'POST', `/entities/${created.body.id}/legal-status`, { legalStatus: 'revoked' }, { 'if-match': version });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toMatch(/stale-version$/);
    const read = await call(system.baseUrl, 'GET', `/entities/${created.body.id}`);
    expect(read.body.legalStatus).toBe('moved_out');
    expect(read.headers.get('etag')).toBe(first.headers.get('etag'));
  });
});

describe('R1 bulk import and export of the target directory', () => {
  it('R1 a CSV dry run reports each row as created, updated or refused (line, field, reason) and writes nothing; applying writes all accepted rows', async () => {
    const existing = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '旧名称有限公司' });
    const fresh = [validUscc(), validUscc()];
    const valid = validUscc();
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const csv = [
      '统一社会信用代码,名称,街道镇,类别',
      `${fresh[0]},金坛某典当行,西城街道,pawnshop`,
      `${existing.body.uscc},新名称有限公司,东城街道,auctioneer`,
      `${wrong},校验码错误公司,西城街道,pawnshop`,
      `${fresh[1]},,西城街道,pawnshop`,
      `${fresh[0]},重复行公司,西城街道,pawnshop`,
    ].join('\n');
    const before = await system.db.entity.count();
    const dryRun = await call(system.baseUrl, 'POST', '/entities/import', { format: 'csv', content: csv, dryRun: true });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body).toMatchObject({ applied: false, created: 1, updated: 1 });
    expect(dryRun.body.refused).toEqual([
      expect.objectContaining({ line: 4, field: 'uscc' }),
      expect.objectContaining({ line: 5, field: 'name' }),
      expect.objectContaining({ line: 6, field: 'uscc', reason: expect.stringContaining('第 2 行') }),
    ]);
    expect(await system.db.entity.count()).toBe(before);

    const applied = await call(system.baseUrl, 'POST', '/entities/import', { format: 'csv', content: csv, dryRun: false });
    expect(applied.body).toMatchObject({ applied: true, created: 1, updated: 1 });
    expect(await system.db.entity.count()).toBe(before + 1);
    expect((await system.db.entity.findUniqueOrThrow({ where: { uscc: existing.body.uscc } })).name).toBe('新名称有限公司');
  });

  it('R1 a file without the credit-code column is refused as a whole', async () => {
    const answer = await call(system.baseUrl, 'POST', '/entities/import', { format: 'csv', content: '名称\n某公司', dryRun: true });
    expect(answer.body.refused).toEqual([expect.objectContaining({ line: 1, field: 'uscc' })]);
  });

  it('R1 the directory exports as XLSX and CSV, and the export imports back unchanged', async () => {
    const xlsx = await fetch(`${system.baseUrl}/entities/export?format=xlsx`, { headers: { ...testUsers.coordinator.headers } });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const content = Buffer.from(await xlsx.arrayBuffer()).toString('base64');
    const again = await call(system.baseUrl, 'POST', '/entities/import', { format: 'xlsx', content, dryRun: true });
    expect(again.body).toMatchObject({ created: 0, updated: 0, refused: [] });
    expect(again.body.unchanged).toBe(await system.db.entity.count());

    const csv = await fetch(`${system.baseUrl}/entities/export?format=csv`, { headers: { ...testUsers.coordinator.headers } });
    expect((await csv.text()).split('\n')[0]).toContain('统一社会信用代码');
  });

  it('R1 the directory is searchable by name or code, filterable and paginated', async () => {
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '唯一可查的拍卖行', street: '薛埠镇' });
    const byName = await call(system.baseUrl, 'GET', `/entities?q=${encodeURIComponent('唯一可查')}`);
    expect(byName.body.items.map((entity: { id: string }) => entity.id)).toEqual([created.body.id]);
    const byCode = await call(system.baseUrl, 'GET', `/entities?q=${created.body.uscc.toLowerCase()}`);
    expect(byCode.body.total).toBe(1);
    const page = await call(system.baseUrl, 'GET', '/entities?pageSize=2&page=1&sort=name');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
  });
});

describe('R1 R6 the directory keeps each entity\'s status history and risk flags', () => {
  it('R1 a status change is recorded with who, when, from, to and why; the history stays when the entity leaves the market', async () => {
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛某汽车销售服务有限公司' });
    await call(system.baseUrl, 'POST', `/entities/${created.body.id}/legal-status`, { legalStatus: 'revoked', reason: '被吊销营业执照（市场监管局公告）' });
    const read = await call(system.baseUrl, 'GET', `/entities/${created.body.id}`);
    expect(read.body.statusChanges).toEqual([
      expect.objectContaining({ fromStatus: 'operating', toStatus: 'revoked', reason: '被吊销营业执照（市场监管局公告）', changedBy: testUsers.coordinator.id }),
    ]);
  });

  it('R6 a noted risk flag keeps its source, feeds the draw\'s pool, and once cleared stays in the history', async () => {
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛某加油站', category: 'refined_oil_retailer', street: '指前镇' });
    const noted = await call(system.baseUrl, 'POST', `/entities/${created.body.id}/risk-flags`, { flag: 'safety_hazard', source: '应急管理局通报 2026-11' });
    expect(noted.status, JSON.stringify(noted.body)).toBe(200);
    expect(noted.body.riskFlags).toEqual([expect.objectContaining({ flag: 'safety_hazard', source: '应急管理局通报 2026-11', clearedAt: null })]);
    expect((await call(system.baseUrl, 'POST', `/entities/${created.body.id}/risk-flags`, { flag: 'safety_hazard', source: '重复' })).status).toBe(409);

    const { freezeSnapshot } = await import('../../activities/draws');
    const pool = await freezeSnapshot(system.db, { streets: ['指前镇'], categories: ['refined_oil_retailer'] });
    expect(pool.targets.find((target) => target.id === created.body.id)?.riskFlags).toEqual(['safety_hazard']);

    const cleared = await call(system.baseUrl, 'POST', `/entities/${created.body.id}/risk-flags/clear`, { flag: 'safety_hazard', reason: '隐患已整改销号' });
    expect(cleared.body.riskFlags).toEqual([expect.objectContaining({ flag: 'safety_hazard', clearedAt: expect.any(String) })]);
    const after = await freezeSnapshot(system.db, { streets: ['指前镇'], categories: ['refined_oil_retailer'] });
    expect(after.targets.find((target) => target.id === created.body.id)?.riskFlags).toEqual([]);
  });
});
