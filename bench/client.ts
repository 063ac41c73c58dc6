/**
 * `npm run bench` (HTTP/2 client part): our client vs node:http2's client, the same 100,000
 * small GETs with 100 in flight on one connection, against nghttpd (h2 over TLS), alternating
 * rounds; medians and the ratio.
 *
 *   BENCH_ROUNDS=5 BENCH_REQUESTS=100000 node dist/bench/client.js
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http2 from 'node:http2';
import { connect } from '../src/http2/index.js';
import { selfSigned } from '../src/certs.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 100_000);
const IN_FLIGHT = 100;
const BACKEND = process.env['BENCH_BACKEND'] ?? 'node-tls';
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `total` requests keeping `IN_FLIGHT` outstanding; resolves with requests per second. */
async function drive(one: () => Promise<void>): Promise<number> {
  let started = 0;
  const begin = performance.now();
  const worker = async () => { while (started < REQUESTS) { started++; await one(); } };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return REQUESTS / ((performance.now() - begin) / 1000);
}

async function ours(url: string): Promise<number> {
  const client = await connect(url, { backend: BACKEND, rejectUnauthorized: false });
  try {
    return await drive(async () => {
      const res = await client.request({ path: '/index.html' });
      await res.bytes();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    });
  } finally { await client.close(); }
}

async function nodes(url: string): Promise<number> {
  const session = http2.connect(url, { rejectUnauthorized: false, peerMaxConcurrentStreams: 1000 });
  try {
    return await drive(() => new Promise<void>((resolve, reject) => {
      const req = session.request({ ':path': '/index.html' });
      let status = 0;
      req.on('response', (h) => { status = Number(h[':status']); });
      req.on('data', () => {});
      req.on('end', () => (status === 200 ? resolve() : reject(new Error(`status ${status}`))));
      req.on('error', reject);
    }));
  } finally { session.close(); }
}

async function main(): Promise<void> {
  if (spawnSync('nghttpd', ['--version']).error) {
    console.log('skipped: nghttpd not installed (Debian package nghttp2-server)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tlsport-bench-client-'));
  const cert = await selfSigned({ names: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  writeFileSync(join(dir, 'index.html'), 'hello from nghttpd\n');
  const port = await freePort();
  const nghttpd: ChildProcess = spawn('nghttpd', ['-d', dir, '-a', '127.0.0.1', String(port), join(dir, 'key.pem'), join(dir, 'cert.pem')], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const url = `https://127.0.0.1:${port}`;
    const results = { node: [] as number[], ours: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of (round % 2 ? ['ours', 'node'] : ['node', 'ours']) as Array<'node' | 'ours'>) {
        results[which].push(which === 'ours' ? await ours(url) : await nodes(url));
      }
    }
    const node = median(results.node), our = median(results.ours);
    console.log(`HTTP/2 client benchmark: ${REQUESTS} GETs, ${IN_FLIGHT} in flight, one connection, against nghttpd (TLS), ${ROUNDS} rounds, medians`);
    console.log(`node:http2 client ${node.toFixed(0)} req/s   tlsport client over ${BACKEND} ${our.toFixed(0)} req/s   ratio ${(our / node).toFixed(2)}`);
    console.log(`  (rounds node ${results.node.map((x) => x.toFixed(0)).join('/')}, ours ${results.ours.map((x) => x.toFixed(0)).join('/')})`);
  } finally {
    nghttpd.kill();
  }
}

await main();
