#!/usr/bin/env node
// `npm run bench`: the benchmarks, one after another (they must not share the 2 cores), each a
// comparison against a peer measured in the same run. BENCH_ROUNDS sets the rounds (default 3).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const all = ['dist/bench/h2load.js', 'dist/bench/client.js', 'dist/bench/tls.js', 'dist/bench/record-floor.js', 'dist/bench/aead.js'];
const only = process.argv.slice(2);
let failed = 0;
for (const script of all) {
  if (only.length > 0 && !only.some((name) => script.includes(name))) continue;
  if (!existsSync(script)) { console.log(`(${script} missing: run npm run build)`); failed++; continue; }
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, ['--expose-gc', script], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
