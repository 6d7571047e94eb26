import { and, eq, isNull } from 'drizzle-orm';
import { base64url } from 'jose';
import { sha256Hex } from '../crypto/sha256';
import type { Database } from '../db/client';
import { linkTokens } from '../db/schema/index';

export type LinkTokenRow = typeof linkTokens.$inferSelect;

/** Why a link cannot be used, in words for the end user's page. */
export type LinkProblem = 'unknown' | 'expired' | 'used';

/** Creates a single-use link token; only its hash is stored. */
export async function createLinkToken(
  db: Database,
  input: {
    environmentId: string;
    docusignEnvironment: string;
    returnUrl: string | null;
    integratedAccountId: string | null;
    expiresAt: Date;
  },
): Promise<{ token: string; row: LinkTokenRow }> {
  const token = `lt_${base64url.encode(crypto.getRandomValues(new Uint8Array(24)))}`;
  const [row] = await db
    .insert(linkTokens)
    .values({
      id: `link_${crypto.randomUUID().replaceAll('-', '')}`,
      tokenHash: await sha256Hex(token),
      ...input,
    })
    .returning();
  return { token, row: row! };
}

/** Finds a usable link token, or says why it is not usable. */
export async function findLinkToken(
  db: Database,
  token: string,
  now: number,
): Promise<{ row: LinkTokenRow } | { problem: LinkProblem }> {
  const [row] = await db
    .select()
    .from(linkTokens)
    .where(eq(linkTokens.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!row) return { problem: 'unknown' };
  if (row.usedAt) return { problem: 'used' };
  if (row.expiresAt.getTime() <= now) return { problem: 'expired' };
  return { row };
}

/** Loads a link token by id (from signed OAuth state). */
export async function getLinkTokenById(db: Database, id: string): Promise<LinkTokenRow | null> {
  const [row] = await db.select().from(linkTokens).where(eq(linkTokens.id, id)).limit(1);
  return row ?? null;
}

/** Marks a link token used; false when it already was (a replayed callback). Atomic across processes. */
export async function consumeLinkToken(db: Database, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(linkTokens)
    .set({ usedAt: now })
    .where(and(eq(linkTokens.id, id), isNull(linkTokens.usedAt)))
    .returning({ id: linkTokens.id });
  return rows.length === 1;
}
