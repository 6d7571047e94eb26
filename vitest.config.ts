import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { loadOrCreateCertificate } from './src/sandbox/docusign/server/certificate';

// The DocuSign sandbox's TLS certificate, made before the test processes start so they trust it the way an
// integrator's app does (NODE_EXTRA_CA_CERTS is read only at process start). The SDK suite serves HTTPS with it.
const sandboxTlsDir = join(
  tmpdir(),
  `docusign-sandbox-tls-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}`,
);
const sandboxCertificate = await loadOrCreateCertificate(sandboxTlsDir);
process.env.SANDBOX_TEST_TLS_DIR = sandboxTlsDir;
// Keep CAs the environment already adds (NODE_EXTRA_CA_CERTS takes one file): a bundle of those plus the sandbox's.
const extraCas = process.env.NODE_EXTRA_CA_CERTS;
if (extraCas && extraCas !== join(sandboxTlsDir, 'ca-bundle.pem')) {
  writeFileSync(
    join(sandboxTlsDir, 'ca-bundle.pem'),
    `${readFileSync(extraCas, 'utf8')}\n${sandboxCertificate.cert}`,
  );
  process.env.NODE_EXTRA_CA_CERTS = join(sandboxTlsDir, 'ca-bundle.pem');
} else if (!extraCas) {
  process.env.NODE_EXTRA_CA_CERTS = sandboxCertificate.certPath;
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Builds the PGlite snapshots (initdb + migrations once per run) that createTestDatabase() starts from.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
