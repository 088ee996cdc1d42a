#!/usr/bin/env node
// Runs every test/**/*.test.ts (except the real-VS-Code suite under test/e2e) with Node's test
// runner and tsx. Node 20's --test does not expand globs itself.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'e2e' || entry.name === 'fixtures' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const filter = process.argv.slice(2);
const files = find('test').filter((f) => filter.length === 0 || filter.some((part) => f.includes(part))).sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter', process.env.TEST_REPORTER ?? 'spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
