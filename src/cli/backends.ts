/** `tlsport backends`: the registry's table, without loading any backend. */
import { listBackends } from '../registry.js';

export async function run(args: string[]): Promise<number> {
  const entries = listBackends();
  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...entries.map((e) => e.name.length));
  for (const entry of entries) {
    process.stdout.write(`${entry.name.padEnd(width)}  ${entry.builtin ? 'built-in' : 'plugin  '}  ${entry.description}\n`);
  }
  return 0;
}
