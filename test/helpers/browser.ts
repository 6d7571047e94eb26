import { type Browser, chromium } from 'playwright-core';

// Flags for a closed network: no background connections, no updates, no first-run pages.
const QUIET_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * A headless Chromium: `CHROMIUM_PATH` when set (e.g. Debian's /usr/bin/chromium), else the Chromium shipped in
 * the `@sparticuz/chromium` npm package, so a fresh machine needs nothing beyond `npm install`.
 */
export async function launchChromium(): Promise<Browser> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    return chromium.launch({ executablePath: override, args: ['--no-sandbox', ...QUIET_ARGS] });
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  return chromium.launch({
    executablePath: await packaged.executablePath(),
    // Its Lambda-oriented `--single-process` dies when a test opens a second browser context; the rest fit here.
    args: [...packaged.args.filter((arg) => arg !== '--single-process'), ...QUIET_ARGS],
    headless: true,
  });
}
