import { z } from 'zod';
import { DocusignAccountError } from './errors';

/** `/oauth/userinfo` response (DIGEST.md §1, fields from the official SDK's UserInfo/Account/Organization). */
export const userInfoSchema = z.looseObject({
  sub: z.string(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  created: z.string().optional(),
  email: z.string().optional(),
  accounts: z
    .array(
      z.looseObject({
        account_id: z.string().optional(),
        is_default: z.union([z.boolean(), z.string()]).optional(),
        account_name: z.string().optional(),
        base_uri: z.string().optional(),
        organization: z
          .looseObject({ organization_id: z.string().optional(), links: z.array(z.unknown()).optional() })
          .nullish(),
      }),
    )
    .default([]),
});

export type DocusignUserInfo = z.infer<typeof userInfoSchema>;

/** A DocuSign API account the user can reach, normalised from userinfo. */
export interface DocusignAccount {
  accountId: string;
  accountName: string | null;
  /** e.g. `https://demo.docusign.net`, without trailing slash. */
  baseUri: string;
  isDefault: boolean;
  organizationId: string | null;
}

/** Which accounts a connection covers: one API account id, or all accounts of the user. */
export type AccountScope = { accountId: string } | 'all';

/** The usable accounts in a userinfo response (an account id and an http(s) `base_uri`), default first. */
export function usableAccounts(userInfo: DocusignUserInfo): DocusignAccount[] {
  const accounts: DocusignAccount[] = [];
  for (const raw of userInfo.accounts) {
    const baseUri = raw.base_uri ? normaliseBaseUri(raw.base_uri) : null;
    if (!raw.account_id || !baseUri) continue;
    accounts.push({
      accountId: raw.account_id,
      accountName: raw.account_name ?? null,
      baseUri,
      isDefault: raw.is_default === true || raw.is_default === 'true',
      organizationId: raw.organization?.organization_id ?? null,
    });
  }
  return accounts.sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

/**
 * Picks the accounts a connection covers. Throws `DocusignAccountError` when the user has no usable
 * account or the requested account id is not among them, so a connection never looks connected
 * without an account to call.
 */
export function selectAccounts(userInfo: DocusignUserInfo, scope: AccountScope): DocusignAccount[] {
  const accounts = usableAccounts(userInfo);
  if (accounts.length === 0) {
    throw new DocusignAccountError(
      'no_usable_account',
      'DocuSign user has no API account with a base URI; the connection cannot be used',
    );
  }
  if (scope === 'all') return accounts;
  const match = accounts.find((account) => account.accountId === scope.accountId);
  if (!match) {
    throw new DocusignAccountError(
      'account_not_found',
      `DocuSign account ${scope.accountId} is not among the user's accounts`,
      accounts.map((account) => account.accountId),
    );
  }
  return [match];
}

/** The eSignature REST base for an account: `{base_uri}/restapi/v2.1/accounts/{accountId}` (DESIGN.md §5). */
export function esignatureBase(account: Pick<DocusignAccount, 'baseUri' | 'accountId'>): string {
  return `${account.baseUri}/restapi/v2.1/accounts/${encodeURIComponent(account.accountId)}`;
}

function normaliseBaseUri(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return null;
  }
}
