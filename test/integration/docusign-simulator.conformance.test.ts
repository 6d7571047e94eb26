/**
 * Conformance of the DocuSign simulator with the official spec extracts: every route is exercised and every
 * response body (success and error) must validate, in strict mode (no properties the spec does not define).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocusignSimulator } from '../../src/sandbox/docusign';
import {
  findOperation,
  loadExtract,
  type SpecApi,
  validateAgainstSpec,
  validateRequestAgainstSpec,
} from '../helpers/spec-validator';

/** Loose JSON view for reading response bodies in assertions. */
interface Loose {
  [key: string]: Loose;
}

// Fields the newer official SDK model has but our 2022 spec file lacks (see shared SOURCE.md / DIGEST.md [sdk]).
const SDK_EXTRAS = ['envelopesInformation.nextUri', 'envelopesInformation.previousUri'];
// One option object for requests and responses, so ajv compiles the schema graph once.
const STRICT = { strict: true, allowExtra: SDK_EXTRAS };

let now = Date.parse('2026-06-01T12:00:00Z');
const sim = createDocusignSimulator({
  seed: 7,
  now: () => now,
  rateLimits: { hourly: 1_000_000, burst: 1_000_000 },
  connect: { fetch: async () => new Response('ok'), retry: { attempts: 1, baseDelayMs: 1 } },
});
const token = sim.issueTokens().access_token;
const [acc, acc2] = sim.defaults.accountIds as [string, string];
const org = sim.defaults.organizationId;
const me = sim.defaults.userId;
const covered = new Set<string>();
const A = (path: string) => `/restapi/v2.1/accounts/${acc}${path}`;
const M = (path: string) => `/management${path}`;

interface Result {
  status: number;
  body: Loose;
  bytes?: Uint8Array;
  headers: Headers;
}

const MALFORMED = Symbol('malformed body');

