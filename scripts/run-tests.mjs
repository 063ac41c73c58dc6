#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's test runner. `npm test` builds
// first (pretest), so this only lists files: Node 20's --test takes no glob patterns.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['dist/test', 'dist/interop', 'dist/docs'];
const filter = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => walk(root, []))
  .filter((file) => filter.length === 0 || filter.some((f) => relative('.', file).includes(f)));
if (files.length === 0) {
  console.error('no test files found under dist/: did the build run (npm run build)?');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
