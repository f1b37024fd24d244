// Shared helpers of the import tests: temporary inputs and outputs, and an import that must succeed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir, repoRoot } from '../cli.js';
import { importTrace } from '../../src/dataset/import/import-trace.js';
import type { ImportOptions, ImportResult } from '../../src/dataset/import/import-types.js';

export const fixtures = join(repoRoot, 'test', 'fixtures', 'import');
export const onlineBoutique = join(repoRoot, '..', 'shared', 'datasets', 'onlineboutique-2022-08-22');

const tmp = tempDir('import');
process.on('exit', () => tmp[Symbol.dispose]());
let counter = 0;

/** A fresh path under the test's temporary directory. */
export function scratch(name: string): string {
  counter += 1;
  return join(tmp.path, `${counter}-${name}`);
}

/** Writes files (relative path → text or bytes) under a fresh directory and returns it. */
export function writeInputs(files: Record<string, string | Buffer>): string {
  const dir = scratch('in');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export function runImport(options: Omit<ImportOptions, 'out'> & { out?: string }): Promise<ImportResult> {
  return importTrace({ ...options, out: options.out ?? scratch('run') });
}
