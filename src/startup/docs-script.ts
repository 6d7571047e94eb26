import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Reads Scalar's browser bundle from the installed `@scalar/api-reference` package (served at `/docs/scalar.js`). */
export async function readDocsScript(): Promise<Uint8Array> {
  const path = fileURLToPath(import.meta.resolve('@scalar/api-reference/browser/standalone.js'));
  return new Uint8Array(await readFile(path));
}
