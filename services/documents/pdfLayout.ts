// The page of a bureau document after GB/T 9704-2012 (党政机关公文格式) as enforcement documents follow it:
// A4, 版心 156 × 225 mm (top margin 37 mm, binding margin 28 mm), body text in 3号 (16 pt) at 22 lines a page,
// titles in 2号 (22 pt), page numbers "— 1 —" in 4号, the issuer and the 年月日 date at the foot with the seal
// pressing on both. The typeface is Noto Serif SC (a Song face) from the @expo-google-fonts package: a complete
// TrueType font in the npm registry, so nothing is downloaded at install or run time, and PDFKit embeds only the
// glyphs used. Nothing here knows what a document says.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type PDFKitDocument from 'pdfkit';

/** PDFKit, loaded the first time a document is made: it costs every process holding it some 25 MB. */
let pdfDocument: typeof PDFKitDocument | undefined;
const PDFDocument = () => (pdfDocument ??= createRequire(import.meta.url)('pdfkit') as typeof PDFKitDocument);

const MM = 72 / 25.4;
const BODY = 16;
const TITLE = 22;
const LINE_PITCH = (225 * MM) / 22;
const INDENT = 2 * BODY;
const SEAL_RED = '#c8161d';

const fontFile = (weight: string) => createRequire(import.meta.url).resolve(`@expo-google-fonts/noto-serif-sc/${weight}/NotoSerifSC_${weight}.ttf`);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** Read once per process (two 14 MB files); PDFKit parses only the tables it needs. */
function loadFonts() {
  fonts ??= { regular: readFileSync(fontFile('400Regular')), bold: readFileSync(fontFile('700Bold')) };
  return fonts;
}

export type TableRow = Array<string | { text: string; span?: number; bold?: boolean; minHeight?: number }>;

export class OfficialPdf {
  private readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<Buffer>;
  private readonly width: number;
  private readonly pitch: number;
  /** The signature had to go to a page of its own: the caller may set the text closer (GB/T 9704 7.3.5). */
  signatureAlone = false;

  /**
   * `issuedAt` is written as the file's creation date, so the same document always makes the same bytes;
   * `tighten` (< 1) sets the lines closer, as GB/T 9704 allows to keep the date and seal with the text.
   */
  constructor(title: string, issuedAt: Date, tighten = 1) {
    this.pitch = LINE_PITCH * tighten;
    this.doc = new (PDFDocument())({
      size: 'A4',
      margins: { top: 37 * MM, left: 28 * MM, right: 26 * MM, bottom: 35 * MM },
      bufferPages: true,
      info: { Title: title, Author: 'bureau', Creator: 'shuang-sui-ji', Producer: 'shuang-sui-ji', CreationDate: issuedAt, ModDate: issuedAt },
      lang: 'zh-CN',
      displayTitle: true,
    });
    const { regular, bold } = loadFonts();
    this.doc.registerFont('song', regular);
    this.doc.registerFont('song-bold', bold);
    const chunks: Buffer[] = [];
    this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    this.width = this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
    this.body();
  }

  private body(size = BODY): PDFKit.PDFDocument {
    return this.doc.font('song').fontSize(size).fillColor('black');
  }

  private gap(size = BODY): number {
    return Math.max(0, this.pitch - this.doc.font('song').fontSize(size).currentLineHeight(false));
  }

  private get left(): number {
    return this.doc.page.margins.left;
  }

  /** 发文机关、文书名称 and 文号 (right-aligned, as enforcement documents place it). */
  heading(issuerName: string, title: string, number: string | undefined): this {
    this.doc.font('song-bold').fontSize(TITLE).fillColor(SEAL_RED).text(issuerName, this.left, this.doc.y, { align: 'center', width: this.width });
    this.doc.moveDown(0.2);
    this.doc.font('song-bold').fontSize(TITLE).fillColor('black').text(title, { align: 'center', width: this.width });
    if (number) {
      this.doc.moveDown(0.3);
      this.body().text(number, { align: 'right', width: this.width });
    }
    const y = this.doc.y + 6;
    this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(1).strokeColor(SEAL_RED).stroke();
    this.doc.y = y + 14;
    return this;
  }

  /** 主送: the addressee, flush left, ending in a full-width colon. */
  addressee(text: string): this {
    this.body().text(`${text}：`, this.left, this.doc.y, { width: this.width, lineGap: this.gap() });
    return this;
  }

  /** A paragraph of body text, its first line indented two characters. */
  paragraph(text: string, options: { indent?: boolean; bold?: boolean } = {}): this {
    const indent = options.indent ?? true;
    this.doc.font(options.bold ? 'song-bold' : 'song').fontSize(BODY).fillColor('black');
    this.doc.text(text, this.left, this.doc.y, { width: this.width, indent: indent ? INDENT : 0, lineGap: this.gap(), align: 'justify' });
    return this;
  }

  /** A smaller note (a footnote line, a hint to the reader). */
  note(text: string): this {
    this.body(12).text(text, this.left, this.doc.y, { width: this.width, lineGap: 4 });
    return this;
  }

