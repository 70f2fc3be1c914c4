// Bulk import and export of the directories (R1 entities, R2 officers, R3 inspection items) in CSV and XLSX.
// One flow for all three: a dry run says what would be created, updated or refused (line, field, reason);
// applying writes every accepted row in one transaction, or nothing. Each directory only says what its
// columns are, which model keeps it and which unique column a row is known by.
import { randomUUID } from 'node:crypto';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { Prisma } from '@prisma/client';
import type { z } from 'zod';
import type { Db, DbTransaction } from '../db/client';
import { excel, readTableFile, UnreadableFile, type Sheet, type SheetRow, type TableFormat } from './tableFile';

export type { TableFormat } from './tableFile';

/**
 * A column as the bureau's spreadsheets name it, Chinese first; the field name is accepted as a header too.
 * `list` cells hold several values (separated by ；;、，,), `number` and `date` cells one of those.
 */
export interface Column<Current> {
  field: keyof Current & string;
  zh: string;
  type?: 'text' | 'list' | 'number' | 'date';
  /** A code (credit code, certificate number, item code): full-width characters are made half-width (NFKC). */
  code?: boolean;
  /** Words a person writes for a stored value (高 → high), from the vocabulary the pages show. */
  labels?: Readonly<Record<string, string>>;
  /** The same from a list kept in the database (category names → codes): exports write the words. */
  wordsFrom?(db: Db): Promise<Readonly<Record<string, string>>>;
  /** What the template's example row holds. */
  example?: string;
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
  table(client: DbTransaction): Table<Current, Create>;
  /** The unique column a row is known by: a file names each at most once, and a known one is updated. */
  key: keyof Current & string;
  /** A new row gets a generated id (the item list is keyed by its code alone). */
  generatedId: boolean;
  columns: ReadonlyArray<Column<Current>>;
  /** Columns an export shows but an import ignores: state changed only through its own endpoint. */
  exportOnly?: ReadonlyArray<{ zh: string; value(current: Current): string }>;
  /** What else an update changes, in the same transaction. */
  afterUpdate?(tx: DbTransaction, current: Current, changes: Record<string, unknown>, actor: string): Promise<void>;
  /**
   * Checks a schema cannot make (a value from a list kept in the database): prepared once per file, it answers
   * the refusal of a row, if any.
   */
  rowCheck?(db: Db): Promise<(row: Record<string, unknown>) => Omit<RefusedRow, 'line'> | undefined>;
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
  /** What the reader should know that refuses no row: another sheet left out, a title row above the header. */
  warnings: string[];
}

const LIST_SEPARATOR = /[;；、,，\n]/;
const required = '必填 / required';

// A CSV cell that starts like a formula would run as one when a spreadsheet opens the file (CSV injection):
// it is written behind a quote mark, which a spreadsheet shows as text and an import takes off again.
const FORMULA_START = /^[=+\-@\t\r]/;
const neutralised = (cell: string) => (FORMULA_START.test(cell) ? `'${cell}` : cell);
const restored = (cell: string) => (cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell);

export async function writeTable(format: TableFormat, sheet: string, rows: string[][]): Promise<Buffer> {
  // The BOM makes Excel read the CSV as UTF-8.
  if (format === 'csv') return Buffer.from(`\ufeff${stringifyCsv(rows.map((row) => row.map(neutralised)))}`, 'utf8');
  const workbook = new (await excel()).Workbook();
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

/** Excel counts days from 1899-12-30 (its 1900 leap-year bug included): 47848 is 2030-12-31. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A date as people type it — 2030-12-31, 2030/12/31, 2030.12.31, 2030年12月31日, or an Excel date serial — as YYYY-MM-DD. */
export function dateCell(cell: string): string {
  const parts = cell.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/);
  if (parts) return `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}`;
  if (/^\d{1,6}(\.\d+)?$/.test(cell) && Number(cell) >= 1 && Number(cell) < 2_958_466) {
    return new Date(EXCEL_EPOCH + Math.floor(Number(cell)) * 86_400_000).toISOString().slice(0, 10);
  }
  return cell;
}

