/**
 * The unified signing request an event carries: the `e-signature/signing-requests` mapping (with the environment's
 * and the connection's overrides) applied to the DocuSign envelope. Until that mapping ships, a minimal built-in
 * shape stands in; this is the one place to change when it does.
 */

import type { MappingCatalog } from '../mapping/catalog';
import type { UnifiedObject } from '../mapping/compile';
import { mappingKey } from '../mapping/definitions';
import type { OverridesStore } from '../mapping/overrides-store';

const MODEL = 'e-signature';
const RESOURCE = 'signing-requests';

export interface SigningRequestMapperDeps {
  catalog: MappingCatalog;
  overrides: Pick<OverridesStore, 'applicable'>;
}

export interface SigningRequestSource {
  environmentId: string;
  integratedAccountId: string;
  accountId: string;
  organizationId?: string;
  /** DocuSign's `envelope` object (with recipients and documents when available). */
  envelope: Record<string, unknown>;
}

/** Maps one envelope to the unified signing request. */
export async function signingRequestRecord(
  deps: SigningRequestMapperDeps,
  source: SigningRequestSource,
): Promise<UnifiedObject> {
  const ctx = {
    accountId: source.accountId,
    integratedAccountId: source.integratedAccountId,
    organizationId: source.organizationId,
  };
  if (!deps.catalog.keys().includes(mappingKey(MODEL, RESOURCE))) return builtInRecord(source.envelope, ctx);
  const { overrides, version } = await deps.overrides.applicable(
    source.environmentId,
    source.integratedAccountId,
    MODEL,
    RESOURCE,
  );
  const compiled = deps.catalog.compiled(MODEL, RESOURCE, overrides, version);
  const mapper = compiled.methods.get ?? compiled;
  return mapper.mapRecord(source.envelope, ctx);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const time = (value: unknown): string | null => {
  const s = text(value);
  if (!s) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};
const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Record<string, unknown>[]) : [];

const ROLES: Record<string, string> = {
  signers: 'signer',
  carbonCopies: 'cc',
  certifiedDeliveries: 'certified_delivery',
};

/** The stand-in shape (DESIGN.md §3 signing-requests fields) used while no mapping file is bundled. */
function builtInRecord(envelope: Record<string, unknown>, ctx: { accountId: string }): UnifiedObject {
  const recipients = (envelope.recipients ?? {}) as Record<string, unknown>;
  const participants = Object.entries(ROLES)
    .flatMap(([key, role]) =>
      list(recipients[key]).map((r) => ({
        id: text(r.recipientId),
        name: text(r.name),
        email: text(r.email),
        role,
        routing_order: r.routingOrder === undefined ? null : Number(r.routingOrder),
        status: text(r.status),
        sent_at: time(r.sentDateTime),
        delivered_at: time(r.deliveredDateTime),
        signed_at: time(r.signedDateTime),
        declined_at: time(r.declinedDateTime),
      })),
    )
    .sort((a, b) => (a.routing_order ?? 0) - (b.routing_order ?? 0));
  const status = text(envelope.status);
  return {
    id: text(envelope.envelopeId),
    name: text(envelope.emailSubject),
    message: text(envelope.emailBlurb),
    status: status ? { id: status, name: status } : null,
    participants,
    documents: list(envelope.envelopeDocuments).map((d) => ({ id: text(d.documentId), name: text(d.name) })),
    expires_at: time(envelope.expireDateTime),
    sent_at: time(envelope.sentDateTime),
    completed_at: time(envelope.completedDateTime),
    voided_reason: text(envelope.voidedReason),
    created_at: time(envelope.createdDateTime),
    updated_at: time(envelope.lastModifiedDateTime),
    account_id: ctx.accountId,
  };
}
