/**
 * The simulated DocuSign account server: `/oauth/auth` (consent page), `/oauth/token`
 * (authorization_code with optional PKCE S256, refresh_token with rotation, JWT bearer) and `/oauth/userinfo`.
 * Not in the OpenAPI specs; follows RFC 6749 / RFC 7636 / RFC 7523 and DocuSign's documented behaviour.
 */
import type { Context, Hono } from 'hono';
import { decodeJwt, importSPKI, jwtVerify } from 'jose';
import type { SimContext, SimEnv } from './context';
import { accountsOfUser, userIdsByEmail } from './state';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function oauthError(c: Context<SimEnv>, status: 400 | 401, error: string, description?: string): Response {
  return c.json(description ? { error, error_description: description } : { error }, status);
}

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function consentPage(params: Record<string, string>, email: string, clientId: string): string {
  const hidden = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DocuSign simulator: allow access</title></head>
<body>
  <main>
    <h1>Allow access to your DocuSign account?</h1>
    <p>The application <strong>${escapeHtml(clientId)}</strong> asks for: <code>${escapeHtml(params.scope ?? 'signature')}</code>.</p>
    <form method="post" action="auth">
      ${hidden}
      <p><label for="email">Sign in as (email)</label>
      <input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(email)}"></p>
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>
  </main>
