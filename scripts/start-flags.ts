import { readFileSync } from 'node:fs';

/**
 * The Node flags `npm start` gives the gateway (the `--` options of package.json's `start` script before the script
 * path), so benches and tests run the gateway as users run it.
 */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const [node, ...rest] = pkg.scripts.start.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`package.json start script does not run node: ${pkg.scripts.start}`);
  const flags: string[] = [];
  for (const arg of rest) {
    if (!arg.startsWith('--')) break;
    flags.push(arg);
  }
  return flags;
}
