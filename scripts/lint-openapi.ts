/**
 * `npm run lint:openapi`: Redocly CLI lints openapi.yaml with redocly.yaml and fails on any error *or warning*
 * (Redocly itself exits 0 on warnings). Runs offline: telemetry and the update check are switched off.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const run = (format: string) =>
  spawnSync('npx', ['--no-install', 'redocly', 'lint', 'openapi.yaml', `--format=${format}`], {
    cwd: root,
    env,
    encoding: 'utf8',
  });

const result = run('json');
let totals: { errors: number; warnings: number };
try {
  totals = JSON.parse(result.stdout).totals;
} catch {
  console.error(result.stdout, result.stderr);
  console.error('redocly lint did not answer with a JSON report');
  process.exit(1);
}
if (totals.errors > 0 || totals.warnings > 0) {
  process.stdout.write(run('codeframe').stdout);
  console.error(`openapi.yaml: ${totals.errors} errors, ${totals.warnings} warnings (0 of each allowed)`);
  process.exit(1);
}
console.log('openapi.yaml: 0 errors, 0 warnings (Redocly)');
