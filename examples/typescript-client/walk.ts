/**
 * Runs the scenario against a running gateway: `npm start` in one terminal, then
 *   GATEWAY_API_KEY=dgw_… INTEGRATED_ACCOUNT_ID=ia_… npx tsx examples/typescript-client/walk.ts
 * (GATEWAY_URL defaults to http://localhost:8080). Writes the signed PDF to signed.pdf.
 */
import { writeFile } from 'node:fs/promises';
import { runScenario } from './scenario';

const apiKey = process.env.GATEWAY_API_KEY;
const integratedAccountId = process.env.INTEGRATED_ACCOUNT_ID;
if (!apiKey || !integratedAccountId) {
  console.error('Set GATEWAY_API_KEY and INTEGRATED_ACCOUNT_ID (both printed by the first `npm start`).');
  process.exit(2);
}
const result = await runScenario({
  baseUrl: process.env.GATEWAY_URL ?? 'http://localhost:8080',
  apiKey,
  integratedAccountId,
  log: (line) => console.log(line),
});
await writeFile('signed.pdf', result.pdf);
console.log(`signed.pdf written (signing request ${result.signingRequestId})`);
