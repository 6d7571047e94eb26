/** Dot paths of mapping files (`groupList[0].groupName`, `newUsers.0.userId`), parsed once into getters and setters. */

export type PathSegment = string | number;

/** Segments that would reach or replace an object's prototype: never valid in a mapping path. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits `a.b[0].c` (or `a.b.0.c`) into segments; digit-only segments are array indices. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match || (match[1] === '' && match[2] === '')) throw new Error(`invalid path "${path}"`);
    const name = match[1] ?? '';
    if (FORBIDDEN_SEGMENTS.has(name)) throw new Error(`invalid path "${path}": "${name}" is not allowed`);
    if (name !== '') segments.push(/^\d+$/.test(name) ? Number(name) : name);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

export type Getter = (value: unknown) => unknown;

function step(value: unknown, key: PathSegment): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as Record<PathSegment, unknown>)[key];
}

/** Compiles a path into a getter; missing intermediate values give `undefined`. */
export function compileGetter(path: string | PathSegment[]): Getter {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  const [a, b, c] = segments;
  // Short paths are by far the most common; specialised closures avoid a loop per field per record.
  switch (segments.length) {
    case 0:
      return (value) => value;
    case 1:
      return (value) => step(value, a!);
    case 2:
      return (value) => step(step(value, a!), b!);
    case 3:
      return (value) => step(step(step(value, a!), b!), c!);
    default:
      return (value) => {
        let current = value;
        for (let i = 0; i < segments.length; i++) current = step(current, segments[i]!);
        return current;
      };
  }
}

export type Setter = (target: Record<string, unknown>, value: unknown) => void;

/** Compiles a target path into a setter that creates intermediate objects and arrays as needed. */
export function compileSetter(path: string): Setter {
  const segments = parsePath(path);
  if (segments.length === 0) throw new Error(`invalid target path "${path}"`);
  return (target, value) => {
    let current: Record<PathSegment, unknown> = target;
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i]!;
      let next = current[key];
      if (next === null || typeof next !== 'object') {
        next = typeof segments[i + 1] === 'number' ? [] : {};
        current[key] = next;
      }
      current = next as Record<PathSegment, unknown>;
    }
    current[segments[segments.length - 1]!] = value;
  };
}
