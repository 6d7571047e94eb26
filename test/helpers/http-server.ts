import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';

/** Starts a real HTTP server on 127.0.0.1 with a random port; `handler` may be set after the port is known. */
export async function listen(handler: (req: Request, env: unknown) => Response | Promise<Response>) {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(info.port),
    );
    server.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server!.close(() => resolve())),
  };
}
