import { listen } from './http-server';

/** One request a subscriber received. */
export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * A real HTTP subscriber on 127.0.0.1 that records every POST; `respond` decides the status (default 204), so a
 * test can take it "down" (503) and bring it back.
 */
export async function startSubscriber(
  options: { respond?: (hit: ReceivedWebhook) => number; delayMs?: number } = {},
) {
  const received: ReceivedWebhook[] = [];
  let respond = options.respond ?? (() => 204);
  const server = await listen(async (req) => {
    const hit = { headers: Object.fromEntries(req.headers), body: await req.text(), at: Date.now() };
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const status = respond(hit);
    if (status >= 200 && status < 300) received.push(hit);
    return new Response(null, { status });
  });
  return {
    url: `${server.url}/hooks`,
    received,
    /** Parsed bodies of the accepted requests. */
    // biome-ignore lint/suspicious/noExplicitAny: tests navigate the untyped webhook JSON.
    events: (): any[] => received.map((r) => JSON.parse(r.body)),
    setRespond(fn: (hit: ReceivedWebhook) => number) {
      respond = fn;
    },
    close: server.close,
  };
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out waiting for the condition');
}
