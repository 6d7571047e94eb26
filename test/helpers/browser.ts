import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    executablePath: await packagedExecutablePath(() => packaged.executablePath()),
    // Its Lambda-oriented `--single-process` makes Chromium crash (SIGTRAP) as soon as a second browser context
    // opens a page after the first was closed ("Target page, context or browser has been closed"); the rest fit here.
    args: [...packaged.args.filter((arg) => arg !== '--single-process'), ...QUIET_ARGS],
    headless: true,
  });
}

/**
 * `executablePath()` unpacks into os.tmpdir() and returns any `chromium` already there, whatever version put it there
 * (another checkout, an earlier install), so it unpacks into a directory of the installed version instead.
 */
async function packagedExecutablePath(unpack: () => Promise<string>): Promise<string> {
  const manifest = new URL('../../node_modules/@sparticuz/chromium/package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const dir = join(tmpdir(), `sparticuz-chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) {
    // Unpacked aside, then renamed into place: a test file running in parallel never starts a half-written binary.
    const staging = await mkdtemp(`${dir}-`);
    await withTmpdir(staging, unpack);
    await rename(staging, dir).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return withTmpdir(dir, unpack);
}

async function withTmpdir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}