/** A cell as the row schema expects it; an unreadable number stays text so the schema names the problem. */
function cellValue(column: Column<unknown>, cell: string): unknown {
  const labelled = (value: string) => column.labels?.[value] ?? value;
  if (column.type === 'list') return cell.split(LIST_SEPARATOR).map((part) => labelled(part.trim())).filter(Boolean);
  if (column.type === 'number') return Number.isFinite(Number(cell)) ? Number(cell) : cell;
  if (column.type === 'date') return dateCell(cell);
  if (column.code) return cell.normalize('NFKC').replace(/\s+/g, '');
  return labelled(cell);
}

/** A code that reached the file as a number: Excel keeps 15 significant digits and may show 9.13E+17. */
const numberShaped = (cell: string) => /^\d+(\.\d+)?(E\+?\d+)?$/i.test(cell);
const numericCodeReason = (cell: string) =>
  `该单元格是数字格式（${cell}），Excel 只保留 15 位有效数字，代码可能已丢失位数：请把此列设为“文本”格式并重新录入 / ` +
  `the cell holds a number (${cell}): Excel keeps 15 significant digits, so the code may have lost some; format the column as text and enter the codes again`;

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
const HEADER_SEARCH_ROWS = 10;

const titleOf = <Current>(column: Column<Current>, title: string) => [column.zh, column.field].includes(title.trim());

/** The header: of the first ten rows, the one naming most of the directory's columns (the first of equals); -1 if none names any. */
function findHeader<Current>(directory: Directory<Current, unknown>, rows: SheetRow[]): number {
  let best = -1;
  let bestCount = 0;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, index) => {
    const count = directory.columns.filter((column) => row.cells.some((cell) => titleOf(column, String(cell)))).length;
    if (count > bestCount) [best, bestCount] = [index, count];
  });
  return best;
}

/**
 * The sheet to read (the first whose header is found, else the first) and, in the file's own words, what the
 * reader should know about the others.
 */
function chooseSheet<Current>(directory: Directory<Current, unknown>, sheets: Sheet[], warnings: string[]): Sheet | undefined {
  const chosen = sheets.find((sheet) => findHeader(directory, sheet.rows) >= 0) ?? sheets[0];
  const others = sheets.filter((sheet) => sheet !== chosen && sheet.rows.length > 0).map((sheet) => `“${sheet.name}”`);
  if (chosen && others.length > 0) {
    warnings.push(`只导入了工作表“${chosen.name}”；工作表${others.join('、')}未导入 / only the sheet "${chosen.name}" was imported; ${others.join(', ')} ${others.length > 1 ? 'were' : 'was'} not`);
  }
  return chosen;
}

/**
 * What importing the file would do. Each row is checked with the schema of the directory's create endpoint;
 * an empty cell leaves a known row's value as it is. The first problem of a row refuses it. Lines are the file's
 * own, blank rows skipped but counted.
 */
