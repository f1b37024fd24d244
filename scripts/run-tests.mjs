// Finds test/**/*.test.ts and runs them on node's own test runner with the tsx loader.
// Node 20's `--test` takes no glob patterns, so the file list is built here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filter = process.argv.slice(2);
const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join('test', file))
  .filter((file) => filter.length === 0 || filter.some((part) => file.includes(part)))
  .sort();
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];
// A test that hangs fails after 5 minutes instead of holding CI to its limit, and a file whose tests are done
// exits even if a socket or timer was left open (servers on 127.0.0.1 are many here; one missed close must
// not stall the suite).
const guards = ['--test-timeout=300000', '--test-force-exit'];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...guards, ...reporter, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
