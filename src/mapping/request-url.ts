/** Turns a mapped request into the DocuSign URL the upstream client calls. */
import type { MappedRequest } from './compile';

/** Where the two DocuSign APIs live for one connection. */
export interface ApiBases {
  /** The account's `base_uri` from userinfo, e.g. `https://demo.docusign.net` (eSignature paths go under `/restapi`). */
  baseUri: string;
  /** The Admin API base, e.g. `https://api-d.docusign.net/management`. */
  adminBase: string;
}

/**
 * `{baseUri}/restapi{path}?{query}` for eSignature, `{adminBase}{path}?{query}` for Admin. Mapping paths are
 * literal spec paths whose placeholders were URL-encoded when the request was built, so they cannot leave the base.
 */
export function mappedRequestUrl(req: MappedRequest, bases: ApiBases): URL {
  const base = (
    req.api === 'esignature' ? `${bases.baseUri.replace(/\/+$/, '')}/restapi` : bases.adminBase
  ).replace(/\/+$/, '');
  const url = new URL(`${base}${req.path}`);
  for (const [name, value] of Object.entries(req.query)) url.searchParams.set(name, value);
  return url;
}
