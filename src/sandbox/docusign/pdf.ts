/** Renders small but valid single-page PDF files (correct xref offsets) for simulated documents. */

function escapePdfText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
}

/** A one-page PDF showing `lines` of text in Helvetica. */
export function renderPdf(title: string, lines: string[]): Uint8Array {
  const header = '%PDF-1.4\n';
  const body = renderPdfBody(title, lines, header.length);
  const out = new Uint8Array(header.length + body.length);
  out.set(new TextEncoder().encode(header));
  out.set(body, header.length);
  return out;
}

/** The PDF after its header line, for a file whose body starts at byte `bodyOffset` (comments may fill the gap). */
export function renderPdfBody(title: string, lines: string[], bodyOffset: number): Uint8Array {
  const content = [
    'BT',
    '/F1 18 Tf',
    '72 720 Td',
    `(${escapePdfText(title)}) Tj`,
    '/F1 11 Tf',
    ...lines.flatMap((l) => ['0 -22 Td', `(${escapePdfText(l)}) Tj`]),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(bodyOffset + out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = bodyOffset + out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
