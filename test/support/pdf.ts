// A document as its reader gets it: the PDF's bytes over HTTP (checked against /openapi.json like every answer),
// and its text as a PDF reader extracts it (unpdf, Mozilla's pdf.js), page by page.
import { extractText, getDocumentProxy } from 'unpdf';
import { contractViolation } from './contract';

export interface FetchedPdf {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** Each page's text without whitespace: extractors break lines and separate table cells as they please. */
  pages: string[];
  text: string;
}

export async function fetchPdf(baseUrl: string, path: string, headers: Record<string, string>): Promise<FetchedPdf> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  const contentType = response.headers.get('content-type') ?? '';
  const body = contentType.includes('json') ? JSON.parse(bytes.toString('utf8')) : bytes.toString('latin1');
  const violation = await contractViolation(baseUrl, 'GET', path, { status: response.status, contentType, body });
  if (violation) throw new Error(`The answer breaks the OpenAPI description: ${violation}`);
  if (response.status !== 200) return { status: response.status, headers: response.headers, bytes, pages: [], text: bytes.toString('utf8') };
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: false });
  const pages = (text as string[]).map((page) => page.replace(/\s+/g, ''));
  return { status: response.status, headers: response.headers, bytes, pages, text: pages.join('\n') };
}

/** The text of a PDF file, whitespace removed, all pages. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return (text as string).replace(/\s+/g, '');
}
