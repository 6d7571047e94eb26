import { type CryptoKey, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/** An RSA key pair for the JWT grant: PEMs for the API and the simulator, CryptoKeys for signing in tests. */
export interface TestKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

const pairs = new Map<string, Promise<TestKeyPair>>();

/**
 * An RS256 key pair, generated once per test process and name (generating one takes a moment). `default` is the
 * pair `createConnectedApp` registers with the simulator; ask for another name for a key DocuSign does not know.
 */
export function testKeyPair(name = 'default'): Promise<TestKeyPair> {
  let pair = pairs.get(name);
  if (!pair) {
    pair = generateKeyPair('RS256', { extractable: true, modulusLength: 2048 }).then(
      async ({ privateKey, publicKey }) => ({
        privateKeyPem: await exportPKCS8(privateKey),
        publicKeyPem: await exportSPKI(publicKey),
        privateKey,
        publicKey,
      }),
    );
    pairs.set(name, pair);
  }
  return pair;
}
