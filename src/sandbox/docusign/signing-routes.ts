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

/** Registers `/signing/:token`. */
export function registerSigningRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const load = (token: string) => {
    const session = sim.signingSessions.get(token);
    if (!session) return undefined;
    const account = sim.state.accounts.get(session.accountId)!;
    const envelope = account.envelopesById.get(session.envelopeId)!;
    return { session, account, envelope };
  };

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
