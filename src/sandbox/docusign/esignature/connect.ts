/** eSignature Connect configurations (account-level webhooks). */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { connectConfigView } from '../esignature-views';
import type { SimConnectConfig } from '../state';
import { EsignError, readJson, requireAdmin as requireAccountAdmin, str } from './common';

type Body = Record<string, unknown>;
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const flag = (v: unknown, fallback: string): string =>
  v === true || v === 'true' ? 'true' : v === false || v === 'false' ? 'false' : fallback;

function applyBody(config: SimConnectConfig, body: Body): void {
  if (str(body.name) !== undefined) config.name = str(body.name)!;
  if (str(body.urlToPublishTo) !== undefined) config.urlToPublishTo = str(body.urlToPublishTo)!;
  if (str(body.configurationType) !== undefined) config.configurationType = str(body.configurationType)!;
  config.allUsers = flag(body.allUsers, config.allUsers);
  config.userIds = strings(body.userIds) ?? config.userIds;
  config.envelopeEvents = strings(body.envelopeEvents) ?? config.envelopeEvents;
  config.recipientEvents = strings(body.recipientEvents) ?? config.recipientEvents;
  config.events = strings(body.events) ?? config.events;
  if (typeof body.eventData === 'object' && body.eventData !== null) {
    const ed = body.eventData as Body;
    config.eventData = {
      version: str(ed.version),
      format: str(ed.format),
      includeData: strings(ed.includeData),
    };
  }
  config.includeHMAC = flag(body.includeHMAC, config.includeHMAC);
  config.includeDocuments = flag(body.includeDocuments, config.includeDocuments);
  config.requiresAcknowledgement = flag(body.requiresAcknowledgement, config.requiresAcknowledgement);
  config.enableLog = flag(body.enableLog, config.enableLog);
  config.allowEnvelopePublish = flag(body.allowEnvelopePublish, config.allowEnvelopePublish);
  if (str(body.deliveryMode) !== undefined) config.deliveryMode = str(body.deliveryMode)!;
}

function validUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Connect configurations need an account admin and Connect on the account's plan ("Connect must be enabled for your
 * account to use this function", spec). The error code for a plan without Connect is general knowledge [gk].
 */
function requireAdmin(c: Parameters<typeof requireAccountAdmin>[0]): void {
  requireAccountAdmin(c);
  if (c.get('account').plan.connectIncluded === false)
    throw new EsignError(
      'ACCOUNT_LACKS_PERMISSIONS',
      'This Account lacks sufficient permissions. Connect is not enabled for this account.',
    );
}

/** Registers `/connect` routes. */
export function registerConnectRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/connect', (c) => {
    requireAdmin(c);
    const configs = c.get('account').connectConfigs;
    return c.json({ configurations: configs.map(connectConfigView), totalRecords: String(configs.length) });
  });

  app.post('/connect', async (c) => {
    requireAdmin(c);
    const body = await readJson<Body>(c);
    const config: SimConnectConfig = {
      connectId: String(sim.state.nextNumericId++),
      name: '',
      urlToPublishTo: '',
      configurationType: 'custom',
      allUsers: 'false',
      userIds: [],
      envelopeEvents: [],
      recipientEvents: [],
      events: [],
      eventData: {},
      includeHMAC: 'false',
      includeDocuments: 'false',
      requiresAcknowledgement: 'false',
      enableLog: 'true',
      deliveryMode: 'SIM',
      allowEnvelopePublish: 'true',
    };
    applyBody(config, body);
    if (!validUrl(config.urlToPublishTo))
      throw new EsignError('INVALID_CONNECT_URL', 'urlToPublishTo must be an http(s) URL.');
    if (!config.name) config.name = config.urlToPublishTo;
    c.get('account').connectConfigs.push(config);
    return c.json(connectConfigView(config), 201);
  });

  app.put('/connect', async (c) => {
    requireAdmin(c);
    const body = await readJson<Body>(c);
    const config = c.get('account').connectConfigs.find((x) => x.connectId === str(body.connectId));
    if (!config) throw new EsignError('INVALID_CONNECT_ID', 'The Connect configuration ID is not valid.');
    applyBody(config, body);
    if (!validUrl(config.urlToPublishTo))
      throw new EsignError('INVALID_CONNECT_URL', 'urlToPublishTo must be an http(s) URL.');
    return c.json(connectConfigView(config));
  });

  app.get('/connect/:connectId', (c) => {
    requireAdmin(c);
    const config = c.get('account').connectConfigs.find((x) => x.connectId === c.req.param('connectId'));
    if (!config) throw new EsignError('INVALID_CONNECT_ID', 'The Connect configuration ID is not valid.');
    return c.json({ configurations: [connectConfigView(config)], totalRecords: '1' });
  });

  app.delete('/connect/:connectId', (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const before = account.connectConfigs.length;
    account.connectConfigs = account.connectConfigs.filter((x) => x.connectId !== c.req.param('connectId'));
    if (account.connectConfigs.length === before)
      throw new EsignError('INVALID_CONNECT_ID', 'The Connect configuration ID is not valid.');
    return c.body(null, 200);
  });
}