export async function planImport<Current, Create>(
  db: Db,
  directory: Directory<Current, Create>,
  schema: z.ZodObject,
  content: Buffer,
): Promise<ImportPlan<Current>> {
  const plan: ImportPlan<Current> = { create: [], update: [], unchanged: 0, refused: [], warnings: [] };
  let sheets: Sheet[];
  try {
    sheets = (await readTableFile(content, restored)).sheets;
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    plan.refused.push({ line: 1, field: 'file', reason: error.message });
    return plan;
  }
  const sheet = chooseSheet(directory as Directory<Current, unknown>, sheets, plan.warnings);
  const rows = sheet?.rows ?? [];
  const headerAt = findHeader(directory as Directory<Current, unknown>, rows);
  if (headerAt < 0) {
    const expected = directory.columns.map((column) => column.zh).join('、');
    const line = rows[0]?.line ?? 1;
    plan.refused.push({
      line,
      field: 'file',
      reason:
        rows.length === 0
          ? '文件中没有数据 / the file holds no rows'
          : `没有找到表头：前 ${HEADER_SEARCH_ROWS} 行中没有一行含有列名。表头是一行列名：${expected}（可下载导入模板）/ ` +
            `no header found: none of the first ${HEADER_SEARCH_ROWS} lines names a column. The header is one line of column names (download the import template)`,
    });
    return plan;
  }
  const header = rows[headerAt]!;
  if (headerAt > 0) {
    plan.warnings.push(
      `表头在第 ${header.line} 行，其上的 ${rows.slice(0, headerAt).map((row) => `第 ${row.line} 行（${row.cells.find((cell) => cell.trim())?.trim()}）`).join('、')}作为标题未导入 / ` +
        `the header is on line ${header.line}; the title above it was not imported`,
    );
  }
  const position = new Map<Column<Current>, number>();
  for (const column of directory.columns) {
    const index = header.cells.findIndex((title) => titleOf(column, String(title)));
    if (index >= 0) position.set(column, index);
    else if (!schema.shape[column.field]!.safeParse(undefined).success) {
      plan.refused.push({ line: header.line, field: column.field, reason: `缺少列“${column.zh}” / missing column "${column.field}"` });
    }
  }
  if (plan.refused.length > 0) return plan;

  const check = await directory.rowCheck?.(db);
  const accepted: Array<{ line: number; key: string; row: Record<string, unknown>; given: Set<string> }> = [];
  const seen = new Map<string, number>();
  for (const { line, cells, numeric } of rows.slice(headerAt + 1)) {
    const input: Record<string, unknown> = {};
    const asNumber = new Map<string, string>();
    for (const [column, at] of position) {
      const cell = String(cells[at] ?? '').trim();
      if (cell === '') continue;
      input[column.field] = cellValue(column as Column<unknown>, cell);
      if (column.code && (numeric[at] || numberShaped(cell))) asNumber.set(column.field, cell);
    }
    const given = new Set(Object.keys(input));
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error.issues, given);
      const typedAsNumber = asNumber.get(issue.field);
      plan.refused.push({ ...issue, ...(typedAsNumber !== undefined ? { reason: `${issue.reason}；${numericCodeReason(typedAsNumber)}` } : {}), line });
      continue;
    }
    const refusal = check?.(parsed.data);
    if (refusal) {
      plan.refused.push({ ...refusal, line });
      continue;
    }
    const key = String(parsed.data[directory.key]);
    const first = seen.get(key);
    if (first !== undefined) {
      plan.refused.push({ line, field: directory.key, reason: `与第 ${first} 行重复 / repeats line ${first}` });
      continue;
    }
    seen.set(key, line);
    accepted.push({ line, key, row: parsed.data, given });
  }

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

/** The answer to an import: counts, every refused row (its column as the file names it), and the first rows of what changes. */
export function importReport<Current, Create>(directory: Directory<Current, Create>, plan: ImportPlan<Current>, dryRun: boolean) {
  const columnTitle = (field: string) =>
    directory.columns.find((column) => column.field === field)?.zh ?? (field === 'file' ? '文件' : field === 'row' ? '整行' : field);
  return {
    dryRun,
    applied: !dryRun,
    created: plan.create.length,
    updated: plan.update.length,
    unchanged: plan.unchanged,
    refused: plan.refused.map((refusal) => ({ ...refusal, column: columnTitle(refusal.field) })),
    warnings: plan.warnings,
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

/** A stored value as the file shows it: its (first) word when the column has one (high → 高), else itself. */
function labelOf(words: Readonly<Record<string, string>> | undefined, value: string): string {
  const found = Object.entries(words ?? {}).find(([, stored]) => stored === value);
  return found ? found[0] : value;
}

/** The header a file is imported with and one example row: what staff fill in. */
export async function importTemplate<Current, Create>(directory: Directory<Current, Create>, format: TableFormat): Promise<Buffer> {
  return writeTable(format, directory.title.zh, [directory.columns.map((column) => column.zh), directory.columns.map((column) => column.example ?? '')]);
}

export async function exportDirectory<Current, Create>(db: Db, directory: Directory<Current, Create>, format: TableFormat): Promise<Buffer> {
  const header = [...directory.columns.map((column) => column.zh), ...(directory.exportOnly ?? []).map((column) => column.zh)];
  const wordsOf = new Map(await Promise.all(directory.columns.map(async (column) => [column.field, column.wordsFrom ? await column.wordsFrom(db) : column.labels] as const)));
  const rows = (await directory.table(db).findMany({ orderBy: { [directory.key]: 'asc' } })).map((current) => [
    ...directory.columns.map((column) => {
      const value = (current as Record<string, unknown>)[column.field];
      const words = wordsOf.get(column.field);
      return column.type === 'list' && Array.isArray(value) ? value.map((part) => labelOf(words, String(part))).join('；') : labelOf(words, String(shown(value) ?? ''));
    }),
    ...(directory.exportOnly ?? []).map((column) => column.value(current)),
  ]);
  return writeTable(format, directory.title.zh, [header, ...rows]);
}
