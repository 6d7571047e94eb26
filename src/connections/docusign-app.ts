import { type DocusignHosts, docusignHosts } from '../docusign/hosts';

/** Permission a connection grants the gateway's users: read only, or read and take actions. */
export type Permission = 'read' | 'read_write';

/** One DocuSign environment the gateway can connect to, with the integration key used there. */
export interface DocusignEnvironmentConfig extends DocusignHosts {
  /** Integration key and secret for the authorization code grant (hosted connect page); unset = code grant off. */
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** The DocuSign environments this gateway reaches: `demo`, `production`, and `sandbox` when the simulator runs. */
export interface DocusignAppConfig {
  environments: Record<string, DocusignEnvironmentConfig>;
  defaultEnvironment: string;
}

/** OAuth scopes requested per permission: eSignature plus the Admin API scopes the User Directory needs. */
export function scopesFor(permission: Permission): string[] {
  const read = [
    'signature',
    'extended',
    'organization_read',
    'user_read',
    'account_read',
    'permission_read',
    'group_read',
  ];
  return permission === 'read_write' ? [...read, 'user_write', 'account_write'] : read;
}

/** The public DocuSign environments with the integration key from the configuration (code grant on `demo`/`production`). */
export function docusignConfigFrom(config: {
  docusign: {
    environment: 'demo' | 'production';
    clientId: string | undefined;
    clientSecret: string | undefined;
  };
}): DocusignAppConfig {
  const key = { clientId: config.docusign.clientId, clientSecret: config.docusign.clientSecret };
  return {
    defaultEnvironment: config.docusign.environment,
    environments: {
      demo: { ...docusignHosts('demo'), ...key },
      production: { ...docusignHosts('production'), ...key },
    },
  };
}
