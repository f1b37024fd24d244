// Runs the built CLI (bin/run.js → dist/) as a user would, in a child process.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repoRoot, 'bin', 'run.js');

export function rescape(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa(process.execPath, [bin, ...args], {
    reject: false,
    cwd: options.cwd ?? repoRoot,
    stdin: 'ignore',
    ...(options.env === undefined ? {} : { env: options.env }),
  });
}

export function tempDir(prefix: string): { path: string; [Symbol.dispose]: () => void } {
  const path = mkdtempSync(join(tmpdir(), `rescape-${prefix}-`));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}
