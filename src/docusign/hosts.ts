/** DocuSign hosts per environment: the OAuth server and the Admin API base (DESIGN.md §5). */

export interface DocusignHosts {
  /** Account server, e.g. `https://account-d.docusign.com`; serves `/oauth/auth`, `/oauth/token`, `/oauth/userinfo`. */
  oauthBase: string;
  /** Admin API base, e.g. `https://api-d.docusign.net/management`. */
  adminBase: string;
}

/** `demo`, `production`, or an explicit pair (how the built-in simulator is reached). */
export type DocusignEnvironment = 'demo' | 'production' | DocusignHosts;

const KNOWN: Record<'demo' | 'production', DocusignHosts> = {
  demo: { oauthBase: 'https://account-d.docusign.com', adminBase: 'https://api-d.docusign.net/management' },
  production: { oauthBase: 'https://account.docusign.com', adminBase: 'https://api.docusign.net/management' },
};

/** Resolves the OAuth and Admin API bases for an environment; custom bases are validated and lose any trailing `/`. */
export function docusignHosts(environment: DocusignEnvironment): DocusignHosts {
  if (environment === 'demo' || environment === 'production') return { ...KNOWN[environment] };
  return {
    oauthBase: normaliseBase(environment.oauthBase, 'oauthBase'),
    adminBase: normaliseBase(environment.adminBase, 'adminBase'),
  };
}

/** The OAuth host without scheme (`account-d.docusign.com`, or `127.0.0.1:4010`): the JWT grant's `aud`. */
export function oauthAudience(oauthBase: string): string {
  return new URL(oauthBase).host;
}

function normaliseBase(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`DocuSign ${name} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`DocuSign ${name} must be an http(s) URL`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`DocuSign ${name} must not carry credentials, a query or a fragment`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
