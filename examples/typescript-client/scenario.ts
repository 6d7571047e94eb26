/**
 * A typed client of the gateway, generated from the committed openapi.yaml (openapi-typescript → schema.d.ts,
 * called with openapi-fetch), walking one real scenario: page through users, send a signing request from a template
 * with a prefilled field, sign it in an embedded view, wait for completion, download the signed PDF.
 * Copy this folder into your project and run `npx openapi-typescript <gateway>/openapi.json -o schema.d.ts`.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type Schemas = components['schemas'];
/**
 * Answers are typed "unified record or DocuSign's raw record" (`response_format=raw`). This client never asks for raw,
 * so it says which one it holds. The same pattern reaches fields your mapping overrides add:
 * `type MyUser = Schemas['User'] & { company?: string | null }`.
 */
const unified = <T>(record: T | Schemas['DocuSignRecord']): T => record as T;

export interface ScenarioOptions {
  /** The gateway, e.g. http://localhost:8080 (`npm start`). */
  baseUrl: string;
  /** An API key (`dgw_…`, printed by the first `npm start`). */
  apiKey: string;
  /** The connection to use (`ia_…`, in the printed curl line). */
  integratedAccountId: string;
  /**
   * Signs in the embedded view at `url`. DocuSign's view is a page for a person; the default drives the built-in
   * sandbox's signing page (open it, press "Sign"). Against real DocuSign, open the URL in a browser instead.
   */
  sign?: (url: string) => Promise<void>;
  /** Waits between status checks (default 500 ms). */
  pause?: () => Promise<void>;
  log?: (line: string) => void;
}

export interface ScenarioResult {
  users: number;
  pages: number;
  signingRequestId: string;
  /** The DocuSign account the request was created in. */
  accountId: string;
  status: string;
  pdf: Uint8Array;
}

/** Opens the sandbox's signing page (which marks the participant delivered) and presses "Sign". */
export async function signInSandbox(url: string): Promise<void> {
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`signing page answered ${page.status}`);
  const done = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=sign',
    redirect: 'manual',
  });
  if (done.status !== 302 || !done.headers.get('location')?.includes('event=signing_complete')) {
    throw new Error(`signing did not complete: ${done.status} ${done.headers.get('location')}`);
  }
}

/** Fails with the gateway's error body (`{error:{code,message,…}}`) when a call did not succeed. */
function must<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.data === undefined) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

/** Walks the scenario and returns what it saw. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => {});
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 500)));
  const sign = options.sign ?? signInSandbox;
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
  });
  const ia = options.integratedAccountId;

  // 1. Page through users until next_cursor is null (a page may be shorter than `limit` and still have a next one).
  let cursor: string | undefined;
  let users = 0;
  let pages = 0;
  do {
    const page = must(
      await client.GET('/unified/user-directory/users', {
        params: { query: { integrated_account_id: ia, limit: 5, ...(cursor ? { cursor } : {}) } },
      }),
      'listUsers',
    );
    for (const record of page.result) {
      const user = unified<Schemas['User']>(record);
      log(
        `user ${user.name ?? user.id} <${user.emails.find((e) => e.is_primary)?.email ?? '-'}> ${user.status}`,
      );
    }
    users += page.result.length;
    pages++;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  log(`${users} users in ${pages} pages`);

  // 2. A template whose roles all sign; its roles (and their fields) come with GET by id.
  const templates = must(
    await client.GET('/unified/e-signature/templates', { params: { query: { integrated_account_id: ia } } }),
    'listTemplates',
  );
  let template: Schemas['Template'] | undefined;
  for (const record of templates.result) {
    const { id, account_id } = unified<Schemas['Template']>(record);
    const candidate = unified<Schemas['Template']>(
      must(
        await client.GET('/unified/e-signature/templates/{id}', {
          params: { path: { id }, query: { integrated_account_id: ia, account_id } },
        }),
        'getTemplate',
      ),
    );
    const roles = candidate.roles ?? [];
    if (roles.length > 0 && roles.every((role) => role.type === 'signer' && role.name)) {
      template = candidate;
      break;
    }
  }
  if (!template) throw new Error('no template with signer roles');
  log(`template ${template.name} (${template.id})`);
  // A connection may cover several DocuSign accounts (`npm start`'s sandbox covers all of its user's): the request
  // is created in the template's account, and later calls name that account too.
  const inAccount = { integrated_account_id: ia, account_id: template.account_id };

  // 3. Create and send the signing request: one embedded participant per role, text fields prefilled by label.
  const roles = template.roles ?? [];
  const created = unified<Schemas['SigningRequest']>(
    must(
      await client.POST('/unified/e-signature/signing-requests', {
        params: {
          query: inAccount,
          // A retry with the same key replays the first answer instead of sending a second envelope.
          header: { 'idempotency-key': `example-${template.id}-${Date.now()}` },
        },
        body: {
          template_id: template.id,
          name: `Example: ${template.name}`,
          send: true,
          participants: roles.map((role, index) => ({
            template_role: role.name ?? '',
            name: `Signer ${index + 1}`,
            email: `signer${index + 1}@example.com`,
            client_user_id: `example-signer-${index + 1}`,
            fields: (role.fields ?? [])
              .filter((field) => field.type === 'text' && field.label)
              .map((field) => ({ type: 'text' as const, label: field.label ?? '', value: 'Acme Ltd' })),
          })),
        },
      }),
      'createSigningRequest',
    ),
  );
  log(`signing request ${created.id}: ${created.status.id}`);

  // 4. Each participant, in routing order, signs in an embedded view.
  const signers = [...created.participants].sort((a, b) => (a.routing_order ?? 0) - (b.routing_order ?? 0));
  for (const participant of signers) {
    const view = must(
      await client.POST('/unified/e-signature/signing-requests/{id}/embed-url', {
        params: { path: { id: created.id }, query: inAccount },
        body: { participant_id: participant.id, return_url: 'https://app.example/signed' },
      }),
      'createSigningRequestEmbedUrl',
    );
    log(`participant ${participant.id} signs at ${unified<Schemas['SigningRequestEmbedUrl']>(view).url}`);
    await sign(unified<Schemas['SigningRequestEmbedUrl']>(view).url);
  }

  // 5. Wait for completion (a webhook subscription would tell you; polling keeps the example self-contained).
  let status = created.status.id;
  for (let attempt = 0; attempt < 60 && status !== 'completed'; attempt++) {
    if (attempt > 0) await pause();
    const current = unified<Schemas['SigningRequest']>(
      must(
        await client.GET('/unified/e-signature/signing-requests/{id}', {
          params: { path: { id: created.id }, query: inAccount },
        }),
        'getSigningRequest',
      ),
    );
    status = current.status.id;
  }
  log(`status ${status}`);
  if (status !== 'completed') throw new Error(`signing request ${created.id} is ${status}, not completed`);

  // 6. Download the signed PDF (all documents combined), as bytes.
  const download = await client.GET('/unified/e-signature/signing-requests/{id}/download', {
    params: { path: { id: created.id }, query: { ...inAccount, document: 'combined' } },
    parseAs: 'arrayBuffer',
  });
  const pdf = new Uint8Array(must(download, 'downloadSigningRequest'));
  log(`downloaded ${pdf.byteLength} bytes (${download.response.headers.get('content-type')})`);
  return { users, pages, signingRequestId: created.id, accountId: template.account_id, status, pdf };
}
