/**
 * Large PDF documents generated while they are streamed: a valid PDF whose bulk is comment lines, so a
 * 50 MB download costs one 64 KB buffer instead of 50 MB of memory.
 */
import { renderPdfBody } from './pdf';

const HEADER = '%PDF-1.4\n';
const CHUNK = 64 * 1024;

/** Fills `n` bytes with PDF comment lines (or a blank line when only one byte is left). */
function fillComment(target: Uint8Array, n: number): Uint8Array {
  const view = target.subarray(0, n);
  if (n === 1) {
    view[0] = 0x0a;
    return view;
  }
  view.fill(0x2e); // '.'
  view[0] = 0x25; // '%'
  view[n - 1] = 0x0a;
  return view;
}

/** The exact padding that makes header + padding + body `sizeBytes` long (the body's offsets depend on it). */
function plan(title: string, lines: string[], sizeBytes: number): { padding: number; body: Uint8Array } {
  let padding = Math.max(0, sizeBytes - HEADER.length - renderPdfBody(title, lines, sizeBytes).length);
  for (let i = 0; i < 4; i++) {
    const body = renderPdfBody(title, lines, HEADER.length + padding);
    const total = HEADER.length + padding + body.length;
    if (total === sizeBytes || (padding === 0 && total > sizeBytes)) return { padding, body };
    padding = Math.max(0, padding + sizeBytes - total);
  }
  return { padding, body: renderPdfBody(title, lines, HEADER.length + padding) };
}

/** A streamed PDF of (at least, and normally exactly) `sizeBytes` bytes; `length` is its exact size. */
export function streamedPdf(
  title: string,
  lines: string[],
  sizeBytes: number,
): { length: number; stream: ReadableStream<Uint8Array> } {
  const { padding, body } = plan(title, lines, sizeBytes);
  const header = new TextEncoder().encode(HEADER);
  const length = header.length + padding + body.length;
  let stage: 'header' | 'padding' | 'body' | 'done' = 'header';
  let left = padding;
  const chunk = new Uint8Array(CHUNK);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === 'header') {
        controller.enqueue(header);
        stage = 'padding';
      } else if (stage === 'padding' && left > 0) {
        const n = Math.min(CHUNK, left);
        // A fresh copy only for the last, shorter chunk; full chunks share one buffer (never mutated after fill).
        const part = n === CHUNK ? fillComment(chunk, n) : fillComment(new Uint8Array(n), n);
        left -= n;
        controller.enqueue(part);
      } else if (stage !== 'done') {
        controller.enqueue(body);
        stage = 'done';
      } else {
        controller.close();
      }
    },
  });
  return { length, stream };
}

/** The whole streamed PDF in memory (for the ZIP archive, which needs its bytes). */
export async function streamedPdfBytes(
  title: string,
  lines: string[],
  sizeBytes: number,
): Promise<Uint8Array> {
  const { length, stream } = streamedPdf(title, lines, sizeBytes);
  const out = new Uint8Array(length);
  let at = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, at);
    at += value.length;
  }
  return out;
}
