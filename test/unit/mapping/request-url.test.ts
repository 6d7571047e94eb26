import { describe, expect, it } from 'vitest';
import { mappedRequestUrl } from '../../../src/mapping/request-url';
import { compiled } from '../../helpers/mappings';

const bases = { baseUri: 'https://demo.docusign.net/', adminBase: 'https://api-d.docusign.net/management' };

describe('mappedRequestUrl', () => {
  it('puts eSignature paths under {base_uri}/restapi with the query', () => {
    const req = compiled('user-directory', 'users')
      .method('list')
      .buildRequest({ email: 'a+b@example.com' }, { accountId: 'acc-1', page: { offset: 0, size: 10 } });
    expect(mappedRequestUrl(req, bases).href).toBe(
      'https://demo.docusign.net/restapi/v2.1/accounts/acc-1/users?additional_info=true&email=a%2Bb%40example.com&start_position=0&count=10',
    );
  });

  it('puts Admin paths under the Admin base', () => {
    const url = mappedRequestUrl(
      { api: 'admin', method: 'GET', path: '/v2/organizations/o-1/users', query: { start: '0', take: '20' } },
      bases,
    );
    expect(url.href).toBe('https://api-d.docusign.net/management/v2/organizations/o-1/users?start=0&take=20');
  });

  it('keeps an id with slashes or dots inside its segment', () => {
    const req = compiled('user-directory', 'users')
      .method('get')
      .buildRequest({ id: '../../x' }, { accountId: 'a' });
    expect(mappedRequestUrl(req, bases).pathname).toBe('/restapi/v2.1/accounts/a/users/..%2F..%2Fx');
  });

  it('refuses dot segments as ids', () => {
    const get = compiled('user-directory', 'users').method('get');
    for (const id of ['.', '..']) {
      expect(() => get.buildRequest({ id }, { accountId: 'a' })).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
    }
  });
});
