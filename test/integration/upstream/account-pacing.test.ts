import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config';
import type { ConnectionPacing } from '../../../src/db/schema/index';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { type IntegratedAccount, json } from '../../helpers/http';

const CALLS = 16;

/**
 * Holds DocuSign user-list calls at the simulator's door until the test opens it, counting how many are inside at
 * once: what reaches DocuSign concurrently, whatever the gateway's pacing lets through.
 */
function heldUserLists(inner: typeof fetch) {
  let open = false;
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = {
    inside: 0,
    mostInside: 0,
    arrived: 0,
    open() {
      open = true;
      release();
    },
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!/\/restapi\/v2\.1\/accounts\/[^/]+\/users$/.test(url.pathname)) return inner(input, init);
    state.arrived++;
    state.inside++;
    state.mostInside = Math.max(state.mostInside, state.inside);
    try {
      if (!open) await opened;
      return await inner(input, init);
    } finally {
      state.inside--;
    }
  };
  return { state, fetch };
}

type Gateway = ConnectedApp & { hold(): ReturnType<typeof heldUserLists>['state'] };

/** A gateway built from these environment variables (pacing as `npm start` reads it), on the simulator. */
async function gatewayWith(env: Record<string, string>): Promise<Gateway> {
  let held: ReturnType<typeof heldUserLists> | undefined;
  const t = await createConnectedApp({
    app: {
      fetch: (input, init) => (held ? held.fetch(input, init) : t.sim.fetch(input, init)),
      upstream: { baseDelayMs: 1, maxDelayMs: 5, budget: loadConfig(env).docusignPacing },
    },
  });
  return Object.assign(t, {
    hold: () => {
      held = heldUserLists(t.sim.fetch);
      return held.state;
    },
  });
}

/**
 * Sends CALLS concurrent proxy calls for one DocuSign account and waits until every one is either at the simulator
 * or queued in the gateway's budget for that account; returns how many were at the simulator at once.
 */
async function concurrentAtDocusign(t: Gateway, id: string) {
  const state = t.hold();
  const accountId = t.sim.defaults.accountIds[0]!;
  const calls = Array.from({ length: CALLS }, () =>
    t.request(`/proxy/esignature/users?count=1&integrated_account_id=${id}&account_id=${accountId}`),
  );
  await vi.waitFor(
    () => {
      const queued = t.app.services.upstream.budgetState(accountId)?.queued ?? 0;
      expect(state.arrived + queued).toBe(CALLS);
    },
    { timeout: 30_000, interval: 10 },
  );
  const atOnce = state.mostInside;
  const queued = t.app.services.upstream.budgetState(accountId)?.queued;
  state.open();
  const statuses = (await Promise.all(calls)).map((res) => res.status);
  expect(statuses).toEqual(Array(CALLS).fill(200));
  expect(state.arrived).toBe(CALLS);
  return { atOnce, queued };
}

let app: Gateway | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('per-account DocuSign pacing (DOCUSIGN_MAX_IN_FLIGHT and friends)', () => {
  it('lets 8 calls of one account reach DocuSign at once by default and queues the rest', async () => {
    app = await gatewayWith({});
    const { atOnce, queued } = await concurrentAtDocusign(app, await app.connect({ permission: 'read' }));
    expect(atOnce).toBe(8);
    expect(queued).toBe(CALLS - 8);
  });

  it('lets more calls through at once when the limit is raised for accounts with raised DocuSign limits', async () => {
    app = await gatewayWith({
      DOCUSIGN_MAX_IN_FLIGHT: String(CALLS),
      DOCUSIGN_BURST: String(CALLS * 2),
      DOCUSIGN_REQUESTS_PER_SECOND: '50',
    });
    const { atOnce, queued } = await concurrentAtDocusign(app, await app.connect({ permission: 'read' }));
    expect(atOnce).toBe(CALLS);
    expect(queued).toBe(0);
  });

  it("takes a connection's own pacing over the gateway's, and the gateway's again once it is cleared", async () => {
    app = await gatewayWith({});
    const id = await app.connect({ permission: 'read' });
    const setPacing = async (pacing: ConnectionPacing | null) => {
      const res = await app!.request(`/integrated-accounts/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pacing }),
      });
      expect(res.status).toBe(200);
      expect((await json<IntegratedAccount>(res)).pacing).toEqual(pacing);
    };

    await setPacing({ max_in_flight: CALLS, burst: CALLS * 2 });
    const raised = await concurrentAtDocusign(app, id);
    expect(raised).toEqual({ atOnce: CALLS, queued: 0 });

    await setPacing(null);
    const cleared = await concurrentAtDocusign(app, id);
    expect(cleared).toEqual({ atOnce: 8, queued: CALLS - 8 });
  });
});
