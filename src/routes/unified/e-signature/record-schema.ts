/** Building blocks of the E-Signature record schemas of this folder (documents, templates, contacts, …). */
import { z } from '@hono/zod-openapi';

/**
 * A unified record: its documented fields and `remote_data` on request; closed (`additionalProperties: false`)
 * so a typo does not compile in a generated client. A field a mapping override adds is not listed: type it yourself
 * (README "Generating clients").
 */
export function esignatureRecord<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object({
      ...shape,
      remote_data: z
        .unknown()
        .optional()
        .openapi({ description: 'The DocuSign object, with include_remote_data=true.' }),
    })
    .strict();
}

/** An ISO 8601 timestamp or null. */
export const dateTime = z.string().nullable().openapi({ format: 'date-time' });

/** A reference to another record by id. */
export const IdRef = z.object({ id: z.string() });

/** The DocuSign account a record belongs to (sync-all connections walk every account). */
export const accountId = z.string().openapi({ description: 'The DocuSign account the record belongs to.' });
