// Directory files as the bureau's staff have them (R1, R2, R3): uploaded as files, in the encodings and layouts
// Chinese Excel and WPS write, with the faults people make; and the entity categories as a managed list.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractViolation } from '../support/contract';
import { validUscc } from '../support/entities';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('directory-files');
});

afterAll(async () => {
  await system?.stop();
});

/** The file as a browser uploads it: multipart/form-data with the fields `file` and `dryRun`. */
async function upload(path: string, bytes: Buffer, fileName: string, dryRun: boolean) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  form.append('dryRun', String(dryRun));
  const response = await fetch(`${system.baseUrl}${path}`, { method: 'POST', headers: testUsers.coordinator.headers, body: form });
  const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: (await response.json()) as any };
  const violation = await contractViolation(system.baseUrl, 'POST', path, answer);
  if (violation) throw new Error(violation);
  return answer;
}

async function xlsx(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A credit code whose check character is wrong. */
const wrongCheck = (uscc: string) => uscc.slice(0, 17) + (uscc[17] === 'X' ? 'Y' : 'X');

describe('R1 R2 directory files as staff have them', () => {
  it('R1 a GB18030 CSV from Chinese Excel, uploaded as a file, imports correctly with its line numbers intact around a blank row', async () => {
    const [first, second, third, fourth] = [validUscc(), validUscc(), validUscc(), validUscc()];
    const csv = [
      '统一社会信用代码,名称,街道镇,类别,风险等级',
      `${first},金坛区尧塘加油站有限公司,尧塘街道,成品油零售经营企业,高`,
      ',,,,',
      `${second},常州市金坛区某典当有限公司,金城镇,pawnshop,低`,
      `${wrongCheck(third)},校验码错误的企业,儒林镇,pawnshop,`,
      `${fourth},金坛区某餐馆,西城街道,餐饮服务,`,
    ].join('\r\n');
    const bytes = iconv.encode(csv, 'gb18030');
    expect(bytes.includes(Buffer.from('尧塘', 'utf8'))).toBe(false);

    const dryRun = await upload('/entities/import', bytes, '检查对象.csv', true);
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body).toMatchObject({ dryRun: true, created: 2 });
    expect(dryRun.body.refused).toEqual([
      { line: 5, field: 'uscc', column: '统一社会信用代码', reason: expect.stringContaining('校验码') },
      { line: 6, field: 'category', column: '类别', reason: expect.stringContaining('未知的类别“餐饮服务”') },
    ]);
    expect(dryRun.body.preview.create.map((row: { line: number }) => row.line)).toEqual([2, 4]);
    expect(await system.db.entity.findUnique({ where: { uscc: first } })).toBeNull();

    const applied = await upload('/entities/import', bytes, '检查对象.csv', false);
    expect(applied.body).toMatchObject({ applied: true, created: 2 });
    expect(await system.db.entity.findUniqueOrThrow({ where: { uscc: first } })).toMatchObject({ name: '金坛区尧塘加油站有限公司', category: 'refined_oil_retailer', riskLevel: 'high' });
    expect(await system.db.entity.findUniqueOrThrow({ where: { uscc: second } })).toMatchObject({ street: '金城镇', riskLevel: 'low' });
  });

  it('R2 an XLSX with a merged title row, a second sheet, Excel date serials, YYYY/MM/DD dates and full-width codes is read as meant, and what was left out is said', async () => {
    const stamp = Date.now().toString().slice(-6);
    const [a, b, c] = [`3204821${stamp}1`, `3204821${stamp}2`, `3204821${stamp}3`];
    const file = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet('执法人员');
      sheet.addRow(['金坛区商务局2026年执法人员名录']);
      sheet.mergeCells('A1:D1');
      sheet.addRow(['执法证号', '姓名', '性别', '执法证有效期至']);
      sheet.addRow([Number(a), '王伟', '男', 47848]);
      sheet.addRow([]);
      sheet.addRow([b.replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0)), '李芳', '女', '2030/12/31']);
      sheet.addRow([c, '张强', '', '2031年6月30日']);
      workbook.addWorksheet('填表说明').addRow(['执法证号请填写完整']);
    });
    const report = await upload('/officers/import', file, '执法人员.xlsx', false);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toMatchObject({ created: 3, refused: [] });
    expect(report.body.warnings).toEqual([expect.stringContaining('“填表说明”'), expect.stringContaining('表头在第 2 行')]);
    expect(report.body.preview.create.map((row: { line: number }) => row.line)).toEqual([3, 5, 6]);
    const stored = await system.db.officer.findMany({ where: { certificateNumber: { in: [a, b, c] } }, orderBy: { certificateNumber: 'asc' } });
    expect(stored.map((officer) => [officer.certificateNumber, officer.gender, officer.certificateValidUntil.toISOString().slice(0, 10)])).toEqual([
      [a, 'male', '2030-12-31'],
      [b, 'female', '2030-12-31'],
      [c, null, '2031-06-30'],
    ]);
  });

  it('R1 a credit code that reached the file as a number is explained as such; a file without a header says what a header is', async () => {
    const file = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet('Sheet1');
      sheet.addRow(['统一社会信用代码', '名称']);
      sheet.addRow([913204820000000000, '数字格式的代码']);
    });
    const report = await upload('/entities/import', file, 'entities.xlsx', true);
    expect(report.body.refused).toEqual([{ line: 2, field: 'uscc', column: '统一社会信用代码', reason: expect.stringContaining('数字格式') }]);

    const headless = await upload('/entities/import', Buffer.from(`${validUscc()},某公司\n`), 'entities.csv', true);
    expect(headless.body.refused).toEqual([{ line: 1, field: 'file', column: '文件', reason: expect.stringContaining('没有找到表头') }]);
  });

  it('R1 R2 R3 each directory has a template: its header and one example row, in the file an import reads', async () => {
    for (const path of ['/entities', '/officers', '/inspection-items']) {
      const response = await fetch(`${system.baseUrl}${path}/import-template?format=csv`, { headers: testUsers.coordinator.headers });
      expect(response.status).toBe(200);
      const [header, example] = (await response.text()).replace(/^\ufeff/, '').trim().split('\n');
      expect(header!.split(',').length).toBe(example!.split(',').length);
      const workbook = new ExcelJS.Workbook();
      const template = await fetch(`${system.baseUrl}${path}/import-template?format=xlsx`, { headers: testUsers.coordinator.headers });
      await workbook.xlsx.load(await template.arrayBuffer());
      expect(workbook.worksheets[0]!.getRow(1).getCell(1).text).toBe(header!.split(',')[0]);
    }
  });
});

