/**
 * `npm run bench` (HTTP/2 server part): our server over node-tls against node:http2's secure
 * server, same machine, same h2load command, alternating rounds; medians and ratios. Then memory
 * per idle connection and per open stream, measured in each server process after a full GC.
 *
 *   BENCH_ROUNDS=5 BENCH_BACKEND=node-tls node dist/bench/h2load.js
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http2 from 'node:http2';
import { selfSigned } from '../src/certs.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BACKEND = process.env['BENCH_BACKEND'] ?? 'node-tls';

interface Scenario { name: string; args: (url: string) => string[]; metric: 'req/s' | 'MB/s' }
const SCENARIOS: Scenario[] = [
  { name: 'small GET, -c 1 -m 100', args: (u) => ['-n', '100000', '-c', '1', '-m', '100', u], metric: 'req/s' },
  { name: 'small GET, -c 10 -m 10', args: (u) => ['-n', '100000', '-c', '10', '-m', '10', u], metric: 'req/s' },
  { name: '1 MiB download, -c 1 -m 10', args: (u) => ['-n', '300', '-c', '1', '-m', '10', `${u}bytes/1048576`], metric: 'MB/s' },
];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

async function startServer(which: 'node' | 'ours', certDir: string): Promise<{ port: number; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./servers.js', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', script, which, certDir, BACKEND], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${which} server did not start`)), 15_000);
    child.stdout!.once('data', (d: Buffer) => { clearTimeout(timer); resolve((JSON.parse(d.toString()) as { port: number }).port); });
    child.once('exit', (code) => reject(new Error(`${which} server exited with ${code}`)));
  });
  return { port, child };
}

function h2load(args: string[]): { reqPerSec: number; mbPerSec: number; failed: number } {
  const out = spawnSync('h2load', args, { encoding: 'utf8', timeout: 300_000 });
  const text = `${out.stdout}${out.stderr}`;
  const fin = /finished in [\d.]+m?s, ([\d.]+) req\/s, ([\d.]+)([KMG]?)B\/s/.exec(text);
  const reqs = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(text);
  const codes = /status codes: (\d+) 2xx/.exec(text);
  if (!fin || !reqs || !codes) throw new Error(`cannot read h2load output:\n${text}`);
  // A fast server that answers wrongly must not score: every request must have got a 2xx.
  if (Number(codes[1]) !== Number(reqs[1])) throw new Error(`only ${codes[1]} of ${reqs[1]} responses were 2xx:\n${text}`);
  const unit = { '': 1 / 1e6, K: 1 / 1e3, M: 1, G: 1e3 }[fin[3] as '' | 'K' | 'M' | 'G'];
  return { reqPerSec: Number(fin[1]), mbPerSec: Number(fin[2]) * unit, failed: Number(reqs[3]) };
}

async function serverMemory(port: number): Promise<{ rss: number; heapUsed: number; external: number }> {
  const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ':path': '/__mem' });
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve(JSON.parse(body))).on('error', reject);
    });
  } finally { session.close(); }
}

/** Bytes of server memory per idle connection and per open (unanswered) stream. */
async function memoryCosts(port: number): Promise<{ perConnection: number; perStream: number }> {
  const CONNECTIONS = 200, STREAMS = 900;
  const base = await serverMemory(port);
  const sessions = await Promise.all(Array.from({ length: CONNECTIONS }, () => new Promise<http2.ClientHttp2Session>((resolve, reject) => {
    const s = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    s.once('remoteSettings', () => resolve(s)); s.once('error', reject);
  })));
  const withConnections = await serverMemory(port);
  const one = sessions[0]!;
  const streams = Array.from({ length: STREAMS }, () => { const r = one.request({ ':path': '/hang' }); r.on('error', () => {}); return r; });
  await new Promise((r) => setTimeout(r, 500));
  const withStreams = await serverMemory(port);
  for (const s of streams) s.close();
  for (const s of sessions) s.destroy();
  const used = (m: typeof base) => m.heapUsed + m.external;
  return { perConnection: (used(withConnections) - used(base)) / CONNECTIONS, perStream: (used(withStreams) - used(withConnections)) / STREAMS };
}

async function main(): Promise<void> {
  if (spawnSync('h2load', ['--version']).error) {
    console.log('skipped: h2load not installed (Debian package nghttp2-client)');
    return;
  }
  const certDir = mkdtempSync(join(tmpdir(), 'tlsport-bench-'));
  const cert = await selfSigned({ names: ['localhost', '127.0.0.1'] });
  writeFileSync(join(certDir, 'cert.pem'), cert.certPem);
  writeFileSync(join(certDir, 'key.pem'), cert.keyPem);
  const servers = { node: await startServer('node', certDir), ours: await startServer('ours', certDir) };
  try {
    // Memory first, on fresh servers: after the load runs, collecting their garbage swamps the
    // deltas. Median of three samples each.
    const samples = { node: [] as Array<{ perConnection: number; perStream: number }>, ours: [] as Array<{ perConnection: number; perStream: number }> };
    // One discarded round first: the first 200 connections also pay for lazily built code and
    // caches (measured ~2x the later rounds), which is not a per-connection cost.
    for (const which of ['node', 'ours'] as const) await memoryCosts(servers[which].port);
    for (let i = 0; i < 3; i++) for (const which of ['node', 'ours'] as const) samples[which].push(await memoryCosts(servers[which].port));
    const mem = {
      node: { perConnection: median(samples.node.map((s) => s.perConnection)), perStream: median(samples.node.map((s) => s.perStream)) },
      ours: { perConnection: median(samples.ours.map((s) => s.perConnection)), perStream: median(samples.ours.map((s) => s.perStream)) },
    };
    console.log(`HTTP/2 server benchmark: tlsport over ${BACKEND} vs node:http2 (createSecureServer, stream API), ${ROUNDS} rounds, medians\n`);
    for (const scenario of SCENARIOS) {
      const results = { node: [] as number[], ours: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const which of (round % 2 ? ['ours', 'node'] : ['node', 'ours']) as Array<'node' | 'ours'>) {
          const r = h2load(scenario.args(`https://127.0.0.1:${servers[which].port}/`));
          if (r.failed > 0) throw new Error(`${which}: ${r.failed} requests failed in "${scenario.name}"`);
          results[which].push(scenario.metric === 'req/s' ? r.reqPerSec : r.mbPerSec);
        }
      }
      const node = median(results.node), ours = median(results.ours);
      console.log(`${scenario.name.padEnd(28)} node:http2 ${node.toFixed(0).padStart(7)} ${scenario.metric}   tlsport ${ours.toFixed(0).padStart(7)} ${scenario.metric}   ratio ${(ours / node).toFixed(2)}`);
      console.log(`  h2load ${scenario.args('https://127.0.0.1:PORT/').join(' ')}   (rounds node ${results.node.map((x) => x.toFixed(0)).join('/')}, ours ${results.ours.map((x) => x.toFixed(0)).join('/')})`);
    }
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`\nmemory per idle connection   node:http2 ${kib(mem.node.perConnection)}   tlsport ${kib(mem.ours.perConnection)}`);
    console.log(`memory per open stream       node:http2 ${kib(mem.node.perStream)}   tlsport ${kib(mem.ours.perStream)}`);
    console.log('(JS heap + external buffers after a full GC; node:http2 also holds nghttp2 memory outside the JS heap, not counted)');
  } finally {
    servers.node.child.kill();
    servers.ours.child.kill();
  }
}

await main();
