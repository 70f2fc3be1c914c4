// Bulk import and export of the directories (R1 entities, R2 officers, R3 inspection items) in CSV and XLSX.
// One flow for all three: a dry run says what would be created, updated or refused (line, field, reason);
// applying writes every accepted row in one transaction, or nothing. Each directory only says what its
// columns are, which model keeps it and which unique column a row is known by.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { Prisma } from '@prisma/client';
import type { z } from 'zod';
import type { Db } from '../db/client';

export type TableFormat = 'csv' | 'xlsx';

/**
 * A column as the bureau's spreadsheets name it, Chinese first; the field name is accepted as a header too.
 * `list` cells hold several values (separated by ；;、，,), `number` and `date` cells one of those.
 */
export interface Column<Current> {
  field: keyof Current & string;
  zh: string;
  type?: 'text' | 'list' | 'number' | 'date';
}

/** As much of a Prisma model as imports and exports use; `Create` is the model's create-many input. */
export interface Table<Current, Create> {
  findMany(args: { where?: object; orderBy?: object }): Promise<Current[]>;
  createMany(args: { data: Create[] }): Promise<unknown>;
  update(args: { where: object; data: object }): Promise<unknown>;
}

export interface Directory<Current, Create> {
  /** What the directory is called: the exported sheet's name, and the routes' summaries. */
  title: { zh: string; en: string };
  /** The model its rows are kept in, read and written in or out of a transaction. */
  table(client: Prisma.TransactionClient): Table<Current, Create>;
  /** The unique column a row is known by: a file names each at most once, and a known one is updated. */
  key: keyof Current & string;
  /** A new row gets a generated id (the item list is keyed by its code alone). */
  generatedId: boolean;
  columns: ReadonlyArray<Column<Current>>;
  /** Columns an export shows but an import ignores: state changed only through its own endpoint. */
  exportOnly?: ReadonlyArray<{ zh: string; value(current: Current): string }>;
  /** What else an update changes, in the same transaction. */
  afterUpdate?(tx: Prisma.TransactionClient, current: Current, changes: Record<string, unknown>, actor: string): Promise<void>;
}

export interface RefusedRow {
  line: number;
  field: string;
  reason: string;
}

type Json = Prisma.InputJsonValue | null;

export interface ImportPlan<Current> {
  create: Array<{ line: number; key: string; data: Record<string, unknown> }>;
  update: Array<{ line: number; key: string; current: Current; data: Record<string, unknown>; before: Record<string, Json>; after: Record<string, Json> }>;
  unchanged: number;
  refused: RefusedRow[];
}

const LIST_SEPARATOR = /[;；、,，\n]/;
const required = '必填 / required';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    // Rich text, hyperlinks and formulas: what the cell shows.
    if ('richText' in value) return (value as { richText: Array<{ text: string }> }).richText.map((run) => run.text).join('');
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('result' in value) return cellText((value as { result: unknown }).result);
  }
  return String(value);
}

// A CSV cell that starts like a formula would run as one when a spreadsheet opens the file (CSV injection):
// it is written behind a quote mark, which a spreadsheet shows as text and an import takes off again.
const FORMULA_START = /^[=+\-@\t\r]/;
const neutralised = (cell: string) => (FORMULA_START.test(cell) ? `'${cell}` : cell);
const restored = (cell: string) => (cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell);

async function readTable(format: TableFormat, content: Buffer): Promise<string[][]> {
  if (format === 'csv') return (parseCsv(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][]).map((row) => row.map(restored));
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]?.eachRow({ includeEmpty: false }, (row) => {
    rows.push((row.values as unknown[]).slice(1).map(cellText));
  });
  return rows;
}

