// Bulk import and export of the target directory (R1) in CSV and XLSX. A dry run says what would be created,
// updated or refused (line, field, reason); applying writes every accepted row in one transaction, or nothing.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { Db } from '../db/client';
import { checkUscc } from '../domain/uscc';

export type TableFormat = 'csv' | 'xlsx';

/** Columns as the bureau's spreadsheets name them, Chinese first; English headers are accepted too. */
export const entityColumns = [
  { field: 'uscc', zh: '统一社会信用代码', required: true },
  { field: 'name', zh: '名称', required: true },
  { field: 'legalRepresentative', zh: '法定代表人', required: false },
  { field: 'address', zh: '地址', required: false },
  { field: 'street', zh: '街道镇', required: false },
  { field: 'category', zh: '类别', required: false },
  { field: 'grade', zh: '分级', required: false },
  { field: 'riskLevel', zh: '风险等级', required: false },
] as const;
type EntityField = (typeof entityColumns)[number]['field'];

export interface RefusedRow {
  line: number;
  field: string;
  reason: string;
}

export interface ImportPlan {
  create: Array<Record<EntityField, string | null>>;
  update: Array<Record<EntityField, string | null> & { id: string }>;
  unchanged: number;
  refused: RefusedRow[];
}

async function readRows(format: TableFormat, content: Buffer): Promise<string[][]> {
  if (format === 'csv') return parseCsv(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet?.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(values.map((value) => (value === null || value === undefined ? '' : typeof value === 'object' && 'text' in (value as object) ? String((value as { text: unknown }).text) : String(value))));
  });
  return rows;
}

export async function planEntityImport(db: Db, format: TableFormat, content: Buffer): Promise<ImportPlan> {
  const plan: ImportPlan = { create: [], update: [], unchanged: 0, refused: [] };
  let rows: string[][];
  try {
    rows = await readRows(format, content);
  } catch (error) {
    plan.refused.push({ line: 1, field: 'file', reason: `无法读取 ${format.toUpperCase()} 文件 / cannot read the ${format.toUpperCase()} file: ${(error as Error).message}` });
    return plan;
  }
  const [header = [], ...body] = rows;
  const position = new Map<EntityField, number>();
  for (const column of entityColumns) {
    const index = header.findIndex((title) => [column.zh as string, column.field as string].includes(String(title).trim()));
    if (index >= 0) position.set(column.field, index);
    else if (column.required) plan.refused.push({ line: 1, field: column.field, reason: `缺少列“${column.zh}” / missing column "${column.field}"` });
  }
  if (plan.refused.length > 0) return plan;

  const parsed = body.map((cells, index) => {
    const record = Object.fromEntries(
      entityColumns.map(({ field }) => {
        const value = position.has(field) ? String(cells[position.get(field)!] ?? '').trim() : '';
        return [field, value === '' ? null : value];
      }),
    ) as Record<EntityField, string | null>;
    return { line: index + 2, record };
  });
  const existing = new Map(
    (await db.entity.findMany({ where: { uscc: { in: parsed.map((row) => (row.record.uscc ?? '').toUpperCase()) } } })).map((entity) => [entity.uscc, entity]),
  );
  const seen = new Map<string, number>();
  for (const { line, record } of parsed) {
    const check = checkUscc(record.uscc ?? '');
    if (!record.uscc) { plan.refused.push({ line, field: 'uscc', reason: '必填 / required' }); continue; }
    if (!check.valid) { plan.refused.push({ line, field: 'uscc', reason: check.message }); continue; }
    if (!record.name) { plan.refused.push({ line, field: 'name', reason: '必填 / required' }); continue; }
    const tooLong = entityColumns.find(({ field }) => (record[field]?.length ?? 0) > 300);
    if (tooLong) { plan.refused.push({ line, field: tooLong.field, reason: '最多 300 字 / at most 300 characters' }); continue; }
    if (record.grade && !['A', 'B', 'C', 'D'].includes(record.grade)) { plan.refused.push({ line, field: 'grade', reason: '应为 A、B、C 或 D / must be A, B, C or D' }); continue; }
    if (record.riskLevel && !['low', 'medium', 'high'].includes(record.riskLevel)) { plan.refused.push({ line, field: 'riskLevel', reason: '应为 low、medium 或 high / must be low, medium or high' }); continue; }
    if (seen.has(check.uscc)) { plan.refused.push({ line, field: 'uscc', reason: `与第 ${seen.get(check.uscc)} 行重复 / repeats line ${seen.get(check.uscc)}` }); continue; }
    seen.set(check.uscc, line);
    const normalised = { ...record, uscc: check.uscc };
    const current = existing.get(check.uscc);
    if (!current) plan.create.push(normalised);
    else if (entityColumns.some(({ field }) => field !== 'uscc' && normalised[field] !== null && normalised[field] !== current[field])) {
      plan.update.push({ ...normalised, id: current.id });
    } else plan.unchanged += 1;
  }
  return plan;
}

/** Writes every accepted row in one transaction: all of them, or (on any failure) none. */
export async function applyEntityImport(db: Db, plan: ImportPlan): Promise<void> {
  const fields = (record: Record<EntityField, string | null>) =>
    Object.fromEntries(entityColumns.filter(({ field }) => field !== 'uscc' && record[field] !== null).map(({ field }) => [field, record[field]]));
  await db.$transaction(async (tx) => {
    await tx.entity.createMany({ data: plan.create.map((record) => ({ id: randomUUID(), uscc: record.uscc!, name: record.name!, ...fields(record) })) });
    for (const record of plan.update) await tx.entity.update({ where: { id: record.id }, data: fields(record) });
  }, { timeout: 120_000 });
}

export async function exportEntities(db: Db, format: TableFormat): Promise<Buffer> {
  const entities = await db.entity.findMany({ orderBy: { uscc: 'asc' } });
  const header = [...entityColumns.map((column) => column.zh), '法律状态'];
  const rows = entities.map((entity) => [...entityColumns.map(({ field }) => entity[field] ?? ''), entity.legalStatus]);
  if (format === 'csv') return Buffer.from(`\ufeff${stringifyCsv([header, ...rows])}`, 'utf8');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('检查对象名录');
  sheet.addRows([header, ...rows]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
