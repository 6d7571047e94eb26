/**
 * Reads a response body as JSON for assertions. Typed `any` on purpose: tests walk arbitrary response shapes and
 * assert on them; a wrong path fails the assertion at run time, which is the point.
 */
// biome-ignore lint/suspicious/noExplicitAny: test assertions navigate untyped JSON bodies.
export async function json(res: Response): Promise<any> {
  return res.json();
}
