import { describe, expect, it } from 'vitest';
import {
  type DocusignUserInfo,
  esignatureBase,
  selectAccounts,
  usableAccounts,
  userInfoSchema,
} from '../../../src/docusign/accounts';
import { DocusignAccountError } from '../../../src/docusign/errors';

const userInfo: DocusignUserInfo = userInfoSchema.parse({
  sub: 'user-1',
  name: 'Ada Admin',
  email: 'ada@example.com',
  accounts: [
    {
      account_id: 'acc-2',
      is_default: 'false',
      account_name: 'Second',
      base_uri: 'https://na2.docusign.net/',
      organization: { organization_id: 'org-1', links: [] },
    },
    { account_id: 'acc-1', is_default: 'true', account_name: 'Main', base_uri: 'https://demo.docusign.net' },
    { account_id: 'acc-broken', is_default: 'false', account_name: 'No base', base_uri: 'not a url' },
  ],
});

describe('usableAccounts', () => {
  it('normalises accounts, default first, and drops ones without a usable base_uri', () => {
    expect(usableAccounts(userInfo)).toEqual([
      {
        accountId: 'acc-1',
        accountName: 'Main',
        baseUri: 'https://demo.docusign.net',
        isDefault: true,
        organizationId: null,
      },
      {
        accountId: 'acc-2',
        accountName: 'Second',
        baseUri: 'https://na2.docusign.net',
        isDefault: false,
        organizationId: 'org-1',
      },
    ]);
  });
});

describe('selectAccounts', () => {
  it('returns all usable accounts for scope "all"', () => {
    expect(selectAccounts(userInfo, 'all').map((a) => a.accountId)).toEqual(['acc-1', 'acc-2']);
  });

  it('returns the requested account', () => {
    expect(selectAccounts(userInfo, { accountId: 'acc-2' })).toMatchObject([{ accountId: 'acc-2' }]);
  });

  it('fails loudly when the requested account is missing or unusable', () => {
    const error = (() => {
      try {
        selectAccounts(userInfo, { accountId: 'acc-broken' });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(DocusignAccountError);
    expect(error).toMatchObject({
      reason: 'account_not_found',
      availableAccountIds: ['acc-1', 'acc-2'],
      status: 400,
    });
  });

  it('fails loudly when the user has no usable account', () => {
    const none = userInfoSchema.parse({ sub: 'u', accounts: [{ account_id: 'a', base_uri: '' }] });
    expect(() => selectAccounts(none, 'all')).toThrow(DocusignAccountError);
    expect(() => selectAccounts(userInfoSchema.parse({ sub: 'u' }), 'all')).toThrow(/no API account/);
  });
});

describe('esignatureBase', () => {
  it('builds {base_uri}/restapi/v2.1/accounts/{accountId}', () => {
    expect(esignatureBase({ baseUri: 'https://demo.docusign.net', accountId: 'acc-1' })).toBe(
      'https://demo.docusign.net/restapi/v2.1/accounts/acc-1',
    );
  });
});
