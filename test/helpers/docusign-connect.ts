import type { DocusignAppConfig } from '../../src/connections/docusign-app';
import {
  createDocusignSimulator,
  type DocusignSimulator,
  type SimulatorOptions,
} from '../../src/sandbox/docusign';
import { testKeyPair } from './keys';

/** @deprecated Import `createFakeClock` from ./clock (kept so branches written against this path still build). */
export { createFakeClock } from './clock';

/** @deprecated Use `testKeyPair()` from ./keys: one pair per process instead of one per call. */
export const createRsaKeyPair = () => testKeyPair();

/** A small simulator with the gateway's callback registered and, optionally, a JWT public key for the default app. */
export function createConnectSimulator(
  options: { gatewayUrl: string; publicKeyPem?: string } & Omit<SimulatorOptions, 'redirectUris'>,
): DocusignSimulator {
  const { gatewayUrl, publicKeyPem, ...rest } = options;
  return createDocusignSimulator({
    scale: { users: 12, envelopes: 10, templates: 2, groups: 2 },
    rateLimits: { hourly: 100_000, burst: 100_000 },
    ...rest,
    redirectUris: [`${gatewayUrl}/oauth/callback`],
    defaultClientPublicKeyPem: publicKeyPem,
  });
}

/** The gateway's DocuSign configuration pointing its `sandbox` environment at the simulator. */
export function simulatorDocusignConfig(sim: DocusignSimulator): DocusignAppConfig {
  return {
    defaultEnvironment: 'sandbox',
    environments: {
      sandbox: {
        oauthBase: sim.origin,
        adminBase: `${sim.origin}/management`,
        clientId: sim.defaults.clientId,
        clientSecret: sim.defaults.clientSecret,
      },
    },
  };
}

/** Sends a request to whichever side (gateway or simulator) owns the URL. */
export type Transport = (url: string, init?: RequestInit) => Promise<Response>;

/** The end user's choices on the hosted connect page and the simulator's consent page. */
export interface CodeGrantChoices {
  permission?: 'read' | 'read_write';
  accountId?: string;
  allAccounts?: boolean;
  /** `deny` presses Deny on the consent page. */
  decision?: 'allow' | 'deny';
  email?: string;
}

/** What a browser-less walk through the code-grant flow saw. */
export interface CodeGrantResult {
  /** The gateway's final answer to `/oauth/callback` (a redirect to `return_url`, or a result page). */
  callback: Response;
  /** The callback URL the simulator redirected to (carries `code` and `state`). */
  callbackUrl: string;
}

/**
 * Walks the hosted connect flow with plain HTTP and manual redirects, as a browser would: submit the connect page,
 * follow to DocuSign's consent page, Allow or Deny, and deliver the redirect to the gateway's callback.
 */
export async function walkCodeGrant(
  transport: Transport,
  linkUrl: string,
  choices: CodeGrantChoices = {},
): Promise<CodeGrantResult> {
  const form = new URLSearchParams({ permission: choices.permission ?? 'read' });
  if (choices.accountId) form.set('account_id', choices.accountId);
  if (choices.allAccounts) form.set('all_accounts', 'true');
  const submitted = await transport(linkUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  if (submitted.status !== 302) {
    throw new Error(`connect page answered ${submitted.status}: ${await submitted.text()}`);
  }
  const authorizeUrl = new URL(submitted.headers.get('location')!);
  const consentPage = await transport(authorizeUrl.toString(), { redirect: 'manual' });
  if (consentPage.status !== 200) throw new Error(`consent page answered ${consentPage.status}`);
  await consentPage.text();

  // The consent form posts back the authorization request's parameters (the simulator renders them as hidden inputs).
  const consent = new URLSearchParams(authorizeUrl.searchParams);
  consent.set('email', choices.email ?? 'sandbox.admin@example.com');
  consent.set('decision', choices.decision ?? 'allow');
  const decided = await transport(`${authorizeUrl.origin}/oauth/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: consent.toString(),
    redirect: 'manual',
  });
  if (decided.status !== 302) throw new Error(`consent answered ${decided.status}: ${await decided.text()}`);
  const callbackUrl = decided.headers.get('location')!;
  const callback = await transport(callbackUrl, { redirect: 'manual' });
  return { callback, callbackUrl };
}

/** Routes URLs of the gateway's public origin to `app.request` and everything else to the simulator. */
export function inProcessTransport(
  gateway: { request(url: string, init?: RequestInit): Response | Promise<Response> },
  gatewayUrl: string,
  sim: DocusignSimulator,
): Transport {
  return async (url, init) =>
    url.startsWith(gatewayUrl) ? gateway.request(url, init) : sim.fetch(url, init);
}

/** Switches for `rejectingEsignature`: how many eSignature calls to refuse next, or all of them. */
export interface EsignatureRejections {
  /** Refuse this many eSignature calls, counting down. */
  next: number;
  /** Refuse every eSignature call while true. */
  always: boolean;
  /** eSignature calls refused so far. */
  refused: number;
}

/**
 * Wraps an upstream fetch so eSignature calls can be answered with DocuSign's 401 (a revoked or invalid token),
 * whatever the token: set `rejections.next` or `rejections.always`.
 */
export function rejectingEsignature(fetchFn: typeof fetch): {
  fetch: typeof fetch;
  rejections: EsignatureRejections;
} {
  const rejections: EsignatureRejections = { next: 0, always: false, refused: 0 };
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if ((rejections.always || rejections.next > 0) && url.includes('/restapi/')) {
      if (rejections.next > 0) rejections.next--;
      rejections.refused++;
      return Response.json({ errorCode: 'USER_AUTHENTICATION_FAILED', message: 'revoked' }, { status: 401 });
    }
    return fetchFn(input, init);
  };
  return { fetch: wrapped as typeof fetch, rejections };
}
