/**
 * The two HTTP/2 servers the benchmark compares, each run in its own process so they do not
 * share a core with each other or with h2load's bookkeeping:
 *   node bench/servers.js node  <certDir>   node:http2 secure server, the idiomatic stream API
 *   node bench/servers.js ours  <certDir> [backend]   tlsport's server over a backend
 * Both answer GET / with a short body and GET /bytes/N with N bytes, and print their port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import http2 from 'node:http2';

const [, , which, certDir, backendName = 'node-tls'] = process.argv;
const cert = readFileSync(join(certDir!, 'cert.pem'), 'utf8');
const key = readFileSync(join(certDir!, 'key.pem'), 'utf8');
const SMALL = Buffer.from('hello from tlsport bench\n');
const blobs = new Map<number, Buffer>();
const blob = (n: number) => { let b = blobs.get(n); if (!b) { b = Buffer.alloc(n, 0x61); blobs.set(n, b); } return b; };
const sizeOf = (path: string) => (path.startsWith('/bytes/') ? Math.min(Number(path.slice(7)) || 0, 64 << 20) : -1);
/** GET /__mem: this process's memory after a full GC (run with --expose-gc), for the per-connection figures. */
const memory = () => { (globalThis as { gc?: () => void }).gc?.(); const m = process.memoryUsage(); return JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external }); };

if (which === 'node') {
  const server = http2.createSecureServer({ cert, key, allowHTTP1: false, settings: { maxConcurrentStreams: 1000 } });
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    if (path === '/__mem') { stream.respond({ ':status': 200 }); stream.end(memory()); return; }
    if (path === '/hang') return; // an open stream that is never answered (memory per stream)
    const n = sizeOf(path);
    stream.respond({ ':status': 200, 'content-type': n < 0 ? 'text/plain' : 'application/octet-stream' });
    stream.end(n < 0 ? SMALL : blob(n));
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
} else {
  const { createServer } = await import('../src/http2/index.js');
  const server = createServer({ backend: backendName, cert, key, settings: { maxConcurrentStreams: 1000 } }, (req, res) => {
    if (req.path === '/__mem') { res.respond(200); void res.end(memory()); return; }
    if (req.path === '/hang') return;
    const n = sizeOf(req.path);
    res.respond(200, { 'content-type': n < 0 ? 'text/plain' : 'application/octet-stream' });
    void res.end(n < 0 ? SMALL : blob(n));
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ port: address.port }));
}
