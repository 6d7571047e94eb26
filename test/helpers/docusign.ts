/** Test wiring for the DocuSign simulator: msw handlers and a real local HTTP server. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { http } from 'msw';
import type { DocusignSimulator } from '../../src/sandbox/docusign';

/** msw handlers that forward every request to `${sim.origin}/*` into the simulator. */
export function docusignHandlers(sim: DocusignSimulator) {
  return [http.all(`${sim.origin}/*`, ({ request }) => sim.fetch(request))];
}

/** Serves the simulator on 127.0.0.1 (random port) and points its origin at that URL. */
export async function startSimulatorServer(
  sim: DocusignSimulator,
  options: { adoptOrigin?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (req, env) => sim.serverFetch(req, env), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (options.adoptOrigin ?? true) sim.setOrigin(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
