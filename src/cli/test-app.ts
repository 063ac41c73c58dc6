/**
 * The small test application `tlsport serve` runs (the interop tests use it too):
 *   GET  /          a line naming backend, ALPN, TLS version and cipher suite
 *   GET  /bytes/N   N bytes (at most 1 GiB), streamed with backpressure
 *   POST /echo      the request body back, streamed
 *   GET  /headers   the request headers as JSON
 */
import type { Handler } from '../http2/index.js';

const MAX_BYTES = 1 << 30;
const CHUNK = new Uint8Array(64 * 1024).fill(0x61);

export const testApp: Handler = async (req, res) => {
  const path = req.path.split('?')[0] ?? '';
  if (req.method === 'GET' && path === '/') {
    const t = req.transportInfo;
    res.respond(200, { 'content-type': 'text/plain; charset=utf-8' });
    await res.end(`tlsport over ${t.backend}: HTTP/${req.httpVersion}, ALPN ${t.alpnProtocol ?? 'none'}, ${t.tlsVersion ?? 'no TLS'}, ${t.cipherSuite ?? 'no cipher'}\n`);
  } else if (req.method === 'GET' && path.startsWith('/bytes/')) {
    const n = Number(path.slice('/bytes/'.length));
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_BYTES) {
      res.respond(400, { 'content-type': 'text/plain' });
      await res.end(`N must be an integer from 0 to ${MAX_BYTES}\n`);
      return;
    }
    res.respond(200, { 'content-type': 'application/octet-stream', 'content-length': String(n) });
    for (let left = n; left > 0; left -= CHUNK.length) {
      await res.write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left));
    }
    await res.end();
  } else if (req.method === 'POST' && path === '/echo') {
    const type = req.headers['content-type'];
    // Read before answering: the first read is what sends 100 (Continue) to a client that sent
    // `Expect: 100-continue` and waits for it (curl does for large uploads).
    const body = req.body[Symbol.asyncIterator]();
    const first = await body.next();
    res.respond(200, { 'content-type': typeof type === 'string' ? type : 'application/octet-stream' });
    for (let r = first; !r.done; r = await body.next()) await res.write(r.value);
    await res.end();
  } else if (req.method === 'GET' && path === '/headers') {
    res.respond(200, { 'content-type': 'application/json' });
    await res.end(JSON.stringify(req.headers, null, 2) + '\n');
  } else {
    res.respond(404, { 'content-type': 'text/plain' });
    await res.end('not found: try /, /bytes/N, POST /echo, /headers\n');
  }
};
