/** Shared setup of the signing-request tests: a connected gateway, calls by path, a template with three roles. */
import type { ConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

export const BASE = '/unified/e-signature/signing-requests';

/** A tiny valid-looking PDF, base64. */
export const PDF_BASE64 = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

/** Calls the gateway; `query` is appended after `integrated_account_id`. */
export async function call(
  t: ConnectedApp,
  connection: string,
  method: string,
  path: string,
  options: { body?: unknown; query?: string; headers?: Record<string, string> } = {},
) {
  const sep = path.includes('?') ? '&' : '?';
  const res = await t.request(
    `${path}${sep}integrated_account_id=${connection}${options.query ? `&${options.query}` : ''}`,
    {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    },
  );
  const type = res.headers.get('content-type') ?? '';
  return { res, body: type.includes('json') ? await json(res) : undefined };
}

/** Creates a template with three roles (two signers in sequence, then a carbon copy) through the proxy. */
export async function createTemplate(t: ConnectedApp, connection: string): Promise<string> {
  const placed = { documentId: '1', pageNumber: '1', xPosition: '100', yPosition: '100' };
  const { res, body } = await call(t, connection, 'POST', '/proxy/esignature/templates', {
    body: {
      name: 'Mutual NDA',
      emailSubject: 'Please sign the NDA',
      documents: [{ documentId: '1', name: 'NDA.pdf', fileExtension: 'pdf', documentBase64: PDF_BASE64 }],
      recipients: {
        signers: [
          {
            recipientId: '1',
            roleName: 'Client',
            routingOrder: '1',
            tabs: {
              signHereTabs: [placed],
              textTabs: [{ ...placed, tabLabel: 'company' }],
              checkboxTabs: [{ ...placed, tabLabel: 'terms' }],
              listTabs: [
                {
                  ...placed,
                  tabLabel: 'plan',
                  listItems: [
                    { text: 'Basic', value: 'basic' },
                    { text: 'Pro', value: 'pro' },
                  ],
                },
              ],
              dateTabs: [{ ...placed, tabLabel: 'start' }],
            },
          },
          { recipientId: '2', roleName: 'Manager', routingOrder: '2', tabs: { signHereTabs: [placed] } },
        ],
        carbonCopies: [{ recipientId: '3', roleName: 'Legal', routingOrder: '3' }],
      },
    },
  });
  if (res.status !== 201) throw new Error(`template: ${res.status} ${JSON.stringify(body)}`);
  return body.templateId as string;
}

/** A signing request from documents: one embedded signer per entry, in sequence. */
export function documentRequest(signers: { email: string; embedded?: boolean }[], send = true) {
  return {
    name: 'Contract to sign',
    message: 'Please sign',
    send,
    documents: [{ id: '1', name: 'Contract.pdf', content_base64: PDF_BASE64 }],
    participants: signers.map((s, i) => ({
      role: 'signer',
      name: `Signer ${i + 1}`,
      email: s.email,
      routing_order: i + 1,
      ...(s.embedded ? { client_user_id: `client-${i + 1}` } : {}),
      fields: [{ type: 'signature', document_id: '1', page_number: 1, position: { x: 100, y: 200 } }],
    })),
  };
}
