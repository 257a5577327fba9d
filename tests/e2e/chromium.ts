// Finds the Chromium binary the e2e tests and the benchmark drive (Debian's chromium package), and
// installs it with apt-get when it is missing and we are allowed to (root on Debian).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

/** The launch flags from measurements.md §4.2: quiet, offline, WebGL on SwiftShader made explicit. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

function canApt(): boolean {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root && existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
}

/**
 * The path of a Chromium executable: $CHROME_PATH, else /usr/bin/chromium. When neither exists it
 * runs the apt install if it can, otherwise throws an error that gives the exact command.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file is there.`);
  }
  if (existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  if (canApt()) {
    console.log(`Chromium not found; installing it: ${INSTALL_COMMAND}`);
    execSync(INSTALL_COMMAND, { stdio: 'inherit', shell: '/bin/bash', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  }
  throw new Error(
    `Chromium is needed for the browser tests and was not found at ${DEFAULT_CHROMIUM}.\n` +
      `Install it (as root on Debian/Ubuntu):\n  ${INSTALL_COMMAND}\n` +
      `or point CHROME_PATH at a Chromium/Chrome executable.`,
  );
}
