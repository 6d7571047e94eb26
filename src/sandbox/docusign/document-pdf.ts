/**
 * The PDFs an envelope's documents come back as, built with pdf-lib: a document as uploaded (or rendered when it
 * was not a PDF) with the fields of recipients who signed stamped on it; `combined` as every document's pages
 * followed by the certificate of completion. Unsigned documents skip pdf-lib entirely (the common, cheap case).
 */
import type { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { iso } from './esignature-views';
import { renderPdf } from './pdf';
import type { SimDocument, SimEnvelope, SimRecipient, SimTab, SimTemplate } from './state';

/** pdf-lib, loaded on the first PDF that needs it: evaluating it at start slowed every gateway restart. */
const pdfLib = () => import('pdf-lib');

/** Lines of the certificate of completion page. */
export function certificateLines(e: SimEnvelope): string[] {
  return [
    `Envelope Id: ${e.envelopeId}`,
    `Subject: ${e.emailSubject}`,
    `Status: ${e.status}`,
    `Created: ${iso(e.createdMs)}`,
    ...e.recipients.map(
      (r) => `${r.name} <${r.email}>: ${r.status}${r.signedMs ? ` at ${iso(r.signedMs)}` : ''}`,
    ),
  ];
}

/** The certificate of completion as a one-page PDF. */
export const certificatePdf = (e: SimEnvelope): Uint8Array =>
  renderPdf('Certificate Of Completion', certificateLines(e));

/** What a rendered (not uploaded) document shows. */
export const documentLines = (e: SimEnvelope): string[] => [
  `Envelope ${e.envelopeId}`,
  `Subject: ${e.emailSubject}`,
];

const signed = (r: SimRecipient): boolean => r.status === 'completed' || r.status === 'signed';

/** The text a signed recipient's tab leaves on the page, or undefined for tabs that show nothing. */
function stampText(r: SimRecipient, tab: SimTab): string | undefined {
  switch (tab.kind) {
    case 'signHereTabs':
      return `Signed by ${r.name}`;
    case 'initialHereTabs':
      return r.name
        .split(/\s+/)
        .map((w) => w.charAt(0).toUpperCase())
        .join('');
    case 'checkboxTabs':
      return tab.selected === 'true' ? 'X' : undefined;
    case 'radioGroupTabs':
      return undefined;
    case 'listTabs':
      return tab.value || tab.listItems?.find((i) => i.selected === 'true')?.text;
    default:
      return tab.value || undefined;
  }
}

/** WinAnsi (what the standard fonts encode) has no characters beyond Latin-1: replace them. */
const winAnsi = (text: string): string => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

async function draw(page: PDFPage, font: PDFFont, text: string, x: number, yFromTop: number): Promise<void> {
  const { rgb } = await pdfLib();
  const { width, height } = page.getSize();
  const size = 10;
  page.drawText(winAnsi(text), {
    x: Math.min(Math.max(0, x), Math.max(0, width - 20)),
    y: Math.min(Math.max(0, height - yFromTop - size), height - size),
    size,
    font,
    color: rgb(0.05, 0.2, 0.6),
  });
}

/** The base bytes of a document: the uploaded PDF, or a rendered one-page PDF. */
function baseBytes(e: SimEnvelope, d: SimDocument): Uint8Array {
  return d.bytes ?? renderPdf(d.name, documentLines(e));
}

/** Loads a PDF, or undefined when pdf-lib cannot read it (a client may upload a damaged file). */
async function load(bytes: Uint8Array): Promise<PDFDocument | undefined> {
  try {
    const { PDFDocument } = await pdfLib();
    const pdf = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    // pdf-lib loads some damaged files lazily and fails on first use: a file without readable pages is unreadable.
    return pdf.getPageCount() > 0 ? pdf : undefined;
  } catch {
    return undefined;
  }
}

/** Stamps signed recipients' fields on a loaded document; returns whether anything was drawn. */
async function stamp(pdf: PDFDocument, e: SimEnvelope, d: SimDocument): Promise<boolean> {
  const pages = pdf.getPages();
  if (pages.length === 0) return false;
  let font: PDFFont | undefined;
  let drawn = false;
  for (const r of e.recipients) {
    if (!signed(r)) continue;
    for (const tab of r.tabs) {
      if (tab.documentId !== d.documentId) continue;
      const text = stampText(r, tab);
      if (!text) continue;
      font ??= await pdf.embedFont((await pdfLib()).StandardFonts.Helvetica);
      const page = pages[Math.min(Math.max(1, Number(tab.pageNumber) || 1), pages.length) - 1]!;
      await draw(page, font, text, Number(tab.xPosition) || 0, Number(tab.yPosition) || 0);
      drawn = true;
    }
  }
  return drawn;
}

const hasSignedFields = (e: SimEnvelope, d: SimDocument): boolean =>
  e.recipients.some((r) => signed(r) && r.tabs.some((t) => t.documentId === d.documentId));

/**
 * Uploads above this size are served as uploaded, unstamped: parsing a large PDF costs its size several times over in
 * memory, and the benches stream 50 MB documents through the simulator.
 */
export const STAMP_MAX_BYTES = 10 * 1024 * 1024;

/** A document as DocuSign returns it: a PDF, with signed recipients' fields stamped on it. */
export async function documentPdf(e: SimEnvelope, d: SimDocument): Promise<Uint8Array> {
  const bytes = baseBytes(e, d);
  if (bytes.length > STAMP_MAX_BYTES || !hasSignedFields(e, d)) return bytes;
  const pdf = await load(bytes);
  if (!pdf || !(await stamp(pdf, e, d))) return bytes;
  return pdf.save({ useObjectStreams: false });
}

/** A template's document as DocuSign returns it: the uploaded PDF (templates are never signed, so nothing is stamped). */
export function templateDocumentPdf(t: SimTemplate, d: SimDocument): Uint8Array {
  return d.bytes ?? renderPdf(d.name, [`Template: ${t.name}`, `Document: ${d.name}`]);
}

/**
 * `combined`: every document's pages in order, then (unless `withCertificate` is false) the certificate page.
 * A large streamed document is represented by one page naming it (its bulk is padding, not pages).
 */
export async function combinedPdf(e: SimEnvelope, withCertificate: boolean): Promise<Uint8Array> {
  const out = await (await pdfLib()).PDFDocument.create();
  out.setTitle(e.emailSubject || 'Combined documents');
  const append = async (bytes: Uint8Array) => {
    const src = await load(bytes);
    if (!src) return false;
    const pages = await out.copyPages(src, src.getPageIndices());
    for (const p of pages) out.addPage(p);
    return true;
  };
  for (const d of [...e.documents].sort((a, b) => a.order - b.order)) {
    if (d.streamedSizeBytes !== undefined) {
      await append(renderPdf(d.name, [...documentLines(e), `${d.streamedSizeBytes} bytes`]));
      continue;
    }
    const bytes = await documentPdf(e, d);
    const ok = bytes.length <= STAMP_MAX_BYTES && (await append(bytes));
    if (!ok)
      await append(renderPdf(d.name, [...documentLines(e), 'The uploaded file is not a readable PDF.']));
  }
  if (withCertificate) await append(certificatePdf(e));
  return out.save({ useObjectStreams: false });
}
