/**
 * The unified signing request an event carries: the `e-signature/signing-requests` mapping (with the environment's
 * and the connection's overrides) applied to the DocuSign envelope, as `GET …/signing-requests/{id}` maps it.
 */
import type { MappingCatalog } from '../mapping/catalog';
import type { UnifiedObject } from '../mapping/compile';
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
