/** The sandbox control API (`/__sandbox/…`): what a test or an integrator drives instead of DocuSign's web UI. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { type EnvironmentControls, registerEnvironmentControlRoutes } from './environment';
import { registerOAuthControlRoutes } from './oauth';
import { CONTROL_PREFIX } from './prefix';
import { registerRecipientControlRoutes } from './recipients';

/** Every control route, as `GET /__sandbox` lists them (README.md documents each). */
export const CONTROL_ROUTES = [
  'GET    /__sandbox',
  'POST   /__sandbox/envelopes/{envelopeId}/recipients/{recipientId}/open',
  'POST   /__sandbox/envelopes/{envelopeId}/recipients/{recipientId}/sign     {tabValues?}',
  'POST   /__sandbox/envelopes/{envelopeId}/recipients/{recipientId}/decline  {reason?}',
  'GET    /__sandbox/clock',
  'POST   /__sandbox/clock/advance  {days?, hours?, minutes?, seconds?}',
  'GET    /__sandbox/reminders',
  'POST   /__sandbox/reset  {seed?, scale?: {users?, envelopes?, templates?, groups?}}',
  'GET|PUT|POST|DELETE /__sandbox/faults  PUT {rules: [rule]}, POST rule',
  'GET|PUT /__sandbox/rate-limits  {hourly?, burst?, burstWindowSeconds?}',
  'GET    /__sandbox/connect/deliveries?envelopeId=&event=&state=',
  'GET|DELETE /__sandbox/requests?pathPrefix=&method=&api=',
  'GET|POST /__sandbox/clients  {clientId, clientSecret?, redirectUris?, publicKeyPem?}',
  'PUT    /__sandbox/clients/{clientId}/public-key  {publicKeyPem}',
  'POST|DELETE /__sandbox/consent  {clientId?, userId? | email?, scopes?}',
];

/** Registers the control API on the simulator app. */
export function registerControlRoutes(
  app: Hono<SimEnv>,
  sim: SimContext,
  controls: EnvironmentControls,
): void {
  app.get(CONTROL_PREFIX, (c) =>
    c.json({
      description: 'DocuSign sandbox control API (not part of DocuSign). See src/sandbox/docusign/README.md.',
      routes: CONTROL_ROUTES,
    }),
  );
  registerRecipientControlRoutes(app, sim);
  registerEnvironmentControlRoutes(app, sim, controls);
  registerOAuthControlRoutes(app, sim);
}
