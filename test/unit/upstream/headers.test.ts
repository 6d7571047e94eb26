import { describe, expect, it } from 'vitest';
import { forwardableHeaders } from '../../../src/upstream/headers';

describe('forwardableHeaders', () => {
  it('drops hop-by-hop headers, the ones `connection` names, and the given names; lower-cases the rest', () => {
    const headers = new Headers({
      Connection: 'keep-alive, X-Hop, bad token',
      'Keep-Alive': 'timeout=5',
      'Transfer-Encoding': 'chunked',
      'X-Hop': 'gone',
      Authorization: 'Bearer caller',
      'Content-Type': 'application/json',
      'X-DocuSign-TraceToken': 'abc',
    });
    expect(forwardableHeaders(headers, new Set(['authorization']))).toEqual({
      'content-type': 'application/json',
      'x-docusign-tracetoken': 'abc',
    });
  });

  it('takes records and pairs, joining repeated names as Headers does', () => {
    expect(
      forwardableHeaders(
        [
          ['Accept', 'application/json'],
          ['accept', 'text/plain'],
          ['TE', 'trailers'],
        ],
        new Set(),
      ),
    ).toEqual({ accept: 'application/json, text/plain' });
    expect(forwardableHeaders({ 'X-A': '1', Upgrade: 'h2c' }, new Set())).toEqual({ 'x-a': '1' });
    expect(forwardableHeaders(undefined, new Set())).toEqual({});
  });
});
