// A spreadsheet as the bureau's staff have it, read into rows that keep their line numbers: an XLSX from Excel or
// WPS (the format known from the bytes), or a CSV in UTF-8 with or without a BOM, in UTF-16 with a BOM, or in the
// GB18030 that Chinese Excel writes for "CSV (逗号分隔)". Blank rows are skipped, not counted away.
import { parse as parseCsv } from 'csv-parse/sync';

/** ExcelJS, loaded the first time a workbook is read or written: it costs every process holding it some 25 MB. */
export const excel = async () => (await import('exceljs')).default;

export type TableFormat = 'csv' | 'xlsx';

export interface SheetRow {
  /** The line (CSV) or row number (XLSX) in the file, as the person who made it sees it. */
  line: number;
  cells: string[];
  /** Which cells the file holds as numbers (an XLSX number cell): a code typed as one may have lost digits. */
  numeric: boolean[];
}

export interface Sheet {
  name: string;
  rows: SheetRow[];
}

export interface ReadFile {
  format: TableFormat;
  /** How the text was decoded (CSV), for the report. */
  encoding?: string;
  sheets: Sheet[];
}

export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
}

const startsWith = (content: Buffer, ...bytes: number[]) => bytes.every((byte, index) => content[index] === byte);

/** What the bytes are: an XLSX is a ZIP; the old binary .xls cannot be read; anything else is taken as CSV text. */
export function formatOf(content: Buffer): TableFormat {
  if (startsWith(content, 0x50, 0x4b, 0x03, 0x04)) return 'xlsx';
  if (startsWith(content, 0xd0, 0xcf, 0x11, 0xe0)) {
    throw new UnreadableFile('这是旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后导入 / this is an old Excel (.xls) file: save it as .xlsx or CSV and import that');
  }
  return 'csv';
}

/** The CSV's text: by its BOM when it has one, as UTF-8 when it is valid UTF-8, else as GB18030 (GBK's superset). */
export function decodeCsv(content: Buffer): { text: string; encoding: string } {
  if (startsWith(content, 0xef, 0xbb, 0xbf)) return { text: new TextDecoder('utf-8').decode(content.subarray(3)), encoding: 'UTF-8' };
  if (startsWith(content, 0xff, 0xfe)) return { text: new TextDecoder('utf-16le').decode(content.subarray(2)), encoding: 'UTF-16LE' };
  if (startsWith(content, 0xfe, 0xff)) return { text: new TextDecoder('utf-16be').decode(content.subarray(2)), encoding: 'UTF-16BE' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content), encoding: 'UTF-8' };
  } catch {
    // Not UTF-8: what Chinese Windows writes. Every byte sequence decodes in GB18030, so no guess is left over.
    return { text: new TextDecoder('gb18030').decode(content), encoding: 'GB18030' };
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    // Rich text, hyperlinks and formulas: what the cell shows.
    if ('richText' in value) return (value as { richText: Array<{ text: string }> }).richText.map((run) => run.text).join('');
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('result' in value) return cellText((value as { result: unknown }).result);
    if ('error' in value) return String((value as { error: unknown }).error);
  }
  return String(value);
}

const isNumberCell = (value: unknown): boolean =>
  typeof value === 'number' || (typeof value === 'object' && value !== null && 'result' in value && typeof (value as { result: unknown }).result === 'number');

const blank = (cells: string[]) => cells.every((cell) => cell.trim() === '');

function readCsv(content: Buffer, restore: (cell: string) => string): ReadFile {
  const { text, encoding } = decodeCsv(content);
  const records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const rows: SheetRow[] = [];
  let previousEnd = 0;
  for (const { record, info } of records) {
    // A quoted cell may hold line breaks: a row starts on the line after the one before it ended.
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (blank(record)) continue;
    rows.push({ line, cells: record.map(restore), numeric: record.map(() => false) });
  }
  return { format: 'csv', encoding, sheets: [{ name: 'CSV', rows }] };
}

async function readXlsx(content: Buffer): Promise<ReadFile> {
  const workbook = new (await excel()).Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheets = workbook.worksheets.map((worksheet): Sheet => {
    const rows: SheetRow[] = [];
    worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values = (row.values as unknown[]).slice(1);
      const cells = Array.from(values, cellText);
      if (!blank(cells)) rows.push({ line: rowNumber, cells, numeric: Array.from(values, isNumberCell) });
    });
    return { name: worksheet.name, rows };
  });
  return { format: 'xlsx', sheets };
}

/** The file's sheets, rows numbered as in the file; a file that cannot be read throws UnreadableFile. */
export async function readTableFile(content: Buffer, restore: (cell: string) => string = (cell) => cell): Promise<ReadFile> {
  const format = formatOf(content);
  try {
    return format === 'csv' ? readCsv(content, restore) : await readXlsx(content);
  } catch (error) {
    const name = format.toUpperCase();
    throw new UnreadableFile(`无法读取 ${name} 文件 / cannot read the ${name} file: ${(error as Error).message}`);
  }
}
