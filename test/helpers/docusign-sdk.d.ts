/**
 * The parts of DocuSign's official Node SDKs (`docusign-esign` 6, `docusign-admin` 2; plain JavaScript without type
 * declarations) that the sandbox SDK suite calls, typed after the SDKs' own JSDoc.
 */
declare module 'docusign-esign' {
  interface OAuthToken {
    accessToken: string;
    tokenType: string;
    refreshToken?: string;
    expiresIn: number;
  }
  interface UserInfoAccount {
    accountId: string;
    isDefault: string;
    accountName: string;
    baseUri: string;
  }
  interface UserInfo {
    sub: string;
    email: string;
    accounts: UserInfoAccount[];
  }
  /** superagent's response, as the SDK resolves `requestJWTUserToken` with it. */
  interface RawResponse<T> {
    body: T;
    status: number;
    headers: Record<string, string>;
  }
  class ApiClient {
    constructor(opts?: { basePath?: string; oAuthBasePath?: string });
    setBasePath(basePath: string): void;
    setOAuthBasePath(oAuthBasePath: string): void;
    addDefaultHeader(name: string, value: string): void;
    getAuthorizationUri(
      clientId: string,
      scopes: string[],
      redirectUri: string,
      responseType: string,
      state?: string,
    ): string;
    generateAccessToken(clientId: string, clientSecret: string, code: string): Promise<OAuthToken>;
    requestJWTUserToken(
      clientId: string,
      userId: string,
      scopes: string[],
      rsaPrivateKey: Buffer | string,
      expiresIn: number,
    ): Promise<RawResponse<{ access_token: string; token_type: string; expires_in: number }>>;
    getUserInfo(accessToken: string): Promise<UserInfo>;
  }
  interface Paged {
    resultSetSize?: string;
    startPosition?: string;
    endPosition?: string;
    totalSetSize?: string;
    nextUri?: string;
  }
  class UsersApi {
    constructor(client: ApiClient);
    list(
      accountId: string,
      opts?: { count?: string; startPosition?: string },
    ): Promise<Paged & { users?: { userId: string; email: string }[] }>;
  }
  class GroupsApi {
    constructor(client: ApiClient);
    listGroups(
      accountId: string,
      opts?: { count?: string; startPosition?: string },
    ): Promise<Paged & { groups?: { groupId: string; groupName: string }[] }>;
  }
  interface EnvelopeSummary {
    envelopeId: string;
    status: string;
  }
  class TemplatesApi {
    constructor(client: ApiClient);
    createTemplate(
      accountId: string,
      opts: { envelopeTemplate: Record<string, unknown> },
    ): Promise<{ templateId: string; name: string }>;
  }
  class EnvelopesApi {
    constructor(client: ApiClient);
    createEnvelope(
      accountId: string,
      opts: { envelopeDefinition: Record<string, unknown> },
    ): Promise<EnvelopeSummary>;
    getEnvelope(
      accountId: string,
      envelopeId: string,
      opts?: { include?: string },
    ): Promise<{ envelopeId: string; status: string; completedDateTime?: string; recipients?: unknown }>;
    listRecipients(
      accountId: string,
      envelopeId: string,
    ): Promise<{ signers?: { recipientId: string; email: string; status: string; roleName?: string }[] }>;
    getDocument(accountId: string, envelopeId: string, documentId: string): Promise<string | Buffer>;
    update(
      accountId: string,
      envelopeId: string,
      opts: { envelope?: Record<string, unknown>; resendEnvelope?: string },
    ): Promise<unknown>;
  }
}

declare module 'docusign-admin' {
  class ApiClient {
    constructor(opts?: { basePath?: string; oAuthBasePath?: string });
    setBasePath(basePath: string): void;
    addDefaultHeader(name: string, value: string): void;
  }
  class UsersApi {
    constructor(client: ApiClient);
    getUsers(
      organizationId: string,
      opts?: { accountId?: string; start?: number; take?: number; email?: string },
    ): Promise<{
      users?: { id: string; email: string }[];
      paging?: { resultSetSize?: number; totalSetSize?: number; next?: string; previous?: string };
    }>;
  }
}
