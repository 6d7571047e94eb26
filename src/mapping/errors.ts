/** The error a broken mapping file (or an override that breaks one) raises: file, path inside it, reason. */
export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}: ${path || '(root)'}: ${reason}`);
    this.name = 'MappingError';
  }
}

/** Formats a zod issue path (`['methods', 'list', 'paging']`) as `methods.list.paging`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}
