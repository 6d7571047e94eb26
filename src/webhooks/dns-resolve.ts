import { lookup } from 'node:dns/promises';

/** Every address a host name resolves to (Node only; the subscriber URL policy refuses private ones). */
export async function resolveHostAddresses(hostname: string): Promise<string[]> {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}