export async function writeTable(format: TableFormat, sheet: string, rows: string[][]): Promise<Buffer> {
  // The BOM makes Excel read the CSV as UTF-8.
  if (format === 'csv') return Buffer.from(`\ufeff${stringifyCsv(rows.map((row) => row.map(neutralised)))}`, 'utf8');
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet(sheet).addRows(rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A database value as the file, the audit log and the preview show it. */
function shown(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value as Prisma.InputJsonValue;
}

const same = (a: unknown, b: unknown) => JSON.stringify(shown(a)) === JSON.stringify(shown(b));

/** A cell as the row schema expects it; an unreadable number stays text so the schema names the problem. */
function cellValue(type: Column<unknown>['type'], cell: string): unknown {
  if (type === 'list') return cell.split(LIST_SEPARATOR).map((part) => part.trim()).filter(Boolean);
  if (type === 'number') return Number.isFinite(Number(cell)) ? Number(cell) : cell;
  return cell;
}

/** A validated row's fields as the table stores them. */
function stored<Current>(columns: ReadonlyArray<Column<Current>>, row: Record<string, unknown>, fields: Iterable<string>): Record<string, unknown> {
  const types = new Map(columns.map((column) => [column.field as string, column.type]));
  return Object.fromEntries(
    [...fields].filter((field) => row[field] !== undefined).map((field) => [field, types.get(field) === 'date' ? new Date(String(row[field])) : row[field]]),
  );
}

/** The first problem the schema found, with "required" for an empty cell rather than the schema's type error. */
function firstIssue(issues: z.core.$ZodIssue[], given: Set<string>): Omit<RefusedRow, 'line'> {
  const issue = issues[0]!;
  const field = issue.path.map(String).join('.') || 'row';
  return { field, reason: issue.path.length === 1 && !given.has(field) ? required : issue.message };
}

/**
 * What importing the file would do. Each row is checked with the schema of the directory's create endpoint;
 * an empty cell leaves a known row's value as it is. The first problem of a row refuses it.
 */
export async function planImport<Current, Create>(
  db: Db,
  directory: Directory<Current, Create>,
  schema: z.ZodObject,
  format: TableFormat,
  content: Buffer,
): Promise<ImportPlan<Current>> {
  const plan: ImportPlan<Current> = { create: [], update: [], unchanged: 0, refused: [] };
  let table: string[][];
  try {
    table = await readTable(format, content);
  } catch (error) {
    const name = format.toUpperCase();
    plan.refused.push({ line: 1, field: 'file', reason: `无法读取 ${name} 文件 / cannot read the ${name} file: ${(error as Error).message}` });
    return plan;
  }
  const [header = [], ...body] = table;
  const position = new Map<Column<Current>, number>();
  for (const column of directory.columns) {
    const index = header.findIndex((title) => [column.zh, column.field].includes(String(title).trim()));
    if (index >= 0) position.set(column, index);
    else if (!schema.shape[column.field]!.safeParse(undefined).success) {
      plan.refused.push({ line: 1, field: column.field, reason: `缺少列“${column.zh}” / missing column "${column.field}"` });
    }
  }
  if (plan.refused.length > 0) return plan;

  const accepted: Array<{ line: number; key: string; row: Record<string, unknown>; given: Set<string> }> = [];
  const seen = new Map<string, number>();
  body.forEach((cells, index) => {
    const line = index + 2;
    const input: Record<string, unknown> = {};
    for (const [column, at] of position) {
      const cell = String(cells[at] ?? '').trim();
      if (cell !== '') input[column.field] = cellValue(column.type, cell);
    }
    const given = new Set(Object.keys(input));
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      plan.refused.push({ ...firstIssue(parsed.error.issues, given), line });
      return;
    }
    const key = String(parsed.data[directory.key]);
    const first = seen.get(key);
    if (first !== undefined) {
      plan.refused.push({ line, field: directory.key, reason: `与第 ${first} 行重复 / repeats line ${first}` });
      return;
    }
    seen.set(key, line);
    accepted.push({ line, key, row: parsed.data, given });
  });

  const existing = new Map(
    (await directory.table(db).findMany({ where: { [directory.key]: { in: accepted.map((row) => row.key) } } })).map((current) => [String(current[directory.key]), current]),
  );
  for (const { line, key, row, given } of accepted) {
    const current = existing.get(key);
    if (!current) {
      plan.create.push({ line, key, data: stored(directory.columns, row, Object.keys(row)) });
      continue;
    }
    const was = current as Record<string, unknown>;
    const data = Object.fromEntries(Object.entries(stored(directory.columns, row, given)).filter(([field, value]) => !same(value, was[field])));
    if (Object.keys(data).length === 0) {
      plan.unchanged += 1;
      continue;
    }
    const before = Object.fromEntries(Object.keys(data).map((field) => [field, shown(was[field])]));
    const after = Object.fromEntries(Object.entries(data).map(([field, value]) => [field, shown(value)]));
    plan.update.push({ line, key, current, data, before, after });
  }
  return plan;
}

/** Writes every accepted row in one transaction: all of them, or (on any failure) none. */
export async function applyImport<Current, Create>(db: Db, directory: Directory<Current, Create>, plan: ImportPlan<Current>, actor: string): Promise<void> {
  const { key, generatedId } = directory;
  await db.$transaction(
    async (tx) => {
      for (const { current, data } of plan.update) {
        await directory.table(tx).update({ where: { [key]: current[key] }, data });
        await directory.afterUpdate?.(tx, current, data, actor);
      }
      // Each row passed the create endpoint's schema, so it is what the model takes.
      const rows = plan.create.map(({ data }) => (generatedId ? { ...data, id: randomUUID() } : data)) as Create[];
      if (rows.length > 0) await directory.table(tx).createMany({ data: rows });
    },
    { timeout: 120_000 },
  );
}

/** The answer to an import: counts, every refused row, and the first rows of what changes. */
export function importReport(plan: ImportPlan<unknown>, dryRun: boolean) {
  return {
    dryRun,
    applied: !dryRun,
    created: plan.create.length,
    updated: plan.update.length,
    unchanged: plan.unchanged,
    refused: plan.refused,
    preview: {
      create: plan.create.slice(0, 100).map(({ line, key, data }) => ({ line, key, row: Object.fromEntries(Object.entries(data).map(([field, value]) => [field, shown(value)])) })),
      update: plan.update.slice(0, 100).map(({ line, key, before, after }) => ({ line, key, before, after })),
    },
  };
}

/** What the audit log keeps of an applied import: each created key, and each update's before and after (R20). */
export function importAudit(plan: ImportPlan<unknown>, dryRun: boolean): Prisma.InputJsonObject {
  if (dryRun) return { dryRun, created: plan.create.length, updated: plan.update.length, refused: plan.refused.length };
  return {
    dryRun,
    created: plan.create.map((row) => row.key),
    updated: plan.update.map(({ key, before, after }) => ({ key, before, after })),
    refused: plan.refused.length,
  };
}

export async function exportDirectory<Current, Create>(db: Db, directory: Directory<Current, Create>, format: TableFormat): Promise<Buffer> {
  const header = [...directory.columns.map((column) => column.zh), ...(directory.exportOnly ?? []).map((column) => column.zh)];
  const rows = (await directory.table(db).findMany({ orderBy: { [directory.key]: 'asc' } })).map((current) => [
    ...directory.columns.map(({ field, type }) => {
      const value = (current as Record<string, unknown>)[field];
      return type === 'list' && Array.isArray(value) ? value.join('；') : String(shown(value) ?? '');
    }),
    ...(directory.exportOnly ?? []).map((column) => column.value(current)),
  ]);
  return writeTable(format, directory.title.zh, [header, ...rows]);
}
