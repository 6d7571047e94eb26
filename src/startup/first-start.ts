import { PGlite } from '@electric-sql/pglite';
import type { GatewayApp } from '../app';
import { loadConfig } from '../config';
import type { Database } from '../db/client';
import { migrate } from '../db/migrate';
import { pgliteDatabase } from '../db/pglite-database';
import { pgliteOptions } from '../db/pglite-options';
import { createJsonLogger } from '../http/logger';
import { nodeEntryArgs, runNodeChild, writeChildAnswer } from '../process/node-child';
import { createNodeFetch } from '../upstream/node-fetch';
import { bootstrapEmptyDatabase } from './bootstrap';
import { connectSandbox, type SandboxAccess } from './connect-sandbox';
import { createConfiguredApp, docusignConfigWith } from './gateway-app';
import type { LocalSecrets } from './local-secrets';

/** What a first start creates: the development API key (shown once) and the built-in sandbox's connection. */
export interface FirstStart {
  key: string;
  sandboxConnection: string | null;
}

/**
 * On an empty database: the development environment, its first API key and, with the sandbox, the sandbox
 * connection. Null when the database already has an environment (a restart).
 */
export async function firstStartWrites(
  db: Database,
  sandbox: SandboxAccess | null,
  app: () => GatewayApp,
): Promise<FirstStart | null> {
  const first = await bootstrapEmptyDatabase(db);
  if (!first) return null;
  const sandboxConnection = sandbox ? await connectSandbox(app(), first.key, sandbox) : null;
  return { key: first.key, sandboxConnection };
}

/** The argument that makes the gateway's entry run as the first-start child (see `firstStartInChild`). */
export const FIRST_START_CHILD_FLAG = '--first-start-child';

// The gateway's own entry: src/server.ts from source, else the bundle this module is part of.
const entryArgs = nodeEntryArgs(import.meta.url, '../server.ts', import.meta.url);

interface ChildInput {
  secrets: LocalSecrets;
  sandbox: SandboxAccess | null;
}

/** What the first-start child did: the migrations it applied to the new cluster, and what `firstStartWrites` made. */
export interface FirstStartInChild {
  migrationsApplied: number;
  firstStart: FirstStart | null;
}

/**
 * A new embedded database's whole first start in one short-lived child process of the gateway's own entry, before
 * the gateway opens the database: the cluster (initdb), the migrations, then `firstStartWrites`. initdb and the
 * migrations grow PGlite's WebAssembly memory, which never shrinks, and in the gateway's process the sandbox
 * connection would leave behind what a restart loads only when first needed (the JWT grant's code, undici's
 * WebAssembly HTTP parser): a first start would idle well above a restart (`npm run bench -- footprint`). One child
 * for all of it opens PGlite once, not twice. The child starts at once; its input (secrets and the sandbox's
 * private key, through a pipe, never the command line) can wait for the sandbox to be up.
 */
export async function firstStartInChild(
  dir: string,
  input: ChildInput | Promise<ChildInput>,
): Promise<FirstStartInChild> {
  const answer = await runNodeChild(
    [...entryArgs, FIRST_START_CHILD_FLAG, dir],
    `The first start's setup in ${dir}`,
    Promise.resolve(input).then((value) => JSON.stringify(value)),
  );
  return JSON.parse(answer) as FirstStartInChild;
}

/** The child's side: creates and migrates the cluster, reads its input from stdin, answers, then exits. */
export async function runFirstStartChild(dir: string | undefined): Promise<void> {
  if (!dir) throw new Error(`usage: ${FIRST_START_CHILD_FLAG} <embedded database directory>`);
  const client = new PGlite(dir, pgliteOptions());
  const db = pgliteDatabase(client);
  const migrationsApplied = await migrate(db);
  let text = '';
  for await (const chunk of process.stdin.setEncoding('utf8')) text += chunk;
  if (!text) {
    await client.close();
    throw new Error(
      'the first start got no input; the database is ready, the next start writes its first key',
    );
  }
  const input = JSON.parse(text) as ChildInput;
  const config = loadConfig(process.env);
  const logger = createJsonLogger(config.logLevel);
  const upstreamFetch = createNodeFetch();
  const firstStart = await firstStartWrites(db, input.sandbox, () =>
    createConfiguredApp({
      config,
      db,
      logger,
      secrets: input.secrets,
      docusign: docusignConfigWith(config, input.sandbox?.environment ?? null),
      upstreamFetch,
    }),
  );
  await upstreamFetch.close();
  await client.close();
  writeChildAnswer(JSON.stringify({ migrationsApplied, firstStart } satisfies FirstStartInChild));
  // The app's services may hold timers; this process has done its one job.
  process.exit(0);
}
