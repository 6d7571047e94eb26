import { describe, expect, it } from 'vitest';
import { findJsonTextProblem } from '../../../src/http/json-text-check';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('findJsonTextProblem', () => {
  it('accepts ordinary JSON, escapes and surrogate pairs', () => {
    expect(findJsonTextProblem('{"a":"x\\"y\\\\","b":[1,{"c":"\\ud83d\\ude00 \\u00e9"}]}')).toBeNull();
    expect(findJsonTextProblem(nested(64))).toBeNull();
  });

  it('refuses nesting deeper than the limit without recursing', () => {
    expect(findJsonTextProblem(nested(65))).toMatch(/deeper than 64/);
    expect(findJsonTextProblem(nested(200_000))).toMatch(/deeper than 64/);
    expect(findJsonTextProblem(`{"a":${'{"b":'.repeat(40)}1${'}'.repeat(40)}}`, 32)).toMatch(
      /deeper than 32/,
    );
  });

  it('ignores brackets inside strings', () => {
    expect(findJsonTextProblem(JSON.stringify({ a: '['.repeat(1000) }))).toBeNull();
  });

  it('refuses NUL and lone surrogates, in values and in keys', () => {
    expect(findJsonTextProblem('{"a":"x\\u0000"}')).toMatch(/NUL/);
    expect(findJsonTextProblem('{"\\u0000":1}')).toMatch(/NUL/);
    expect(findJsonTextProblem('{"a":"\\ud800"}')).toMatch(/surrogate/);
    expect(findJsonTextProblem('{"a":"\\udc00x"}')).toMatch(/surrogate/);
    expect(findJsonTextProblem('{"a":"\\\\u0000"}')).toBeNull();
  });
});