async function call(
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = token,
): Promise<Result> {
  const api: SpecApi = path.startsWith('/restapi') ? 'esignature' : 'admin';
  const match = findOperation(api, method, path);
  expect(match, `${method} ${path} is not an operation of the ${api} extract`).toBeDefined();
  const operationId = match!.operationId;
  if (body !== undefined && body !== MALFORMED) {
    expect(
      validateRequestAgainstSpec(api, operationId, body, STRICT),
      `request body of ${operationId}`,
    ).toEqual([]);
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Bearer ${auth}`;
  const res = await sim.fetch(`${sim.origin}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : body === MALFORMED ? '{"not json' : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  let payload: unknown;
  let bytes: Uint8Array | undefined;
  if (type.includes('application/json')) payload = await res.json();
  else if (type.includes('application/pdf')) payload = bytes = new Uint8Array(await res.arrayBuffer());
  else payload = (await res.text()) || undefined;
  const errors = validateAgainstSpec(api, operationId, res.status, payload, {
    strict: true,
    allowExtra: SDK_EXTRAS,
  });
  expect(errors, `${method} ${path} -> ${res.status} ${JSON.stringify(payload)?.slice(0, 300)}`).toEqual([]);
  covered.add(`${api}:${operationId}`);
  return { status: res.status, body: (payload ?? {}) as Loose, bytes, headers: res.headers };
}

/** A JSON array field (empty when absent). */
const arrayOf = (value: Loose | undefined): Loose[] => (value ?? []) as unknown as Loose[];

const expectError = (r: Result, status: number, code: string) => {
  expect(r.status).toBe(status);
  expect(r.body.errorCode ?? r.body.error).toBe(code);
};

describe('DocuSign simulator conformance (eSignature v2.1)', () => {
  it('serves account information and rejects foreign accounts', async () => {
    const r = await call('GET', A(''));
    expect(r.status).toBe(200);
    expect(r.body.accountIdGuid).toBe(acc);
    for (const h of [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-burstlimit-limit',
      'x-burstlimit-remaining',
    ]) {
      expect(r.headers.get(h), h).toMatch(/^\d+$/);
    }
    expect(r.headers.get('x-docusign-tracetoken')).toMatch(/^[0-9a-f-]{36}$/);
    expectError(
      await call('GET', '/restapi/v2.1/accounts/00000000-0000-4000-8000-000000000000'),
      400,
      'USER_LACKS_MEMBERSHIP',
    );
    expectError(await call('GET', A('/users'), undefined, null), 401, 'USER_AUTHENTICATION_FAILED');
    expectError(await call('GET', A('/users'), undefined, 'not-a-token'), 401, 'USER_AUTHENTICATION_FAILED');
  });

  it('serves the billing plan and invoices', async () => {
    const plan = await call('GET', A('/billing_plan'));
    expect(plan.body.billingPlan?.planName).toBeTypeOf('string');
    const list = await call('GET', A('/billing_invoices'));
    const invoices = list.body.billingInvoices as unknown as Loose[];
    expect(invoices.length).toBeGreaterThan(0);
    const one = await call('GET', A(`/billing_invoices/${invoices[0]!.invoiceId}`));
    expect(one.body.invoiceId).toBe(invoices[0]!.invoiceId);
    expectError(await call('GET', A('/billing_invoices/nope')), 400, 'INVALID_INVOICE_ID');
  });

  let newUserId = '';
  it('lists, creates, updates and closes users', async () => {
    const page = await call('GET', A('/users?count=5'));
    expect(page.body.resultSetSize).toBe('5');
    expect(page.body.totalSetSize).toBe(String(sim.account(acc)!.members.length));
    expect(String(page.body.nextUri)).toContain('start_position=5');
    const byEmail = await call(
      'GET',
      A(`/users?email=${encodeURIComponent(sim.defaults.userEmail)}&additional_info=true`),
    );
    expect((byEmail.body.users as unknown as Loose[])[0]?.userId).toBe(me);
    expectError(await call('GET', A('/users?status=Bogus')), 400, 'INVALID_REQUEST_PARAMETER');
    const one = await call('GET', A(`/users/${me}`));
    expect(one.body.isAdmin).toBe('true');
    expectError(await call('GET', A('/users/nope')), 400, 'INVALID_USERID');

    const created = await call('POST', A('/users'), {
      newUsers: [{ userName: 'New Person', email: 'new.person@example.org' }],
    });
    expect(created.status).toBe(201);
    newUserId = String((created.body.newUsers as unknown as Loose[])[0]!.userId);
    const dup = await call('POST', A('/users'), {
      newUsers: [{ userName: 'New Person', email: 'new.person@example.org' }],
    });
    expect((dup.body.newUsers as unknown as Loose[])[0]!.errorDetails?.errorCode).toBe(
      'USER_ALREADY_EXISTS_IN_ACCOUNT',
    );
    const updated = await call('PUT', A(`/users/${newUserId}`), { firstName: 'Renamed', jobTitle: 'Tester' });
    expect(updated.body.firstName).toBe('Renamed');
    expectError(await call('PUT', A('/users/nope'), { firstName: 'x' }), 400, 'INVALID_USERID');
    const closed = await call('DELETE', A('/users'), { users: [{ userId: newUserId }, { userId: 'nope' }] });
    const results = closed.body.users as unknown as Loose[];
    expect(results[0]!.userStatus).toBe('Closed');
    expect(results[1]!.errorDetails?.errorCode).toBe('INVALID_USERID');
    expect((await call('GET', A(`/users/${newUserId}`))).body.userStatus).toBe('Closed');
    expectError(await call('POST', A('/users'), {}), 400, 'INVALID_REQUEST_BODY');
  });

  it('serves permission profiles', async () => {
    const list = await call('GET', A('/permission_profiles?include=user_count'));
    const profiles = list.body.permissionProfiles as unknown as Loose[];
    expect(profiles.length).toBe(3);
    expect(Number(profiles[0]!.userCount)).toBeGreaterThan(0);
    const one = await call('GET', A(`/permission_profiles/${profiles[0]!.permissionProfileId}`));
    expect(one.body.permissionProfileName).toBe(profiles[0]!.permissionProfileName);
    expectError(await call('GET', A('/permission_profiles/1')), 400, 'INVALID_PERMISSION_PROFILE_ID');
  });

  it('manages groups and group members', async () => {
    const list = await call('GET', A('/groups'));
    expect(
      (list.body.groups as unknown as Loose[]).some((g) => String(g.groupType) === 'everyoneGroup'),
    ).toBe(true);
    const created = await call('POST', A('/groups'), { groups: [{ groupName: 'Conformance' }] });
    expect(created.status).toBe(201);
    const groupId = String((created.body.groups as unknown as Loose[])[0]!.groupId);
    const renamed = await call('PUT', A('/groups'), { groups: [{ groupId, groupName: 'Conformance 2' }] });
    expect((renamed.body.groups as unknown as Loose[])[0]!.groupName).toBe('Conformance 2');
    const added = await call('PUT', A(`/groups/${groupId}/users`), { users: [{ userId: me }] });
    expect((added.body.users as unknown as Loose[])[0]!.userId).toBe(me);
    const members = await call('GET', A(`/groups/${groupId}/users`));
    expect(members.body.totalSetSize).toBe('1');
    await call('DELETE', A(`/groups/${groupId}/users`), { users: [{ userId: me }] });
    expect((await call('GET', A(`/groups/${groupId}/users`))).body.totalSetSize).toBe('0');
    const deleted = await call('DELETE', A('/groups'), { groups: [{ groupId }] });
    expect((deleted.body.groups as unknown as Loose[])[0]!.groupId).toBe(groupId);
    expectError(await call('GET', A('/groups/1/users')), 400, 'INVALID_GROUP_ID');
    expectError(await call('PUT', A('/groups/1/users'), { users: [] }), 400, 'INVALID_GROUP_ID');
    expectError(await call('DELETE', A('/groups/1/users'), { users: [] }), 400, 'INVALID_GROUP_ID');
    expectError(await call('POST', A('/groups'), MALFORMED), 400, 'INVALID_REQUEST_BODY');
    expectError(await call('PUT', A('/groups'), MALFORMED), 400, 'INVALID_REQUEST_BODY');
    expectError(await call('DELETE', A('/groups'), MALFORMED), 400, 'INVALID_REQUEST_BODY');
    expectError(await call('GET', A('/groups?count=x')), 400, 'INVALID_REQUEST_PARAMETER');
  });

  const pdfBase64 = btoa('%PDF-1.4\n% test document\n%%EOF\n');
  let sentId = '';
  let templateId = '';
  it('creates, reads, sends and lists envelopes', async () => {
    expectError(await call('GET', A('/envelopes')), 400, 'INVALID_REQUEST_PARAMETER');
    const list = await call('GET', A('/envelopes?from_date=2000-01-01&count=3&include=recipients'));
    expect(list.body.resultSetSize).toBe('3');

    const sent = await call('POST', A('/envelopes'), {
      emailSubject: 'Conformance NDA',
      status: 'sent',
      documents: [{ documentId: '1', name: 'NDA.pdf', fileExtension: 'pdf', documentBase64: pdfBase64 }],
      recipients: {
        signers: [
          {
            recipientId: '1',
            routingOrder: '1',
            name: 'Embedded Signer',
            email: 'embedded@example.org',
            clientUserId: 'client-1',
            tabs: {
              signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' }],
            },
          },
        ],
        carbonCopies: [
          { recipientId: '2', routingOrder: '2', name: 'Watcher', email: 'watcher@example.org' },
        ],
      },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.status).toBe('sent');
    sentId = String(sent.body.envelopeId);

    const draft = await call('POST', A('/envelopes'), {
      emailSubject: 'Draft',
      documents: [{ documentId: '1', name: 'Draft.pdf', documentBase64: pdfBase64 }],
      recipients: { signers: [{ recipientId: '1', name: 'Later', email: 'later@example.org' }] },
    });
    expect(draft.body.status).toBe('created');
    const draftId = String(draft.body.envelopeId);
    expectError(
      await call('POST', A(`/envelopes/${draftId}/views/recipient`), {
        returnUrl: 'https://app.example/done',
        authenticationMethod: 'none',
        userName: 'Later',
        email: 'later@example.org',
        clientUserId: 'x',
      }),
      400,
      'ENVELOPE_INVALID_STATUS',
    );
    await call('PUT', A(`/envelopes/${draftId}`), { status: 'sent' });
    expect((await call('GET', A(`/envelopes/${draftId}`))).body.status).toBe('sent');

    const templates = await call('GET', A('/templates?include=recipients'));
    const template = (templates.body.envelopeTemplates as unknown as Loose[]).find((t) =>
      (t.recipients?.signers as unknown as Loose[] | undefined)?.some(
        (s) => (s.tabs?.textTabs as unknown as Loose[] | undefined)?.length,
      ),
    )!;
    templateId = String(template.templateId);
    const role = arrayOf(template.recipients?.signers)[0]!;
    const label = String(arrayOf(role.tabs?.textTabs)[0]!.tabLabel);
    const fromTemplate = await call('POST', A('/envelopes'), {
      templateId,
      status: 'sent',
      templateRoles: [
        {
          roleName: String(role.roleName),
          name: 'Role Player',
          email: 'role@example.org',
          routingOrder: '1',
          tabs: { textTabs: [{ tabLabel: label, value: 'ACME' }] },
        },
      ],
    });
    const created = await call(
      'GET',
      A(`/envelopes/${fromTemplate.body.envelopeId}?include=recipients,tabs,documents,custom_fields,folders`),
    );
    const signer = arrayOf(created.body.recipients?.signers)[0]!;
    expect(signer.name).toBe('Role Player');
    expect(arrayOf(signer.tabs?.textTabs).find((t) => String(t.tabLabel) === label)?.value).toBe('ACME');
    expect(created.body.templatesUri).toBeTypeOf('string');

    expectError(
      await call('POST', A('/envelopes'), { templateId: 'nope', status: 'sent' }),
      400,
      'TEMPLATE_ID_INVALID',
    );
    expectError(
      await call('POST', A('/envelopes'), { emailSubject: 'x', status: 'sent' }),
      400,
      'ENVELOPE_IS_INCOMPLETE',
    );
    expectError(await call('GET', A('/envelopes/nope')), 400, 'ENVELOPE_DOES_NOT_EXIST');
    const mine = await call(
      'GET',
      A(`/envelopes?from_date=2026-05-31&folder_ids=sentitems&status=sent&order_by=created&order=desc`),
    );
    expect((mine.body.envelopes as unknown as Loose[]).map((e) => e.envelopeId)).toContain(sentId);
    const sender = await call(
      'GET',
      A(
        `/envelopes?from_date=2026-05-31&user_filter=sender&email=${encodeURIComponent(sim.defaults.userEmail)}&user_name=Sandbox%20Admin`,
      ),
    );
    expect((sender.body.envelopes as unknown as Loose[]).map((e) => e.envelopeId)).toContain(sentId);
    expectError(
      await call('GET', A('/envelopes?from_date=2026-05-31&user_filter=everyone')),
      400,
      'INVALID_REQUEST_PARAMETER',
    );
    expectError(
      await call('GET', A('/envelopes?from_date=2026-05-31&email=nobody@example.org&user_name=x')),
      400,
      'INVALID_REQUEST_PARAMETER',
    );
  });

  it('serves recipients, tabs, documents and PDFs', async () => {
    const recipients = await call('GET', A(`/envelopes/${sentId}/recipients?include_tabs=true`));
    expect(recipients.body.recipientCount).toBe('2');
    expect((recipients.body.signers as unknown as Loose[])[0]!.status).toBe('sent');
    const renamed = await call('PUT', A(`/envelopes/${sentId}/recipients`), {
      signers: [{ recipientId: '1', name: 'Embedded Signer' }, { recipientId: '9' }],
    });
    const results = renamed.body.recipientUpdateResults as unknown as Loose[];
    expect(results[0]!.errorDetails?.errorCode).toBe('SUCCESS');
    expect(results[1]!.errorDetails?.errorCode).toBe('INVALID_RECIPIENT_ID');
    expectError(
      await call('PUT', A('/envelopes/nope/recipients'), { signers: [] }),
      400,
      'ENVELOPE_DOES_NOT_EXIST',
    );
    const tabs = await call('GET', A(`/envelopes/${sentId}/recipients/1/tabs`));
    expect((tabs.body.signHereTabs as unknown as Loose[]).length).toBe(1);
    expectError(await call('GET', A(`/envelopes/${sentId}/recipients/7/tabs`)), 400, 'INVALID_RECIPIENT_ID');
    const docs = await call('GET', A(`/envelopes/${sentId}/documents`));
    expect((docs.body.envelopeDocuments as unknown as Loose[]).map((d) => d.documentId)).toEqual([
      '1',
      'certificate',
    ]);
    expectError(await call('GET', A('/envelopes/nope/documents')), 400, 'ENVELOPE_DOES_NOT_EXIST');
    const docTabs = await call('GET', A(`/envelopes/${sentId}/documents/1/tabs`));
    expect((docTabs.body.signHereTabs as unknown as Loose[])[0]!.recipientId).toBe('1');
    expectError(
      await call('GET', A(`/envelopes/${sentId}/documents/5/tabs`)),
      400,
      'DOCUMENT_DOES_NOT_EXIST',
    );
    const trailing = await call('GET', A(`/envelopes/${sentId}/documents/1/`));
    expect(trailing.headers.get('content-type')).toBe('application/pdf');
    for (const id of ['1', 'combined', 'certificate']) {
      const pdf = await call('GET', A(`/envelopes/${sentId}/documents/${id}`));
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toMatch(
        new RegExp(`^file; filename="[^"]+\\.pdf"; documentid="${id}"$`),
      );
      const text = new TextDecoder().decode(pdf.bytes);
      expect(text.startsWith('%PDF-')).toBe(true);
      expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    }
    expectError(await call('GET', A(`/envelopes/${sentId}/documents/5`)), 400, 'DOCUMENT_DOES_NOT_EXIST');
  });

  it('creates an embedded signing view only for the matching clientUserId', async () => {
    const view = await call('POST', A(`/envelopes/${sentId}/views/recipient`), {
      returnUrl: 'https://app.example/done',
      authenticationMethod: 'none',
      userName: 'Embedded Signer',
      email: 'embedded@example.org',
      clientUserId: 'client-1',
    });
    expect(view.status).toBe(201);
    expect(String(view.body.url)).toMatch(/^http:\/\/docusign\.sim\/signing\//);
    const wrong = await call('POST', A(`/envelopes/${sentId}/views/recipient`), {
      returnUrl: 'https://app.example/done',
      authenticationMethod: 'none',
      userName: 'Embedded Signer',
      email: 'embedded@example.org',
      clientUserId: 'someone-else',
    });
    expectError(wrong, 400, 'UNKNOWN_ENVELOPE_RECIPIENT');
  });

  it('resends and voids envelopes', async () => {
    expect((await call('PUT', A(`/envelopes/${sentId}?resend_envelope=true`), {})).status).toBe(200);
    const voided = await call('PUT', A(`/envelopes/${sentId}`), {
      status: 'voided',
      voidedReason: 'No longer needed',
    });
    expect(voided.body.envelopeId).toBe(sentId);
    const read = await call('GET', A(`/envelopes/${sentId}`));
    expect(read.body.status).toBe('voided');
    expect(read.body.voidedReason).toBe('No longer needed');
    expectError(
      await call('PUT', A(`/envelopes/${sentId}`), { status: 'voided', voidedReason: 'again' }),
      400,
      'ENVELOPE_CANNOT_VOID_INVALID_STATE',
    );
  });

  it('adds, updates and removes recipients, tabs and documents; opens sender, edit and correct views', async () => {
    const created = await call('POST', A('/envelopes'), {
      emailSubject: 'Corrections',
      status: 'created',
      documents: [{ documentId: '1', name: 'A.pdf', documentBase64: pdfBase64 }],
      recipients: {
        signers: [
          {
            recipientId: '1',
            name: 'First Signer',
            email: 'first@example.org',
            routingOrder: '1',
            tabs: {
              signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' }],
              textTabs: [{ tabLabel: 'company_name', documentId: '1', pageNumber: '1', value: '' }],
              radioGroupTabs: [
                { groupName: 'plan', documentId: '1', radios: [{ value: 'basic' }, { value: 'pro' }] },
              ],
              listTabs: [
                {
                  tabLabel: 'size',
                  documentId: '1',
                  listItems: [
                    { text: 'Small', value: 's' },
                    { text: 'Large', value: 'l' },
                  ],
                },
              ],
            },
          },
        ],
      },
    });
    const id = String(created.body.envelopeId);
    const added = await call('POST', A(`/envelopes/${id}/recipients`), {
      carbonCopies: [{ name: 'Copy Reader', email: 'cc@example.org', routingOrder: '2' }],
    });
    expect(added.status).toBe(201);
    expect((added.body.carbonCopies as unknown as Loose[])[0]!.recipientId).toBe('2');
    expectError(
      await call('POST', A(`/envelopes/${id}/recipients`), {
        signers: [{ recipientId: '1', name: 'X', email: 'x@example.org' }],
      }),
      400,
      'DUPLICATE_RECIPIENT_ID',
    );
    const removed = await call('DELETE', A(`/envelopes/${id}/recipients`), {
      carbonCopies: [{ recipientId: '2' }],
    });
    expect(removed.body.recipientCount).toBe('1');
    await call('POST', A(`/envelopes/${id}/recipients`), {
      signers: [{ recipientId: '3', name: 'Second', email: 'second@example.org', routingOrder: '2' }],
    });
    expect((await call('DELETE', A(`/envelopes/${id}/recipients/3`))).body.recipientCount).toBe('1');
    expectError(await call('DELETE', A(`/envelopes/${id}/recipients/3`)), 400, 'INVALID_RECIPIENT_ID');

    const tabs = await call('GET', A(`/envelopes/${id}/recipients/1/tabs`));
    const text = (tabs.body.textTabs as unknown as Loose[])[0]!;
    const radios = (tabs.body.radioGroupTabs as unknown as Loose[])[0]!;
    expect(radios.groupName).toBe('plan');
    const newTabs = await call('POST', A(`/envelopes/${id}/recipients/1/tabs`), {
      checkboxTabs: [{ tabLabel: 'agree', documentId: '1', pageNumber: '1' }],
    });
    expect(newTabs.status).toBe(201);
    const checkbox = (newTabs.body.checkboxTabs as unknown as Loose[])[0]!;
    const updated = await call('PUT', A(`/envelopes/${id}/recipients/1/tabs`), {
      textTabs: [
        { tabId: String(text.tabId), value: 'Acme' },
        { tabId: 'nope', value: 'x' },
      ],
      checkboxTabs: [{ tabId: String(checkbox.tabId), selected: 'true' }],
      radioGroupTabs: [
        { groupName: 'plan', radios: [{ value: 'pro', selected: 'true' }] },
        { groupName: 'nope', radios: [{ value: 'x', selected: 'true' }] },
      ],
      listTabs: [{ tabId: String((tabs.body.listTabs as unknown as Loose[])[0]!.tabId), value: 'l' }],
    });
    expect((updated.body.textTabs as unknown as Loose[])[0]!.value).toBe('Acme');
    expect((updated.body.textTabs as unknown as Loose[])[1]!.errorDetails?.errorCode).toBe('INVALID_TAB_ID');
    expect((updated.body.checkboxTabs as unknown as Loose[])[0]!.selected).toBe('true');
    expect((updated.body.radioGroupTabs as unknown as Loose[])[0]!.value).toBe('pro');
    const badGroup = (updated.body.radioGroupTabs as unknown as Loose[])[1]!;
    expect((badGroup.radios as unknown as Loose[])[0]!.errorDetails?.errorCode).toBe('INVALID_TAB_ID');
    const deletedTabs = await call('DELETE', A(`/envelopes/${id}/recipients/1/tabs`), {
      checkboxTabs: [{ tabId: String(checkbox.tabId) }],
    });
    expect((deletedTabs.body.checkboxTabs as unknown as Loose[])[0]!.tabId).toBe(checkbox.tabId);
    expectError(
      await call('POST', A(`/envelopes/${id}/recipients/1/tabs`), { textTabs: [{ documentId: '9' }] }),
      400,
      'TAB_REFERS_TO_MISSING_DOCUMENT',
    );

    const docs = await call('PUT', A(`/envelopes/${id}/documents`), {
      documents: [{ documentId: '2', name: 'B.pdf', documentBase64: pdfBase64 }],
    });
    expect((docs.body.envelopeDocuments as unknown as Loose[])[0]!.documentId).toBe('2');
    const dropped = await call('DELETE', A(`/envelopes/${id}/documents`), {
      documents: [{ documentId: '2' }],
    });
    expect((dropped.body.envelopeDocuments as unknown as Loose[])[0]!.documentId).toBe('2');
    expectError(
      await call('DELETE', A(`/envelopes/${id}/documents`), { documents: [{ documentId: '2' }] }),
      400,
      'DOCUMENT_DOES_NOT_EXIST',
    );

    for (const kind of ['sender', 'edit']) {
      const view = await call('POST', A(`/envelopes/${id}/views/${kind}`), {
        returnUrl: 'https://app.example/back',
      });
      expect(view.status).toBe(201);
      expect(String(view.body.url)).toMatch(/^http:\/\/docusign\.sim\/console\//);
    }
    expectError(
      await call('POST', A(`/envelopes/${id}/views/correct`), { returnUrl: 'https://app.example/back' }),
      400,
      'ENVELOPE_INVALID_STATUS',
    );
    await call('PUT', A(`/envelopes/${id}`), { status: 'sent' });
    expect(
      (await call('POST', A(`/envelopes/${id}/views/correct`), { returnUrl: 'https://app.example/back' }))
        .status,
    ).toBe(201);
    expectError(
      await call('POST', A(`/envelopes/${id}/views/sender`), { returnUrl: 'https://app.example/back' }),
      400,
      'ENVELOPE_INVALID_STATUS',
    );
    expectError(await call('POST', A(`/envelopes/${id}/views/edit`), {}), 400, 'INVALID_REQUEST_PARAMETER');
    expectError(
      await call('PUT', A(`/envelopes/${id}/documents`), { documents: [{ documentId: '3', name: 'C.pdf' }] }),
      400,
      'ENVELOPE_INVALID_STATUS',
    );
    sim.actions.signRecipient(id, '1');
    expectError(
      await call('PUT', A(`/envelopes/${id}/recipients/1/tabs`), {
        textTabs: [{ tabId: String(text.tabId), value: 'x' }],
      }),
      400,
      'ENVELOPE_INVALID_STATUS',
    );
    expectError(await call('DELETE', A(`/envelopes/${id}/recipients/1`)), 400, 'ENVELOPE_INVALID_STATUS');
  });

  it('updates notification settings, deletes drafts and templates via the recycle bin, serves the ZIP archive', async () => {
    const created = await call('POST', A('/envelopes'), {
      emailSubject: 'Expiring',
      status: 'created',
      documents: [{ documentId: '1', name: 'A.pdf', documentBase64: pdfBase64 }],
      recipients: { signers: [{ recipientId: '1', name: 'Sig', email: 'sig@example.org' }] },
    });
    const id = String(created.body.envelopeId);
    await call('PUT', A(`/envelopes/${id}`), {
      notification: {
        expirations: { expireEnabled: 'true', expireAfter: '30', expireWarn: '5' },
        reminders: { reminderEnabled: 'true', reminderDelay: '2', reminderFrequency: '3' },
      },
    });
    expectError(
      await call('PUT', A(`/envelopes/${id}`), { notification: { expirations: { expireAfter: 'soon' } } }),
      400,
      'INVALID_REQUEST_PARAMETER',
    );
    await call('PUT', A(`/envelopes/${id}`), { status: 'sent' });
    const read = await call('GET', A(`/envelopes/${id}?include=recipients,documents,tabs`));
    expect(read.body.expireDateTime).toBeTypeOf('string');
    expect(read.body.notification?.reminders?.reminderFrequency).toBe('3');
    const archive = await call('GET', A(`/envelopes/${id}/documents/archive`));
    expect(archive.headers.get('content-type')).toBe('application/zip');

    const draft = await call('POST', A('/envelopes'), { emailSubject: 'To delete', status: 'created' });
    const draftId = String(draft.body.envelopeId);
    await call('PUT', A('/folders/recyclebin'), { envelopeIds: [draftId] });
    expect((await call('GET', A(`/envelopes/${draftId}`))).body.status).toBe('deleted');

    const tpl = await call('POST', A('/templates'), { name: 'Short-lived template' });
    const tplId = String(tpl.body.templateId);
    await call('PUT', A('/folders/recyclebin'), { envelopeIds: [tplId] });
    const deleted = await call('GET', A('/templates?is_deleted_template_only=true'));
    expect((deleted.body.envelopeTemplates as unknown as Loose[]).map((t) => t.templateId)).toContain(tplId);
    expect((await call('GET', A(`/templates/${tplId}`))).body.deletedDateTime).toBeTypeOf('string');
  });

  it('lists template documents and serves their files', async () => {
    const docs = await call('GET', A(`/templates/${templateId}/documents`));
    expect(docs.body.templateId).toBe(templateId);
    expect((docs.body.templateDocuments as unknown as Loose[]).length).toBeGreaterThan(0);
    expectError(await call('GET', A('/templates/nope/documents')), 400, 'TEMPLATE_ID_INVALID');
    const first = String((docs.body.templateDocuments as unknown as Loose[])[0]!.documentId);
    const file = await call('GET', A(`/templates/${templateId}/documents/${first}`));
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain(`documentid="${first}"`);
    expect(new TextDecoder().decode(file.bytes!.slice(0, 5))).toBe('%PDF-');
    expectError(
      await call('GET', A(`/templates/${templateId}/documents/77`)),
      400,
      'DOCUMENT_DOES_NOT_EXIST',
    );
  });

  it('serves templates with owner and created date', async () => {
    const list = await call('GET', A('/templates?order_by=name'));
    const first = (list.body.envelopeTemplates as unknown as Loose[])[0]!;
    expect(first.owner?.userId).toBeTypeOf('string');
    expect(first.created).toMatch(/^\d{4}-/);
    const one = await call('GET', A(`/templates/${templateId}`));
    expect(one.body.templateId).toBe(templateId);
    expectError(await call('GET', A('/templates/nope')), 400, 'TEMPLATE_ID_INVALID');
    const created = await call('POST', A('/templates'), {
      name: 'Conformance template',
      emailSubject: 'Please sign',
      documents: [{ documentId: '1', name: 'T.pdf', documentBase64: pdfBase64 }],
      recipients: { signers: [{ recipientId: '1', roleName: 'Signer', routingOrder: '1' }] },
    });
    expect(created.status).toBe(201);
    expectError(await call('POST', A('/templates'), { description: 'no name' }), 400, 'INVALID_REQUEST_BODY');
  });

  it('lists folders, their items, and moves envelopes between folders', async () => {
    const list = await call('GET', A('/folders'));
    const folders = list.body.folders as unknown as Loose[];
    const sentItems = folders.find((f) => String(f.type) === 'sentitems')!;
    const items = await call('GET', A(`/folders/${sentItems.folderId}`));
    const folderItems = (items.body.folders as unknown as Loose[])[0]!.folderItems as unknown as Loose[];
    expect(folderItems.length).toBeGreaterThan(0);
    const filtered = await call(
      'GET',
      A(`/folders/${sentItems.folderId}?status=sent,completed&from_date=2020-01-01&search_text=a&count=1`),
    );
    expect(Number(filtered.body.resultSetSize)).toBeLessThanOrEqual(1);
    const templatesFolders = await call('GET', A('/folders?include=template_folders'));
    const custom = (templatesFolders.body.folders as unknown as Loose[])[0]!;
    const moved = await call('PUT', A(`/folders/${custom.folderId}`), {
      envelopeIds: [String(folderItems[0]!.envelopeId)],
    });
    expect((moved.body.folders as unknown as Loose[])[0]!.folderId).toBe(custom.folderId);
    const read = await call('GET', A(`/envelopes/${folderItems[0]!.envelopeId}?include=folders`));
    expect((read.body.folders as unknown as Loose[])[0]!.folderId).toBe(custom.folderId);
    expectError(await call('GET', A('/folders/nope')), 400, 'FOLDER_NOT_FOUND');
    expectError(await call('PUT', A('/folders/nope'), { envelopeIds: [] }), 400, 'FOLDER_NOT_FOUND');
    expectError(await call('GET', A('/folders?start_position=-1')), 400, 'INVALID_REQUEST_PARAMETER');
  });

  it('manages contacts', async () => {
    const seeded = [...sim.account(acc)!.contacts.keys()][0]!;
    expect((await call('GET', A(`/contacts/${seeded}`))).body.totalSetSize).toBe('1');
    const created = await call('POST', A('/contacts'), {
      contactList: [{ name: 'Partner', emails: ['partner@example.org'], shared: 'true' }],
    });
    expect(created.status).toBe(201);
    const id = String((created.body.contacts as unknown as Loose[])[0]!.contactId);
    const updated = await call('PUT', A('/contacts'), {
      contactList: [{ contactId: id, organization: 'Partner Co' }],
    });
    expect((updated.body.contacts as unknown as Loose[])[0]!.organization).toBe('Partner Co');
    await call('DELETE', A('/contacts'), { contactList: [{ contactId: id }] });
    expectError(await call('GET', A(`/contacts/${id}`)), 400, 'INVALID_CONTACT_ID');
    expect((await call('DELETE', A(`/contacts/${seeded}`))).status).toBe(200);
    expectError(await call('DELETE', A(`/contacts/${seeded}`)), 400, 'INVALID_CONTACT_ID');
    expectError(await call('POST', A('/contacts'), MALFORMED), 400, 'INVALID_REQUEST_BODY');
    expectError(await call('PUT', A('/contacts'), MALFORMED), 400, 'INVALID_REQUEST_BODY');
    expectError(await call('DELETE', A('/contacts'), MALFORMED), 400, 'INVALID_REQUEST_BODY');
  });

  it('manages Connect configurations', async () => {
    const created = await call('POST', A('/connect'), {
      name: 'Gateway',
      urlToPublishTo: 'https://gateway.example/webhooks/docusign',
      configurationType: 'custom',
      allUsers: 'true',
      includeHMAC: 'true',
      events: ['envelope-sent', 'envelope-completed'],
      eventData: { version: 'restv2.1', format: 'json', includeData: ['recipients'] },
    });
    expect(created.status).toBe(201);
    const connectId = String(created.body.connectId);
    expect((await call('GET', A('/connect'))).body.totalRecords).toBe('1');
    expect((await call('PUT', A('/connect'), { connectId, name: 'Renamed' })).body.name).toBe('Renamed');
    expect(
      ((await call('GET', A(`/connect/${connectId}`))).body.configurations as unknown as Loose[])[0]!.name,
    ).toBe('Renamed');
    expect((await call('DELETE', A(`/connect/${connectId}`))).status).toBe(200);
    expectError(await call('GET', A(`/connect/${connectId}`)), 400, 'INVALID_CONNECT_ID');
    expectError(await call('DELETE', A(`/connect/${connectId}`)), 400, 'INVALID_CONNECT_ID');
    expectError(await call('PUT', A('/connect'), { connectId }), 400, 'INVALID_CONNECT_ID');
    expectError(
      await call('POST', A('/connect'), { urlToPublishTo: 'not a url' }),
      400,
      'INVALID_CONNECT_URL',
    );
  });

  it('manages envelope transfer rules', async () => {
    const target = sim.account(acc)!.members.find((m) => m.status === 'Active' && m.userId !== me)!.userId;
    const created = await call('POST', A('/envelopes/transfer_rules'), {
      eventType: 'sent',
      fromUsers: [{ userId: me }],
      toUser: { userId: target },
      carbonCopyOriginalOwner: 'true',
      enabled: 'true',
    });
    expect(created.status).toBe(201);
    const ruleId = String(
      (created.body.envelopeTransferRules as unknown as Loose[])[0]!.envelopeTransferRuleId,
    );
    expect((await call('GET', A('/envelopes/transfer_rules'))).body.totalSetSize).toBe('1');
    expect(
      (await call('PUT', A(`/envelopes/transfer_rules/${ruleId}`), { enabled: 'false' })).body.enabled,
    ).toBe('false');
    expect((await call('DELETE', A(`/envelopes/transfer_rules/${ruleId}`))).status).toBe(200);
    expectError(
      await call('PUT', A(`/envelopes/transfer_rules/${ruleId}`), { enabled: 'true' }),
      400,
      'INVALID_ENVELOPE_TRANSFER_RULE_ID',
    );
    expectError(
      await call('DELETE', A(`/envelopes/transfer_rules/${ruleId}`)),
      400,
      'INVALID_ENVELOPE_TRANSFER_RULE_ID',
    );
    expectError(
      await call('POST', A('/envelopes/transfer_rules'), { eventType: 'whenever' }),
      400,
      'INVALID_REQUEST_PARAMETER',
    );
    expectError(await call('GET', A('/envelopes/transfer_rules?count=x')), 400, 'INVALID_REQUEST_PARAMETER');
  });

  it('rejects bodies and statuses the spec does not allow', async () => {
    expectError(await call('GET', A('/users?count=x')), 400, 'INVALID_REQUEST_PARAMETER');
    expectError(await call('GET', A('/envelopes?from_date=yesterday-ish')), 400, 'INVALID_REQUEST_PARAMETER');
    expectError(await call('GET', A('/billing_plan'), undefined, null), 401, 'USER_AUTHENTICATION_FAILED');
    expectError(await call('GET', A('/billing_invoices?from_date=nope')), 400, 'INVALID_REQUEST_PARAMETER');
    expectError(await call('GET', A('/templates?created_from_date=nope')), 400, 'INVALID_REQUEST_PARAMETER');
    expectError(
      await call('GET', A('/permission_profiles'), undefined, null),
      401,
      'USER_AUTHENTICATION_FAILED',
    );
    expectError(await call('GET', A('/connect'), undefined, null), 401, 'USER_AUTHENTICATION_FAILED');
    expectError(await call('GET', A('/users/x/'), undefined, null), 401, 'USER_AUTHENTICATION_FAILED');
  });
});

describe('DocuSign simulator conformance (Admin API)', () => {
  it('lists organizations (base path case-insensitive)', async () => {
    const r = await call('GET', '/Management/v2/organizations');
    const orgs = r.body.organizations as unknown as Loose[];
    expect(orgs[0]!.id).toBe(org);
    expect((orgs[0]!.accounts as unknown as Loose[]).map((a) => a.id)).toEqual([acc, acc2]);
    const denied = await call('GET', M('/v2/organizations'), undefined, null);
    expect(denied.status).toBe(401);
  });

  it('pages organization users and enforces the required filter', async () => {
    const r = await call('GET', M(`/v2/organizations/${org}/users?account_id=${acc}&take=10`));
    expect(r.body.paging?.result_set_size).toBe(10);
    expect(String(r.body.paging?.next)).toContain('start=10');
    const bad = await call('GET', M(`/v2/organizations/${org}/users`));
    expect(bad.status).toBe(400);
    expect(bad.body.error_description).toContain('email, account_id or organization_reserved_domain_id');
    const byEmail = await call(
      'GET',
      M(`/v2/organizations/${org}/users?email=${encodeURIComponent(sim.defaults.userEmail)}`),
    );
    expect((byEmail.body.users as unknown as Loose[])[0]!.id).toBe(me);
    const domain = sim.state.organization.reservedDomain.id;
    const byDomain = await call(
      'GET',
      M(`/v2/organizations/${org}/users?organization_reserved_domain_id=${domain}&take=5`),
    );
    expect(byDomain.body.paging?.total_set_size).toBeGreaterThan(5);
    expect(
      (await call('GET', M('/v2/organizations/00000000-0000-4000-8000-000000000000/users?email=a@b.c')))
        .status,
    ).toBe(404);
  });

  it('creates and updates organization users, reads profiles, closes memberships', async () => {
    const created = await call('POST', M(`/v2/organizations/${org}/users`), {
      email: 'admin.created@example.com',
      first_name: 'Admin',
      last_name: 'Created',
      accounts: [{ id: acc2 }],
    });
    expect(created.status).toBe(200);
    const userId = String(created.body.id);
    expect(
      (await call('POST', M(`/v2/organizations/${org}/users`), { email: 'x@example.com', accounts: [] }))
        .status,
    ).toBe(400);
    const updated = await call('POST', M(`/v2/organizations/${org}/users/profiles`), {
      users: [
        { id: userId, site_id: 1, first_name: 'Renamed' },
        { id: '00000000-0000-4000-8000-000000000000', site_id: 1 },
      ],
    });
    expect(updated.body.success).toBe(false);
    const profile = await call(
      'GET',
      M(`/v2/organizations/${org}/users/profile?email=admin.created@example.com`),
    );
    expect((profile.body.users as unknown as Loose[])[0]!.first_name).toBe('Renamed');
    expect((await call('GET', M(`/v2/organizations/${org}/users/profile`))).status).toBe(400);
    const ds = await call(
      'GET',
      M(`/v2.1/organizations/${org}/users/dsprofile?email=${encodeURIComponent(sim.defaults.userEmail)}`),
    );
    expect(((ds.body.users as unknown as Loose[])[0]!.memberships as unknown as Loose[]).length).toBe(2);
    expect((await call('GET', M(`/v2.1/organizations/${org}/users/dsprofile`))).status).toBe(400);
    const byId = await call('GET', M(`/v2.1/organizations/${org}/users/${userId}/dsprofile`));
    expect((byId.body.users as unknown as Loose[])[0]!.id).toBe(userId);
    expect(
      (
        await call(
          'GET',
          M(`/v2.1/organizations/${org}/users/00000000-0000-4000-8000-000000000000/dsprofile`),
        )
      ).status,
    ).toBe(404);
    const closed = await call('DELETE', M(`/v2/organizations/${org}/users/${userId}/accounts`), {
      accounts: [{ id: acc2 }],
    });
    expect(closed.body.success).toBe(true);
    const after = await call(
      'GET',
      M(`/v2/organizations/${org}/users?account_id=${acc2}&email=admin.created@example.com`),
    );
    expect((after.body.users as unknown as Loose[])[0]!.membership_status).toBe('closed');
    expect(
      (await call('DELETE', M(`/v2/organizations/${org}/users/${userId}/accounts`), { accounts: [] })).status,
    ).toBe(400);
  });

  it('serves account permissions, groups and product permission profiles', async () => {
    const perms = await call('GET', M(`/v2/organizations/${org}/accounts/${acc}/permissions`));
    expect((perms.body.permissions as unknown as Loose[]).length).toBe(3);
    const groups = await call('GET', M(`/v2/organizations/${org}/accounts/${acc}/groups?take=2`));
    expect(groups.body.paging?.result_set_size).toBe(2);
    const products = await call(
      'GET',
      M(`/v2.1/organizations/${org}/accounts/${acc}/products/permission_profiles`),
    );
    expect((products.body.product_permission_profiles as unknown as Loose[])[0]!.product_name).toBe('ESign');
    const mine = await call(
      'GET',
      M(`/v2.1/organizations/${org}/accounts/${acc}/products/users/${me}/permission_profiles`),
    );
    const profiles = (mine.body.product_permission_profiles as unknown as Loose[])[0]!
      .permission_profiles as unknown as Loose[];
    expect(profiles.length).toBe(1);
    expect((await call('GET', M(`/v2/organizations/${org}/accounts/nope/permissions`))).status).toBe(404);
    expect((await call('GET', M(`/v2/organizations/${org}/accounts/nope/groups`))).status).toBe(404);
    expect(
      (await call('GET', M(`/v2.1/organizations/${org}/accounts/nope/products/permission_profiles`))).status,
    ).toBe(404);
    expect(
      (
        await call(
          'GET',
          M(`/v2.1/organizations/${org}/accounts/${acc}/products/users/nope/permission_profiles`),
        )
      ).status,
    ).toBe(404);
  });
});

describe('coverage', () => {
  beforeAll(() => {
    now += 1000;
  });
  afterAll(() => undefined);
  it('exercised every operation of both extracts', () => {
    const all = (['esignature', 'admin'] as const).flatMap((api) =>
      Object.keys(loadExtract(api).operations).map((id) => `${api}:${id}`),
    );
    const missing = all.filter((id) => !covered.has(id));
    console.log(
      `DocuSign simulator conformance: ${all.length - missing.length}/${all.length} spec operations covered`,
    );
    expect(missing).toEqual([]);
  });
});
