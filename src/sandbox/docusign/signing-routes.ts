/** The embedded signing page behind `views/recipient` URLs (a stand-in for DocuSign's signing UI). */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from './context';
import { declineRecipient, deliverRecipient, signRecipient } from './envelope-lifecycle';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function back(returnUrl: string, event: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('event', event);
  return url.toString();
}

/** Registers `/` (a landing page with the seeded defaults) and `/signing/:token`. */
export function registerSigningRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const load = (token: string) => {
    const session = sim.signingSessions.get(token);
    if (!session) return undefined;
    const account = sim.state.accounts.get(session.accountId)!;
    const envelope = account.envelopesById.get(session.envelopeId)!;
    return { session, account, envelope };
  };

  app.get('/', (c) => {
    const { organization } = sim.state;
    const client = [...sim.oauth.clients.values()][0];
    const admin = sim.state.users.get(organization.createdBy);
    const accounts = organization.accountIds
      .map((id) => sim.state.accounts.get(id)!)
      .map((a) => `<li>${escapeHtml(a.accountName)}: <code>${a.accountId}</code></li>`)
      .join('');
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DocuSign simulator</title></head>
<body><main>
  <h1>DocuSign simulator</h1>
  <p>A seeded fake of DocuSign for trying the gateway without a DocuSign account.</p>
  <dl>
    <dt>OAuth base</dt><dd><code>${escapeHtml(sim.origin)}/oauth</code></dd>
    <dt>eSignature base_uri</dt><dd><code>${escapeHtml(sim.origin)}</code> (paths under <code>/restapi/v2.1</code>)</dd>
    <dt>Admin API</dt><dd><code>${escapeHtml(sim.origin)}/management</code></dd>
    <dt>Client id</dt><dd><code>${escapeHtml(client?.clientId ?? '')}</code></dd>
    <dt>Default user</dt><dd><code>${escapeHtml(admin?.email ?? '')}</code></dd>
    <dt>Organization</dt><dd><code>${organization.organizationId}</code></dd>
    <dt>Sandbox control API</dt><dd><code>${escapeHtml(sim.origin)}/__sandbox</code> (not part of DocuSign)</dd>
  </dl>
  <h2>Accounts</h2><ul>${accounts}</ul>
</main></body></html>`);
  });

  app.get('/signing/:token', (c) => {
    const found = load(c.req.param('token'));
    if (!found)
      return c.html(
        '<!doctype html><title>Invalid link</title><h1>This signing link is not valid.</h1>',
        404,
      );
    const { session, account, envelope } = found;
    if (session.stage !== 'new' || session.expiresMs <= sim.now()) {
      session.stage = 'done';
      return c.redirect(back(session.returnUrl, 'ttl_expired'), 302);
    }
    session.stage = 'opened';
    deliverRecipient(sim, account, envelope, session.recipientId);
    const docs = envelope.documents.map((d) => `<li>${escapeHtml(d.name)}</li>`).join('');
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign: ${escapeHtml(envelope.emailSubject)}</title></head>
<body><main>
  <h1>${escapeHtml(envelope.emailSubject)}</h1>
  <p>${escapeHtml(envelope.emailBlurb)}</p>
  <h2>Documents</h2><ul>${docs}</ul>
  <form method="post" action="${escapeHtml(c.req.param('token'))}">
    <button type="submit" name="decision" value="sign">Sign</button>
    <button type="submit" name="decision" value="decline">Decline</button>
  </form>
</main></body></html>`);
  });

  app.post('/signing/:token', async (c) => {
    const found = load(c.req.param('token'));
    if (!found)
      return c.html(
        '<!doctype html><title>Invalid link</title><h1>This signing link is not valid.</h1>',
        404,
      );
    const { session, account, envelope } = found;
    if (session.stage !== 'opened') return c.redirect(back(session.returnUrl, 'ttl_expired'), 302);
    session.stage = 'done';
    const form = await c.req.parseBody();
    if (form.decision === 'decline') {
      declineRecipient(sim, account, envelope, session.recipientId, 'Declined in the signing view');
      return c.redirect(back(session.returnUrl, 'decline'), 302);
    }
    signRecipient(sim, account, envelope, session.recipientId);
    return c.redirect(back(session.returnUrl, 'signing_complete'), 302);
  });
}