</body>
</html>`;
}

function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  return url.toString();
}

function basicClient(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  try {
    const decoded = atob(header.slice(6).trim());
    const i = decoded.indexOf(':');
    if (i < 0) return undefined;
    return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
  } catch {
    return undefined;
  }
}

/** Registers the OAuth routes on the simulator app. */
export function registerOAuthRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const AUTH_PARAMS = [
    'response_type',
    'client_id',
    'redirect_uri',
    'scope',
    'state',
    'code_challenge',
    'code_challenge_method',
  ];

  app.get('/oauth/auth', (c) => {
    const q = c.req.query();
    const client = sim.oauth.clients.get(q.client_id ?? '');
    // An unknown client or redirect URI must not redirect (RFC 6749 §4.1.2.1).
    if (!client) return c.html('<!doctype html><title>Error</title><h1>Unknown client_id</h1>', 400);
    if (!q.redirect_uri || !client.redirectUris.includes(q.redirect_uri)) {
      return c.html(
        '<!doctype html><title>Error</title><h1>The redirect URI is not registered for this client</h1>',
        400,
      );
    }
    if (q.response_type !== 'code') {
      return c.redirect(
        redirectWith(q.redirect_uri, { error: 'unsupported_response_type', state: q.state }),
        302,
      );
    }
    if (q.code_challenge && q.code_challenge_method !== 'S256') {
      return c.redirect(redirectWith(q.redirect_uri, { error: 'invalid_request', state: q.state }), 302);
    }
    const params: Record<string, string> = {};
    for (const k of AUTH_PARAMS) if (q[k] !== undefined) params[k] = q[k];
    const hint = q.login_hint ?? '';
    const fallback = sim.state.users.values().next().value;
    return c.html(consentPage(params, hint || (fallback?.email ?? ''), client.clientId));
  });

  app.post('/oauth/auth', async (c) => {
    const form = await c.req.parseBody();
    const get = (k: string): string => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const client = sim.oauth.clients.get(get('client_id'));
    const redirectUri = get('redirect_uri');
    if (!client?.redirectUris.includes(redirectUri)) {
      return c.html('<!doctype html><title>Error</title><h1>Invalid client or redirect URI</h1>', 400);
    }
    const state = get('state') || undefined;
    if (get('decision') !== 'allow')
      return c.redirect(redirectWith(redirectUri, { error: 'access_denied', state }), 302);
    const userId = userIdsByEmail(sim.state, get('email'))[0];
    if (!userId) return c.html('<!doctype html><title>Error</title><h1>No user with that email</h1>', 400);
    const scope = get('scope') || 'signature';
    sim.oauth.grantConsent(userId, client.clientId, scope.split(/\s+/).filter(Boolean));
    const code = sim.oauth.createCode({
      clientId: client.clientId,
      userId,
      redirectUri,
      scope,
      codeChallenge: get('code_challenge') || undefined,
      codeChallengeMethod: get('code_challenge_method') || undefined,
    });
    return c.redirect(redirectWith(redirectUri, { code, state }), 302);
  });

  app.post('/oauth/token', async (c) => {
    const form = await c.req.parseBody();
    const get = (k: string): string => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const grantType = get('grant_type');
    c.set('grantType', grantType);

    if (grantType === JWT_GRANT) return jwtGrant(c, sim, get('assertion'));

    // Code and refresh grants authenticate the client with HTTP Basic; a PKCE public client may send client_id only.
    const basic = basicClient(c.req.header('authorization'));
    const clientId = basic?.id ?? get('client_id');
    const client = sim.oauth.clients.get(clientId);
    if (!client) return oauthError(c, 401, 'invalid_client');
    if (basic) {
      if (!client.clientSecret || basic.secret !== client.clientSecret)
        return oauthError(c, 401, 'invalid_client');
    } else if (client.clientSecret && !(grantType === 'authorization_code' && get('code_verifier'))) {
      return oauthError(c, 401, 'invalid_client');
    }

    if (grantType === 'authorization_code') {
      const code = sim.oauth.redeemCode(get('code'));
      if (!code || code.clientId !== client.clientId) return oauthError(c, 400, 'invalid_grant');
      if (get('redirect_uri') && get('redirect_uri') !== code.redirectUri)
        return oauthError(c, 400, 'invalid_grant');
      if (code.codeChallenge) {
        const verifier = get('code_verifier');
        if (!verifier || (await s256(verifier)) !== code.codeChallenge)
          return oauthError(c, 400, 'invalid_grant');
      } else if (!basic) {
        return oauthError(c, 401, 'invalid_client');
      }
      return c.json(sim.oauth.issue(code.userId, client.clientId, code.scope, 'authorization_code'));
    }
    if (grantType === 'refresh_token') {
      if (!basic) return oauthError(c, 401, 'invalid_client');
      const grant = sim.oauth.spendRefreshToken(get('refresh_token'), client.clientId);
      if (!grant) return oauthError(c, 400, 'invalid_grant');
      return c.json(sim.oauth.issue(grant.userId, client.clientId, grant.scope, 'refresh_token'));
    }
    return oauthError(c, 400, 'unsupported_grant_type');
  });

  app.get('/oauth/userinfo', (c) => {
    const header = c.req.header('authorization') ?? '';
    const grant = header.startsWith('Bearer ')
      ? sim.oauth.lookupAccessToken(header.slice(7).trim())
      : 'unknown';
    if (typeof grant === 'string')
      return oauthError(
        c,
        401,
        'invalid_request',
        'The access token provided is expired, revoked or malformed.',
      );
    const user = sim.state.users.get(grant.userId);
    if (!user) return oauthError(c, 401, 'invalid_request');
    const org = sim.state.organization;
    const accounts = accountsOfUser(sim.state, user.userId)
      .filter((a) => a.membersById.get(user.userId)?.status !== 'Closed')
      .map((a, i) => ({
        account_id: a.accountId,
        is_default: i === 0,
        account_name: a.accountName,
        base_uri: sim.origin,
        ...(org.accountIds.includes(a.accountId)
          ? {
              organization: {
                organization_id: org.organizationId,
                links: [
                  { rel: 'self', href: `${sim.origin}/management/v2/organizations/${org.organizationId}` },
                ],
              },
            }
          : {}),
      }));
    return c.json({
      sub: user.userId,
      name: `${user.firstName} ${user.lastName}`,
      given_name: user.firstName,
      family_name: user.lastName,
      created: new Date(user.createdMs).toISOString(),
      email: user.email,
      accounts,
    });
  });
}

async function jwtGrant(c: Context<SimEnv>, sim: SimContext, assertion: string): Promise<Response> {
  if (!assertion) return oauthError(c, 400, 'invalid_request', 'assertion is required');
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(assertion).iss;
  } catch {
    return oauthError(c, 400, 'invalid_grant', 'malformed assertion');
  }
  const client = issuer ? sim.oauth.clients.get(issuer) : undefined;
  if (!client?.publicKeyPem) return oauthError(c, 400, 'invalid_grant', 'no_valid_keys_or_signatures');
  const audience = new URL(sim.origin).host;
  let subject: string | undefined;
  let scope = 'signature';
  try {
    const key = await importSPKI(client.publicKeyPem, 'RS256');
    const { payload } = await jwtVerify(assertion, key, {
      issuer: client.clientId,
      audience,
      algorithms: ['RS256'],
      currentDate: new Date(sim.now()),
    });
    subject = payload.sub;
    if (typeof payload.scope === 'string') scope = payload.scope;
  } catch {
    return oauthError(c, 400, 'invalid_grant', 'no_valid_keys_or_signatures');
  }
  if (!subject || !sim.state.users.has(subject)) return oauthError(c, 400, 'invalid_grant', 'user_not_found');
  // JWT impersonation needs the user's consent to the `impersonation` scope (DocuSign's documented rule).
  if (!sim.oauth.hasConsent(subject, client.clientId, ['impersonation']))
    return oauthError(c, 400, 'consent_required');
  return c.json(sim.oauth.issue(subject, client.clientId, scope, 'jwt'));
}
