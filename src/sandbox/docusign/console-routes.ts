/** The pages behind sender, edit and correct view URLs (stand-ins for DocuSign's web app). */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from './context';
import { sendEnvelope } from './envelope-lifecycle';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function back(returnUrl: string, event: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('event', event);
  return url.toString();
}

const INVALID = '<!doctype html><title>Invalid link</title><h1>This link is not valid.</h1>';

/**
 * Registers `/console/:token`. GET shows the envelope with Send (sender/edit views of a draft), Save and
 * Cancel; POST applies the choice once and redirects to `returnUrl?event=Send|Save|Cancel`.
 */
export function registerConsoleRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const load = (token: string) => {
    const session = sim.consoleSessions.get(token);
    if (!session) return undefined;
    const account = sim.state.accounts.get(session.accountId)!;
    const envelope = account.envelopesById.get(session.envelopeId)!;
    return { session, account, envelope };
  };

  app.get('/console/:token', (c) => {
    const found = load(c.req.param('token'));
    if (!found) return c.html(INVALID, 404);
    const { session, envelope } = found;
    if (session.stage !== 'new' || session.expiresMs <= sim.now()) {
      session.stage = 'done';
      return c.redirect(back(session.returnUrl, 'ttl_expired'), 302);
    }
    session.stage = 'opened';
    const recipients = envelope.recipients
      .map(
        (r) => `<li>${escapeHtml(r.name)} &lt;${escapeHtml(r.email)}&gt; (${r.type}, ${r.routingOrder})</li>`,
      )
      .join('');
    const send =
      session.kind === 'correct' ? '' : '<button type="submit" name="decision" value="send">Send</button>';
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${session.kind}: ${escapeHtml(envelope.emailSubject)}</title></head>
<body><main>
  <h1>${escapeHtml(envelope.emailSubject)}</h1>
  <h2>Recipients</h2><ul>${recipients}</ul>
  <form method="post" action="${escapeHtml(c.req.param('token'))}">
    ${send}
    <button type="submit" name="decision" value="save">Save</button>
    <button type="submit" name="decision" value="cancel">Cancel</button>
  </form>
</main></body></html>`);
  });

  app.post('/console/:token', async (c) => {
    const found = load(c.req.param('token'));
    if (!found) return c.html(INVALID, 404);
    const { session, account, envelope } = found;
    if (session.stage !== 'opened') return c.redirect(back(session.returnUrl, 'ttl_expired'), 302);
    session.stage = 'done';
    const decision = (await c.req.parseBody()).decision;
    if (decision === 'send' && session.kind !== 'correct' && envelope.status === 'created') {
      sendEnvelope(sim, account, envelope);
      return c.redirect(back(session.returnUrl, 'Send'), 302);
    }
    return c.redirect(back(session.returnUrl, decision === 'save' ? 'Save' : 'Cancel'), 302);
  });
}
