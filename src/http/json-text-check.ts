/** The deepest nesting of arrays and objects a JSON request body may have. */
export const MAX_JSON_DEPTH = 64;

/**
 * Looks through JSON text, without parsing it, for what PostgreSQL cannot store or the gateway cannot walk safely:
 * nesting deeper than `maxDepth` (recursive code overflows its stack) and the escapes `\u0000` (PostgreSQL text and
 * jsonb refuse NUL) or a lone UTF-16 surrogate (not valid Unicode, silently altered on the way to the database).
 * Returns a message for the first problem, or null. Linear in the text, no recursion; syntax errors are left
 * to the JSON parser.
 */
export function findJsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x22) inString = false;
      else if (ch === 0x5c) {
        if (text.charCodeAt(i + 1) === 0x75) {
          const code = hex4(text, i + 2);
          if (code === 0) return 'JSON strings may not contain the NUL character (\\u0000)';
          if (code >= 0xd800 && code <= 0xdbff) {
            const low =
              text.charCodeAt(i + 6) === 0x5c && text.charCodeAt(i + 7) === 0x75 ? hex4(text, i + 8) : -1;
            if (low < 0xdc00 || low > 0xdfff) return 'JSON strings may not contain a lone UTF-16 surrogate';
            i += 6;
          } else if (code >= 0xdc00 && code <= 0xdfff) {
            return 'JSON strings may not contain a lone UTF-16 surrogate';
          }
          i += 5;
        } else {
          i += 1;
        }
      } else if (ch === 0) {
        return 'JSON strings may not contain the NUL character';
      }
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > maxDepth) return `JSON nesting is deeper than ${maxDepth} levels`;
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
    }
  }
  return null;
}

function hex4(text: string, at: number): number {
  const digits = text.slice(at, at + 4);
  return /^[0-9A-Fa-f]{4}$/.test(digits) ? Number.parseInt(digits, 16) : -1;
}
