/**
 * examples/typescript-client: its generated types match the committed openapi.yaml, and its scenario runs against a
 * gateway and the DocuSign simulator, both over real HTTP, so a breaking API change fails here.
 */
import { readFile } from 'node:fs/promises';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../../examples/typescript-client/scenario';
import type { paths } from '../../../examples/typescript-client/schema';
import type { DocusignSimulator } from '../../../src/sandbox/docusign/index';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { listen } from '../../helpers/http-server';

const EXAMPLE = new URL('../../../examples/typescript-client/', import.meta.url);
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

let t: ConnectedApp;
let gatewayUrl: string;
let ia: string;
beforeAll(async () => {
  // The simulator listens on a real port and names it as its origin, so the signing URLs it hands out are reachable.
  let sim: DocusignSimulator | undefined;
  const simServer = await listen((req) => sim!.serverFetch(req));
  cleanups.push(simServer.close);
  t = await createConnectedApp({ sim: { origin: simServer.url } });
  sim = t.sim;
  cleanups.push(t.close);
  const gateway = await listen((req) => t.app.fetch(req));
  cleanups.push(gateway.close);
  gatewayUrl = gateway.url;
  // Like `npm start`'s sandbox connection: all of the user's DocuSign accounts, so writes must name one.
  ia = await t.connect({ permission: 'read_write', allAccounts: true });
});

describe('examples/typescript-client', () => {
  it('schema.d.ts is what openapi-typescript generates from the committed openapi.yaml (npm run client:generate)', {
    timeout: 120_000,
  }, async () => {
    const committed = await readFile(new URL('schema.d.ts', EXAMPLE), 'utf8');
    const generated = astToString(
      // As `npm run client:generate`: a request field with a default is optional, not required.
      await openapiTS(new URL('../../../openapi.yaml', import.meta.url), { defaultNonNullable: false }),
    );
    // The CLI adds a header comment; the types themselves must be identical.
    expect(committed.slice(committed.indexOf('export interface paths'))).toBe(
      generated.slice(generated.indexOf('export interface paths')),
    );
  });

  it('pages through users, signs a template-based request in embedded views, waits for completion, downloads the PDF', {
    timeout: 120_000,
  }, async () => {
    const lines: string[] = [];
    const result = await runScenario({
      baseUrl: gatewayUrl,
      apiKey: t.apiKey,
      integratedAccountId: ia,
      pause: async () => {},
      log: (line) => lines.push(line),
    });
    expect(result.pages).toBeGreaterThan(1);
    expect(result.users).toBe(lines.filter((line) => line.startsWith('user ')).length);
    expect(result.status).toBe('completed');
    expect(new TextDecoder().decode(result.pdf.slice(0, 4))).toBe('%PDF');
    // The template's text field was prefilled for the signer who has it.
    const read = await t.request(
      `/unified/e-signature/signing-requests/${result.signingRequestId}?integrated_account_id=${ia}&account_id=${result.accountId}`,
    );
    const request = (await read.json()) as {
      participants: { fields?: { label: string | null; value: unknown }[] }[];
    };
    const fields = request.participants.flatMap((p) => p.fields ?? []);
    expect(fields).toContainEqual(expect.objectContaining({ label: 'Company', value: 'Acme Ltd' }));
  });

  it('calls multi-segment DocuSign paths through the proxy with the generated client (slashes sent as %2F)', async () => {
    const client = createClient<paths>({
      baseUrl: gatewayUrl,
      headers: { authorization: `Bearer ${t.apiKey}` },
      // DocuSign's own query parameters: each property of `docusign_query` is its own parameter (form, exploded).
      querySerializer: { object: { style: 'form', explode: true } },
    });
    const users = await client.GET('/proxy/{api}/{path}', {
      params: {
        path: { api: 'esignature', path: 'users' },
        query: { integrated_account_id: ia, docusign_query: { count: '2' } },
      },
    });
    expect(users.response.status).toBe(200);
    const list = users.data as { users: { userId: string }[] };
    expect(list.users).toHaveLength(2);

    const userId = list.users[0]!.userId;
    const oneUser = await client.GET('/proxy/{api}/{path}', {
      params: {
        path: { api: 'esignature', path: `users/${userId}` },
        query: { integrated_account_id: ia },
      },
    });
    expect(new URL(oneUser.response.url).pathname).toBe(`/proxy/esignature/users%2F${userId}`);
    expect(oneUser.response.status).toBe(200);
    const lastUpstream = t.sim.log.entries.at(-1)!;
    expect(lastUpstream.path).toMatch(new RegExp(`/users/${userId}$`));

    const organizations = await client.GET('/proxy/{api}/{path}', {
      params: { path: { api: 'admin', path: 'v2/organizations' }, query: { integrated_account_id: ia } },
    });
    expect(organizations.response.status).toBe(200);
    expect(organizations.data).toHaveProperty('organizations');

    // Traversal stays refused however the slashes are encoded, in the gateway's error shape.
    const traversal = await client.GET('/proxy/{api}/{path}', {
      params: {
        path: { api: 'esignature', path: 'users/../../other' },
        query: { integrated_account_id: ia },
      },
    });
    expect(traversal.response.status).toBe(400);
    expect(traversal.error).toMatchObject({ error: { code: 'invalid_request' } });
  });
});