describe('R1 R3 entity categories are the bureau\'s managed list', () => {
  it('R1 an unknown category is refused naming the field; a category is given by its code or Chinese name and kept as its code', async () => {
    const refused = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛区某餐馆', category: '餐饮服务' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'body.category', message: expect.stringContaining('未知的类别“餐饮服务”') }]);
    const byName = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛区某拍卖行', category: '拍卖企业' });
    expect(byName.status, JSON.stringify(byName.body)).toBe(201);
    expect(byName.body.category).toBe('auctioneer');

    const list = await call(system.baseUrl, 'GET', '/entity-categories');
    expect(list.body.items).toContainEqual({ code: 'refined_oil_retailer', name: '成品油零售经营企业', nameEn: 'refined oil retailer' });
    const added = await call(system.baseUrl, 'POST', '/entity-categories', { code: 'catering', name: '餐饮服务企业', nameEn: 'catering' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect((await call(system.baseUrl, 'POST', '/entity-categories', { code: 'catering_2', name: '餐饮服务企业', nameEn: 'catering' })).status).toBe(409);
    expect((await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛区某餐馆', category: '餐饮服务企业' })).body.category).toBe('catering');
  });

  it('R3 an inspection item names categories from the list', async () => {
    const refused = await call(system.baseUrl, 'POST', '/inspection-items', { code: 'SW-CY-01', name: '某事项', legalBasis: '某依据', categories: ['餐馆'] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'body.categories', message: expect.stringContaining('未知的类别“餐馆”') }]);
    expect(await system.db.inspectionItem.findUnique({ where: { code: 'SW-CY-01' } })).toBeNull();
    const created = await call(system.baseUrl, 'POST', '/inspection-items', { code: 'SW-CY-02', name: '某事项', legalBasis: '某依据', categories: ['典当企业'] });
    expect(created.body.categories).toEqual(['pawnshop']);
  });
});