  space(lines = 1): this {
    this.doc.y += this.pitch * lines;
    return this;
  }

  /**
   * A ruled table in body text; each row's cells share the width equally unless `widths` (fractions) say
   * otherwise, and a cell may span several columns.
   */
  table(rows: TableRow[], widths?: number[], size = 14): this {
    const columns = widths ?? Array.from({ length: Math.max(...rows.map((row) => row.reduce<number>((sum, cell) => sum + (typeof cell === 'string' ? 1 : cell.span ?? 1), 0))) }, () => 1);
    const total = columns.reduce((sum, share) => sum + share, 0);
    const columnWidths = columns.map((share) => (share / total) * this.width);
    const pad = 5;
    for (const row of rows) {
      const cells: Array<{ text: string; width: number; x: number; bold: boolean; minHeight: number }> = [];
      let column = 0;
      let x = this.left;
      for (const cell of row) {
        const spec = typeof cell === 'string' ? { text: cell } : cell;
        const span = spec.span ?? 1;
        const width = columnWidths.slice(column, column + span).reduce((sum, value) => sum + value, 0);
        cells.push({ text: spec.text, width, x, bold: spec.bold ?? false, minHeight: spec.minHeight ?? 0 });
        column += span;
        x += width;
      }
      const height = Math.max(
        ...cells.map((cell) => Math.max(cell.minHeight, this.doc.font(cell.bold ? 'song-bold' : 'song').fontSize(size).heightOfString(cell.text || ' ', { width: cell.width - 2 * pad, lineGap: 3 }) + 2 * pad)),
      );
      if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
      const top = this.doc.y;
      for (const cell of cells) {
        this.doc.rect(cell.x, top, cell.width, height).lineWidth(0.75).strokeColor('black').stroke();
        this.doc.font(cell.bold ? 'song-bold' : 'song').fontSize(size).fillColor('black').text(cell.text, cell.x + pad, top + pad, { width: cell.width - 2 * pad, lineGap: 3 });
      }
      this.doc.y = top + height;
    }
    this.doc.x = this.left;
    this.doc.y += 8;
    return this;
  }

  /**
   * 发文机关署名 and 成文日期 at the foot of the text, the date four characters in from the right, and the seal's
   * place pressing on both (a faint circle where the bureau stamps it).
   */
  signature(issuerName: string, dateText: string): this {
    // Two lines and a half: the seal may press on the text above, as it does on paper.
    const needed = this.pitch * 2.5;
    if (this.doc.y + needed > this.doc.page.height - this.doc.page.margins.bottom) {
      this.doc.addPage();
      this.signatureAlone = true;
    }
    this.space(0.5);
    const right = this.left + this.width - 4 * BODY;
    const dateWidth = this.body().widthOfString(dateText);
    const nameWidth = this.doc.widthOfString(issuerName);
    const center = right - dateWidth / 2;
    const nameTop = this.doc.y;
    this.doc.text(issuerName, center - nameWidth / 2, nameTop, { lineBreak: false });
    const dateTop = nameTop + this.pitch;
    this.doc.text(dateText, right - dateWidth, dateTop, { lineBreak: false });
    const sealCenterY = nameTop + this.pitch * 0.9;
    this.doc.save();
    this.doc.circle(center, sealCenterY, 21 * MM).dash(3, { space: 3 }).lineWidth(0.8).strokeOpacity(0.5).strokeColor(SEAL_RED).stroke();
    this.doc.restore();
    this.doc.font('song').fontSize(10).fillColor(SEAL_RED).fillOpacity(0.6).text('（印章）', center - 21 * MM + 4, sealCenterY + 21 * MM - 30, { width: 42 * MM - 8, align: 'center', lineBreak: false });
    this.doc.fillOpacity(1).fillColor('black');
    this.doc.x = this.left;
    this.doc.y = dateTop + this.pitch;
    return this;
  }

  newPage(): this {
    this.doc.addPage();
    this.doc.x = this.left;
    return this;
  }

  /** "— 1 —" centred at the foot of every page, then the file. */
  async finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index += 1) {
      this.doc.switchToPage(index);
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.doc.font('song').fontSize(14).fillColor('black').text(`— ${index + 1} —`, this.left, this.doc.page.height - 25 * MM, { width: this.width, align: 'center', lineBreak: false });
      this.doc.page.margins.bottom = bottom;
    }
    this.doc.end();
    return this.done;
  }
}

/**
 * Lays a document out at the standard spacing and, when that leaves the issuer, date and seal alone on a page,
 * again with the lines set closer (GB/T 9704 7.3.5.1: 采取调整行距、字距的措施解决).
 */
export async function fitted(layout: (tighten: number) => OfficialPdf): Promise<Buffer> {
  let pdf = layout(1);
  for (const tighten of [0.92, 0.85, 0.78]) {
    if (!pdf.signatureAlone) break;
    pdf = layout(tighten);
  }
  return pdf.finish();
}
