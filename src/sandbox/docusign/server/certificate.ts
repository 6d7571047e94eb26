/**
 * The sandbox's self-signed TLS certificate (Node only): generated with `selfsigned` on first start, kept in the
 * data directory and reused while it is valid, so clients trust it once (NODE_EXTRA_CA_CERTS=<cert.pem>).
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface SandboxCertificate {
  /** PEM of the certificate (what clients trust). */
  cert: string;
  /** PEM of its private key. */
  key: string;
  certPath: string;
  keyPath: string;
}

const DAY_MS = 86_400_000;

/** Reads the certificate kept in `dataDir`, or makes one for localhost, 127.0.0.1 and ::1 (valid 825 days). */
export async function loadOrCreateCertificate(dataDir: string): Promise<SandboxCertificate> {
  const certPath = join(dataDir, 'sandbox-cert.pem');
  const keyPath = join(dataDir, 'sandbox-key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    // Renew a certificate that expires within a day rather than fail clients mid-session.
    if (Date.parse(new X509Certificate(cert).validTo) > Date.now() + DAY_MS)
      return { cert, key, certPath, keyPath };
  } catch {
    // missing or unreadable: generate below
  }
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 825 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(dataDir, { recursive: true });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await writeFile(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, certPath, keyPath };
}
