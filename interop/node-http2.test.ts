/**
 * Interop with node:http2 (nghttp2 inside Node), both ways, over each TLS backend:
 * - our client (tlsport/http2 over node-tls / forge-tls13) against `http2.createSecureServer`;
 * - a node:http2 client (`http2.connect`) against our server (over node-tls / forge-tls13).
 *
 * Rows: GET; POST echo of 0 B / 1 B / 1 MiB / 16 MiB checked by SHA-256; 1,000 concurrent
 * streams on one connection; trailers both ways; 40 KB headers (CONTINUATION); HEAD; RST_STREAM
 * CANCEL mid-body from either side; GOAWAY (and a destroyed connection) while requests are in
 * flight; informational responses (103 from node's server; Expect: 100-continue from node's
 * client). Every wait is bounded, so a hang fails the row instead of stalling the run.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_SERVER_SETTINGS,
  ErrorCode,
  Http2Error,
  RequestAbortedError,
  RequestRefusedError,
  StreamError,
  connect,
  createServer,
  type GoawayInfo,
  type Handler,
  type Http2Client,
  type Http2Server,
} from '../src/http2/index.js';
import { isTransportError } from '../src/transport.js';
import {
  KiB,
  MiB,
  TLS_BACKENDS,
  makeCerts,
  randomBody,
  settleAll,
  sha256,
  sleep,
  waitUntil,
  withTimeout,
  type TestCerts,
} from './helpers.js';

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR } = http2.constants;

const BODY_SIZES = [0, 1, 1 * MiB, 16 * MiB] as const;
const CONCURRENT = 1000;
const IN_FLIGHT = 200;
const T = { timeout: 60_000 };

let certs: TestCerts;
/** Random bodies by size, made once. */
const bodies = new Map<number, Uint8Array>();

before(async () => {
  certs = await makeCerts();
  for (const n of BODY_SIZES) bodies.set(n, randomBody(n));
});

/** 40,000 visible ASCII characters (random, so HPACK's Huffman coding cannot shrink it much). */
function bigHeaderValue(): string {
  return Buffer.from(randomBody(30_000)).toString('base64').slice(0, 40_000);
}

const sizeName = (n: number): string => (n >= MiB ? `${n / MiB} MiB` : `${n} B`);

/** Resolves with every chunk of a node stream, or rejects on its error. */
function readAll(stream: http2.Http2Stream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Whether `err` is the typed error of a stream the server gave up on (GOAWAY / REFUSED / lost connection). */
function isTypedGoawayError(err: unknown): boolean {
  return (
    err instanceof RequestRefusedError ||
    (err instanceof StreamError && err.code === ErrorCode.REFUSED_STREAM) ||
    // retried on a new connection, but the server no longer listens
    isTransportError(err, 'CONNECT_FAILED')
  );
}

// =====================================================================================
// 1. our client -> node:http2 secure server
// =====================================================================================

interface NodeServer {
  server: http2.Http2SecureServer;
  port: number;
  sessions: Set<http2.ServerHttp2Session>;
  /** Per-path handlers a test installs for itself. */
  hooks: Map<string, (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void>;
}

async function startNodeServer(settings: http2.Settings = {}): Promise<NodeServer> {
  const sessions = new Set<http2.ServerHttp2Session>();
  const hooks: NodeServer['hooks'] = new Map();
  let toReset: http2.ServerHttp2Stream | null = null;
  const server = http2.createSecureServer({ cert: certs.certPem, key: certs.keyPem, allowHTTP1: false, settings });
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
    s.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const path = String(headers[':path']);
    const hook = hooks.get(path);
    if (hook !== undefined) return hook(stream, headers);
    switch (path) {
      case '/hello':
        stream.respond({ ':status': 200, 'content-type': 'text/plain', 'x-peer': 'node' });
        stream.end('hello from node:http2\n');
        return;
      case '/echo':
        stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'x-method': String(headers[':method']) });
        stream.pipe(stream);
        return;
      case '/trailers': {
        // Reads the request body and its trailers, answers the body's hash, then trailers
        // carrying the hash and the client's trailer back (waitForTrailers + sendTrailers).
        let clientTrailer = 'none';
        stream.once('trailers', (t: http2.IncomingHttpHeaders) => (clientTrailer = String(t['x-client-trailer'] ?? 'missing')));
        void readAll(stream).then(
          (body) => {
            const hash = sha256(body);
            stream.respond({ ':status': 200, 'content-type': 'text/plain' }, { waitForTrailers: true });
            stream.once('wantTrailers', () => stream.sendTrailers({ 'x-sha256': hash, 'x-echo-trailer': clientTrailer }));
            stream.end(hash);
          },
          () => {},
        );
        return;
      }
      case '/big-header':
        // Echoes x-big back as a response header: 40 KB each way needs CONTINUATION frames.
        stream.respond({ ':status': 200, 'x-big-echo': String(headers['x-big']) });
        stream.end(sha256(Buffer.from(String(headers['x-big']))));
        return;
      case '/rst':
        // Head and part of a 1 MiB body; RST_STREAM(CANCEL) comes when the client asks for
        // /rst-now. The body is larger than the client's stream window and the client stops
        // reading, so data is still queued when close() runs: node then resets the stream
        // instead of first ending it (with everything flushed, close(code) sends END_STREAM
        // before RST_STREAM, and the response is complete for any client).
        stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
        stream.write(Buffer.alloc(MiB, 0x78));
        toReset = stream;
        return;
      case '/rst-now':
        toReset?.close(NGHTTP2_CANCEL);
        toReset = null;
        stream.respond({ ':status': 204 });
        stream.end();
        return;
      default:
        stream.respond({ ':status': 404 });
        stream.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sessions, hooks };
}

async function stopNodeServer(s: NodeServer): Promise<void> {
  for (const session of s.sessions) session.destroy();
  await withTimeout(new Promise<void>((resolve) => s.server.close(() => resolve())), 5000, 'node:http2 server close').catch(() => undefined);
}

for (const backend of TLS_BACKENDS) {
  describe(`our client (${backend}) -> node:http2 server`, () => {
    let node: NodeServer;
    let client: Http2Client;
    const clients: Http2Client[] = [];
    const open = async (port: number, extra: Parameters<typeof connect>[1] = {}): Promise<Http2Client> => {
      const c = await withTimeout(connect(`https://localhost:${port}`, { backend, ca: certs.caPem, ...extra }), 10_000, 'connect');
      clients.push(c);
      return c;
    };

    before(async () => {
      node = await startNodeServer();
      client = await open(node.port);
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await stopNodeServer(node);
    });

    it('negotiates h2 and GETs', T, async () => {
      assert.equal(client.info.alpnProtocol, 'h2');
      assert.equal(client.info.backend, backend);
      const res = await client.request({ path: '/hello' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-peer'], 'node');
      assert.equal(res.headers['content-type'], 'text/plain');
      assert.equal(await res.text(), 'hello from node:http2\n');
    });

    for (const size of BODY_SIZES) {
      it(`POST ${sizeName(size)} is echoed intact (SHA-256)`, T, async () => {
        const body = bodies.get(size)!;
        const started = Date.now();
        const res = await client.request({ method: 'POST', path: '/echo', body });
        assert.equal(res.status, 200);
        assert.equal(res.headers['x-method'], 'POST');
        const got = await res.bytes();
        assert.equal(got.length, size);
        assert.equal(sha256(got), sha256(body));
        if (size >= MiB) console.log(`# ${backend} client, node server: echo ${sizeName(size)} in ${Date.now() - started} ms`);
      });
    }

    it(`${CONCURRENT} concurrent requests on one connection all answer correctly`, T, async () => {
      const before = node.sessions.size;
      const results = await settleAll(
        Array.from({ length: CONCURRENT }, async (_, i) => {
          const res = await client.request({ method: 'POST', path: '/echo', body: `request number ${i}` });
          return { i, status: res.status, text: await res.text() };
        }),
        45_000,
        `${CONCURRENT} requests`,
      );
      for (const r of results) {
        assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
        const v = (r as PromiseFulfilledResult<{ i: number; status: number; text: string }>).value;
        assert.equal(v.status, 200);
        assert.equal(v.text, `request number ${v.i}`);
      }
      assert.equal(node.sessions.size, before, 'all on the existing connection');
    });

    it('trailers both ways: ours reach node, node sendTrailers reach us', T, async () => {
      const body = bodies.get(MiB)!;
      const res = await client.request({ method: 'POST', path: '/trailers', body, trailers: { 'x-client-trailer': `from-${backend}` } });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), sha256(body));
      const trailers = await withTimeout(res.trailers, 10_000, 'trailers');
      assert.equal(trailers['x-sha256'], sha256(body));
      assert.equal(trailers['x-echo-trailer'], `from-${backend}`);
    });

    it('a 40 KB header each way (HEADERS + CONTINUATION)', T, async () => {
      const big = bigHeaderValue();
      const res = await client.request({ path: '/big-header', headers: { 'x-big': big } });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), sha256(Buffer.from(big)));
      assert.equal(res.headers['x-big-echo'], big);
    });

    it('informational responses: node additionalHeaders(103) reaches onInformational before the final response', T, async () => {
      node.hooks.set('/early-hints', (stream) => {
        stream.additionalHeaders({ ':status': 103, link: '</style.css>; rel=preload; as=style' });
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        stream.end('final');
      });
      const hints: Array<[number, string | string[] | undefined]> = [];
      const res = await client.request({ path: '/early-hints', onInformational: (status, headers) => hints.push([status, headers['link']]) });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'final');
      assert.deepEqual(hints, [[103, '</style.css>; rel=preload; as=style']]);
    });

    it('HEAD: status and headers, no body', T, async () => {
      // node:http2 ends a HEAD response at respond() whatever the handler writes after it.
      const res = await client.request({ method: 'HEAD', path: '/hello' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-peer'], 'node');
      assert.equal((await res.bytes()).length, 0);
      assert.deepEqual(await res.trailers, {});
    });

    it('server RST_STREAM(CANCEL) mid-body rejects the body with StreamError code 8; the connection lives on', T, async () => {
      const res = await client.request({ path: '/rst' });
      assert.equal(res.status, 200);
      const reader = res.body[Symbol.asyncIterator]();
      const first = await withTimeout(reader.next(), 10_000, 'first body chunk');
      assert.ok(first.done !== true && first.value.length > 0, 'part of the body arrives');
      const now = await client.request({ path: '/rst-now' }); // the server resets /rst
      assert.equal(now.status, 204);
      await sleep(20);
      let received = first.value.length;
      let caught: unknown;
      try {
        for (;;) {
          const r = await withTimeout(reader.next(), 10_000, 'body of a reset stream');
          if (r.done === true) break;
          received += r.value.length;
        }
      } catch (err) {
        caught = err;
      }
      assert.ok(received < MiB, `got the whole body (${received} bytes): the stream was not reset mid-body`);
      assert.ok(caught instanceof StreamError, `expected a StreamError, got ${String(caught)}`);
      assert.equal(caught.code, ErrorCode.CANCEL);
      assert.equal(caught.initiator, 'remote');
      const again = await client.request({ path: '/hello' });
      assert.equal(await again.text(), 'hello from node:http2\n');
    });

    it('our AbortSignal mid-body: node sees RST_STREAM(CANCEL), we reject with RequestAbortedError', T, async () => {
      const serverClosed = new Promise<number>((resolve) => {
        node.hooks.set('/endless', (stream) => {
          stream.once('close', () => resolve(stream.rstCode));
          stream.respond({ ':status': 200 });
          const chunk = Buffer.alloc(16 * KiB, 0x7a);
          const pump = (): void => {
            while (!stream.destroyed && stream.write(chunk));
            if (!stream.destroyed) stream.once('drain', pump);
          };
          pump();
        });
      });
      try {
        const ac = new AbortController();
        const res = await client.request({ path: '/endless', signal: ac.signal });
        const reader = res.body[Symbol.asyncIterator]();
        const first = await withTimeout(reader.next(), 10_000, 'first chunk');
        assert.equal(first.done, false);
        ac.abort(new Error('enough'));
        await assert.rejects(withTimeout(reader.next(), 10_000, 'read after abort'), (err: unknown) => {
          assert.ok(err instanceof RequestAbortedError, `got ${String(err)}`);
          assert.equal(err.code, ErrorCode.CANCEL);
          return true;
        });
        assert.equal(await withTimeout(serverClosed, 10_000, 'node stream close'), NGHTTP2_CANCEL);
        const again = await client.request({ path: '/hello' });
        assert.equal(await again.text(), 'hello from node:http2\n');
      } finally {
        node.hooks.delete('/endless');
      }
    });

    it(`session.goaway(last-stream-id) with ${IN_FLIGHT} in flight: streams <= last id complete there, the rest are retried on a new connection`, T, async () => {
      const goaways: GoawayInfo[] = [];
      const c = await open(node.port, { onGoaway: (g) => goaways.push(g) });
      let first: http2.Http2Session | null = null;
      const held: Array<{ stream: http2.ServerHttp2Stream; body: Promise<Buffer> }> = [];
      let lastId = -1;
      let timer: NodeJS.Timeout | undefined;
      const release = (): void => {
        if (lastId !== -1 || first === null) return;
        clearTimeout(timer);
        const ids = held.map((h) => h.stream.id!).sort((a, b) => a - b);
        lastId = ids[Math.floor(ids.length / 2) - 1]!;
        first.goaway(NGHTTP2_NO_ERROR, lastId);
        for (const h of held) {
          if (h.stream.id! > lastId) continue; // not processed: nghttp2 closes it, our client retries it
          void h.body.then((b) => {
            if (h.stream.destroyed) return;
            h.stream.respond({ ':status': 200, 'x-conn': 'first' });
            h.stream.end(b);
          }, () => {});
        }
      };
      node.hooks.set('/load', (stream) => {
        first ??= stream.session!;
        if (stream.session !== first) {
          stream.respond({ ':status': 200, 'x-conn': 'second' });
          stream.pipe(stream);
          return;
        }
        held.push({ stream, body: readAll(stream) });
        timer ??= setTimeout(release, 3000); // not all arrived: go with what did
        if (held.length === IN_FLIGHT) release();
      });
      try {
        const results = await settleAll(
          Array.from({ length: IN_FLIGHT }, async (_, i) => {
            const res = await c.request({ method: 'POST', path: '/load', body: `load ${i}` });
            return { i, streamId: res.streamId, conn: res.headers['x-conn'], text: await res.text() };
          }),
          30_000,
          `${IN_FLIGHT} requests across GOAWAY`,
        );
        assert.equal(goaways.length, 1, 'one GOAWAY seen');
        assert.equal(goaways[0]!.errorCode, ErrorCode.NO_ERROR);
        assert.equal(goaways[0]!.lastStreamId, lastId);
        let onFirst = 0;
        let onSecond = 0;
        for (const r of results) {
          assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? `rejected: ${String(r.reason)}` : '');
          const v = (r as PromiseFulfilledResult<{ i: number; streamId: number; conn: unknown; text: string }>).value;
          assert.equal(v.text, `load ${v.i}`);
          if (v.conn === 'first') {
            onFirst++;
            assert.ok(v.streamId <= lastId, `stream ${v.streamId} above last-stream-id ${lastId} answered on the old connection`);
          } else {
            assert.equal(v.conn, 'second');
            onSecond++;
          }
        }
        assert.equal(onFirst, held.filter((h) => h.stream.id! <= lastId).length);
        assert.ok(onFirst > 0 && onSecond > 0, `expected both connections used: ${onFirst} / ${onSecond}`);
        assert.equal(onFirst + onSecond, IN_FLIGHT);
      } finally {
        clearTimeout(timer);
        node.hooks.delete('/load');
      }
    });

    it('node session.destroy() with 100 in flight: every request rejects with a typed error at once; the next request reconnects', T, async () => {
      let seen = 0;
      node.hooks.set('/doomed', (stream) => {
        if (++seen === 100) setTimeout(() => stream.session!.destroy(), 20);
      });
      try {
        const c = await open(node.port);
        const results = await settleAll(
          Array.from({ length: 100 }, () => c.request({ path: '/doomed' })),
          10_000,
          '100 requests on a destroyed connection',
        );
        for (const r of results) {
          assert.equal(r.status, 'rejected');
          const e = (r as PromiseRejectedResult).reason as Error;
          // ConnectionLostError for most; node resets a stream or two (NO_ERROR) before the socket goes
          assert.ok(e instanceof Http2Error, `untyped failure: ${String(e)}`);
        }
        const again = await withTimeout(c.request({ path: '/hello' }), 10_000, 'request after reconnect');
        assert.equal(await again.text(), 'hello from node:http2\n');
      } finally {
        node.hooks.delete('/doomed');
      }
    });

    it(`server.close() + session.close() with ${IN_FLIGHT} requests started: in-flight ones complete, queued ones fail typed, none hangs`, T, async () => {
      // Its own server: MAX_CONCURRENT_STREAMS 50, so 50 are in flight and 150 wait in our queue.
      const limited = await startNodeServer({ maxConcurrentStreams: 50 });
      const goaways: GoawayInfo[] = [];
      const held: Array<{ stream: http2.ServerHttp2Stream; body: Promise<Buffer> }> = [];
      let closeCalled = false;
      limited.hooks.set('/load', (stream) => {
        held.push({ stream, body: readAll(stream) });
        if (held.length === 50 && !closeCalled) {
          closeCalled = true;
          // Graceful shutdown: stop listening, GOAWAY(NO_ERROR, last processed stream). Node 20's
          // server.close() alone leaves sessions open, so close the session too.
          limited.server.close();
          stream.session!.close();
          setTimeout(() => {
            for (const h of held) {
              void h.body.then((b) => {
                if (h.stream.destroyed) return;
                h.stream.respond({ ':status': 200 });
                h.stream.end(b);
              }, () => {});
            }
          }, 50);
        }
      });
      try {
        const c = await open(limited.port, { onGoaway: (g) => goaways.push(g) });
        const results = await settleAll(
          Array.from({ length: IN_FLIGHT }, async (_, i) => {
            const res = await c.request({ method: 'POST', path: '/load', body: `load ${i}` });
            return { i, streamId: res.streamId, text: await res.text() };
          }),
          30_000,
          `${IN_FLIGHT} requests across server.close()`,
        );
        assert.ok(closeCalled, 'server saw 50 streams');
        assert.equal(goaways.length, 1);
        assert.equal(goaways[0]!.errorCode, ErrorCode.NO_ERROR);
        const lastId = goaways[0]!.lastStreamId;
        let ok = 0;
        const reasons = new Map<string, number>();
        for (const r of results) {
          if (r.status === 'fulfilled') {
            ok++;
            assert.equal(r.value.text, `load ${r.value.i}`);
            assert.ok(r.value.streamId <= lastId, `stream ${r.value.streamId} > last-stream-id ${lastId}`);
          } else {
            const e = r.reason as Error;
            assert.ok(isTypedGoawayError(e), `untyped failure: ${e?.name}: ${e?.message}`);
            const key = `${e.name}${e instanceof Http2Error ? `(${e.code})` : isTransportError(e) ? `(${e.code})` : ''}`;
            reasons.set(key, (reasons.get(key) ?? 0) + 1);
          }
        }
        console.log(`# ${backend}: server.close() mid-load: ${ok} completed, failures ${JSON.stringify([...reasons])}`);
        assert.equal(ok, 50, 'exactly the 50 in-flight requests complete');
      } finally {
        await stopNodeServer(limited);
      }
    });
  });
}

// =====================================================================================
// 2. node:http2 client -> our server
// =====================================================================================

interface NodeResponse {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders;
  /** Node emitted 'continue' (a 100 arrived). */
  continued: boolean;
  /** Statuses of the other informational responses (node's 'headers' events before 'response'). */
  informational: number[];
}

/**
 * One request with node's client; rejects with the stream's error (rstCode on `.rstCode`). With
 * `expect: 100-continue` among the headers, the body is sent only once node emits 'continue'.
 */
function nodeRequest(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: Uint8Array | string,
  trailers?: http2.OutgoingHttpHeaders,
): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, trailers !== undefined ? { waitForTrailers: true } : {});
    let status = 0;
    let resHeaders: http2.IncomingHttpHeaders = {};
    let resTrailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let ended = false;
    let continued = false;
    const informational: number[] = [];
    req.on('continue', () => (continued = true));
    req.on('headers', (h) => informational.push(Number(h[':status'])));
    req.on('response', (h) => {
      status = Number(h[':status']);
      resHeaders = h;
    });
    req.on('trailers', (t) => (resTrailers = t));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => (ended = true));
    req.on('error', (err: Error) => reject(Object.assign(err, { rstCode: req.rstCode })));
    req.on('close', () => {
      // Node emits no 'error' for a peer's RST_STREAM(CANCEL) (and may even emit 'end'): the
      // reset shows only in rstCode. NO_ERROR after a complete response is a normal end (8.1).
      if (ended && req.rstCode === NGHTTP2_NO_ERROR) resolve({ status, headers: resHeaders, body: Buffer.concat(chunks), trailers: resTrailers, continued, informational });
      else reject(Object.assign(new Error(`stream closed with rstCode ${req.rstCode} (ended: ${ended})`), { rstCode: req.rstCode, received: chunks.reduce((n, c) => n + c.length, 0) }));
    });
    if (trailers !== undefined) req.once('wantTrailers', () => req.sendTrailers(trailers));
    const send = (): void => {
      if (typeof body === 'string') req.end(body);
      else if (body === undefined) req.end();
      else void writeBody(req, body).catch(() => {}); // a failure shows as the stream's error
    };
    if (headers['expect'] === '100-continue') req.once('continue', send);
    else send();
  });
}

/**
 * Writes a body in 64 KiB chunks, waiting for 'drain': node counts unsent writes against the
 * session's maxSessionMemory (10 MB), and one 16 MiB write makes it reset its own stream with
 * ENHANCE_YOUR_CALM.
 */
async function writeBody(req: http2.ClientHttp2Stream, body: Uint8Array): Promise<void> {
  for (let off = 0; off < body.length; off += 64 * KiB) {
    if (!req.write(body.subarray(off, off + 64 * KiB))) await once(req, 'drain');
  }
  req.end();
}

async function nodeConnect(port: number): Promise<http2.ClientHttp2Session> {
  const session = http2.connect(`https://localhost:${port}`, { ca: certs.caPem });
  session.on('error', () => {});
  await withTimeout(once(session, 'remoteSettings'), 10_000, 'node client: server SETTINGS');
  return session;
}

const uploadOutcomes: Array<{ received: number; outcome: unknown; signalAborted: boolean; reason: unknown }> = [];

const ourHandler: Handler = async (req, res) => {
  switch (req.path) {
    case '/hello':
      res.respond(200, { 'content-type': 'text/plain', 'x-peer': 'tlsport', 'x-http-version': req.httpVersion });
      await res.end('hello from tlsport\n');
      return;
    case '/echo':
      res.respond(200, { 'content-type': 'application/octet-stream', 'x-method': req.method });
      for await (const chunk of req.body) await res.write(chunk);
      await res.end();
      return;
    case '/trailers': {
      const body = await req.bytes();
      const t = await req.trailers;
      const hash = sha256(body);
      await res.end(hash, { 'x-sha256': hash, 'x-echo-trailer': t['x-client-trailer'] ?? 'missing' });
      return;
    }
    case '/big-header': {
      const big = String(req.headers['x-big']);
      res.respond(200, { 'x-big-echo': big });
      await res.end(sha256(Buffer.from(big)));
      return;
    }
    case '/upload-cancelled': {
      // Reads until the client gives up; reports how the request ended. It pauses after the
      // first chunk so the client's upload stalls on our stream window (see the test).
      let received = 0;
      let outcome: unknown = 'completed';
      try {
        for await (const chunk of req.body) {
          if (received === 0) await sleep(200);
          received += chunk.length;
        }
      } catch (err) {
        outcome = err;
      }
      uploadOutcomes.push({ received, outcome, signalAborted: req.signal.aborted, reason: req.signal.reason as unknown });
      return;
    }
    case '/read-first': {
      // Reads the whole body before answering: a client sending Expect: 100-continue gets its
      // 100 when the reading starts.
      const body = await req.bytes();
      res.respond(200, { 'content-type': 'text/plain' });
      await res.end(sha256(body));
      return;
    }
    case '/hints':
      res.respond(103, { link: '</style.css>; rel=preload; as=style' });
      res.respond(200, { 'content-type': 'text/plain' });
      await res.end('final');
      return;
    case '/refuse':
      // Answers without looking at the body: no 100 (Continue) is sent.
      res.respond(413, { 'content-type': 'text/plain' });
      await res.end('too large\n');
      return;
    case '/rst':
      res.respond(200, { 'content-type': 'application/octet-stream' });
      await res.write(new Uint8Array(32 * KiB).fill(0x78));
      await sleep(20);
      res.rst(ErrorCode.CANCEL);
      return;
    default:
      res.respond(404);
      await res.end();
  }
};

for (const backend of TLS_BACKENDS) {
  describe(`node:http2 client -> our server (${backend})`, () => {
    let server: Http2Server;
    let session: http2.ClientHttp2Session;
    const sessions: http2.ClientHttp2Session[] = [];
    const servers: Http2Server[] = [];

    before(async () => {
      server = createServer({ backend, cert: certs.certPem, key: certs.keyPem, settings: { maxConcurrentStreams: CONCURRENT } }, ourHandler);
      servers.push(server);
      const address = await server.listen({ host: '127.0.0.1', port: 0 });
      session = await nodeConnect(address.port);
      sessions.push(session);
    });
    after(async () => {
      for (const s of sessions) s.destroy();
      await Promise.all(servers.map((s) => s.close({ timeoutMs: 1000 })));
    });

    it('negotiates h2 and GETs', T, async () => {
      assert.equal(session.alpnProtocol, 'h2');
      const res = await nodeRequest(session, { ':path': '/hello' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-peer'], 'tlsport');
      assert.equal(res.headers['x-http-version'], '2');
      assert.equal(res.body.toString(), 'hello from tlsport\n');
    });

    for (const size of BODY_SIZES) {
      it(`POST ${sizeName(size)} is echoed intact (SHA-256)`, T, async () => {
        const body = bodies.get(size)!;
        const started = Date.now();
        const res = await nodeRequest(session, { ':method': 'POST', ':path': '/echo' }, body);
        assert.equal(res.status, 200);
        assert.equal(res.headers['x-method'], 'POST');
        assert.equal(res.body.length, size);
        assert.equal(sha256(res.body), sha256(body));
        if (size >= MiB) console.log(`# node client, ${backend} server: echo ${sizeName(size)} in ${Date.now() - started} ms`);
      });
    }

    it(`${CONCURRENT} concurrent streams on one connection all answer correctly`, T, async () => {
      assert.equal(session.remoteSettings.maxConcurrentStreams, CONCURRENT);
      const results = await settleAll(
        Array.from({ length: CONCURRENT }, async (_, i) => {
          const res = await nodeRequest(session, { ':method': 'POST', ':path': '/echo' }, `request number ${i}`);
          return { i, status: res.status, text: res.body.toString() };
        }),
        45_000,
        `${CONCURRENT} node requests`,
      );
      for (const r of results) {
        assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
        const v = (r as PromiseFulfilledResult<{ i: number; status: number; text: string }>).value;
        assert.equal(v.status, 200);
        assert.equal(v.text, `request number ${v.i}`);
      }
      assert.equal(server.connectionCount, 1, 'one connection');
    });

    it('trailers both ways: node sendTrailers reach our handler, res.end(chunk, trailers) reach node', T, async () => {
      const body = bodies.get(MiB)!;
      const res = await nodeRequest(session, { ':method': 'POST', ':path': '/trailers' }, body, { 'x-client-trailer': 'from-node' });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), sha256(body));
      assert.equal(res.trailers['x-sha256'], sha256(body));
      assert.equal(res.trailers['x-echo-trailer'], 'from-node');
    });

    it('a 40 KB header each way (HEADERS + CONTINUATION)', T, async () => {
      const big = bigHeaderValue();
      const res = await nodeRequest(session, { ':path': '/big-header', 'x-big': big });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), sha256(Buffer.from(big)));
      assert.equal(res.headers['x-big-echo'], big);
    });

    it('HEAD: node gets the head and no DATA (RFC 9110 9.3.2: no content in a HEAD response)', T, async () => {
      // The handler answers every method alike (as most handlers do, and as /hello does); over
      // the HTTP/1.1 fallback node:http drops the body of a HEAD response, and node:http2's own
      // server ends the stream at respond(). DATA on a HEAD response is malformed (RFC 9113
      // 8.1.1): nghttp2 in node's client resets the stream with PROTOCOL_ERROR.
      const res = await withTimeout(nodeRequest(session, { ':method': 'HEAD', ':path': '/hello' }), 10_000, 'HEAD');
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-peer'], 'tlsport');
      assert.equal(res.body.length, 0);
    });

    it("Expect: 100-continue: node emits 'continue' once the handler reads, then sends the body (RFC 9110 10.1.1)", T, async () => {
      const body = bodies.get(MiB)!;
      const res = await withTimeout(nodeRequest(session, { ':method': 'POST', ':path': '/read-first', expect: '100-continue' }, body), 20_000, "'continue' and the response");
      assert.equal(res.continued, true);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), sha256(body));
    });

    it('Expect: 100-continue and a handler that answers without reading: no 100, the final status, the stream ends', T, async () => {
      const res = await withTimeout(nodeRequest(session, { ':method': 'POST', ':path': '/refuse', expect: '100-continue' }, bodies.get(MiB)!), 10_000, 'the 413');
      assert.equal(res.continued, false);
      assert.equal(res.status, 413);
      assert.equal(res.body.toString(), 'too large\n');
    });

    it('res.respond(103) before the final response: node sees the informational headers first', T, async () => {
      const res = await nodeRequest(session, { ':path': '/hints' });
      assert.deepEqual(res.informational, [103]);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'final');
    });

    it('handler res.rst(8) mid-body: node sees the stream error with rstCode CANCEL; the connection lives on', T, async () => {
      await assert.rejects(withTimeout(nodeRequest(session, { ':path': '/rst' }), 10_000, 'reset stream'), (err: Error & { rstCode?: number; received?: number }) => {
        assert.equal(err.rstCode, NGHTTP2_CANCEL, err.message);
        assert.ok(err.received !== undefined && err.received <= 32 * KiB, `received ${err.received}: at most what was written before the reset`);
        return true;
      });
      const again = await nodeRequest(session, { ':path': '/hello' });
      assert.equal(again.body.toString(), 'hello from tlsport\n');
    });

    it('node client cancels mid-upload (RST_STREAM CANCEL): our handler sees the body fail and req.signal abort with code 8', T, async () => {
      uploadOutcomes.length = 0;
      // 1 MiB is more than our stream window (256 KiB) and the handler pauses, so node still
      // has data queued when close() runs and sends RST_STREAM without END_STREAM first (with
      // everything flushed, close(code) ends the stream before resetting it).
      const req = session.request({ ':method': 'POST', ':path': '/upload-cancelled' });
      req.on('error', () => {});
      req.write(Buffer.alloc(MiB, 0x75));
      await sleep(50);
      req.close(NGHTTP2_CANCEL);
      await waitUntil(() => uploadOutcomes.length === 1, 10_000, 'the handler to see the reset');
      const o = uploadOutcomes[0]!;
      assert.ok(o.outcome instanceof StreamError, `body ended with ${String(o.outcome)}`);
      assert.equal(o.outcome.code, ErrorCode.CANCEL);
      assert.equal(o.outcome.initiator, 'remote');
      assert.ok(o.received < MiB, `received ${o.received}`);
      assert.equal(o.signalAborted, true);
      assert.ok(o.reason instanceof StreamError && o.reason.code === ErrorCode.CANCEL, `signal reason ${String(o.reason)}`);
      const again = await nodeRequest(session, { ':path': '/hello' });
      assert.equal(again.body.toString(), 'hello from tlsport\n');
    });

    it(`server.close() with ${IN_FLIGHT} requests started: node sees GOAWAY(NO_ERROR), in-flight ones complete, none hangs`, T, async () => {
      // Its own server (default MAX_CONCURRENT_STREAMS, 100): 100 in flight, 100 queued in node.
      let held = 0;
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const closing = createServer({ backend, cert: certs.certPem, key: certs.keyPem }, async (req, res) => {
        held++;
        const body = await req.bytes();
        await gate;
        res.respond(200, { 'x-stream': String(req.streamId) });
        await res.end(body);
      });
      servers.push(closing);
      const address = await closing.listen({ host: '127.0.0.1', port: 0 });
      const s = await nodeConnect(address.port);
      sessions.push(s);
      const limit = s.remoteSettings.maxConcurrentStreams!;
      assert.equal(limit, DEFAULT_SERVER_SETTINGS.maxConcurrentStreams);
      let goaway: { code: number; lastStreamID: number } | null = null;
      s.on('goaway', (code: number, lastStreamID: number) => (goaway = { code, lastStreamID }));
      const requests = Array.from({ length: IN_FLIGHT }, (_, i) =>
        nodeRequest(s, { ':method': 'POST', ':path': '/slow' }, `slow ${i}`).then((r) => ({ i, r })),
      );
      await waitUntil(() => held === limit, 10_000, `${limit} requests in the handler`);
      const closed = closing.close({ timeoutMs: 10_000 });
      await waitUntil(() => goaway !== null, 10_000, 'node to see GOAWAY');
      openGate();
      const results = await settleAll(requests, 20_000, `${IN_FLIGHT} node requests across close()`);
      await withTimeout(closed, 15_000, 'our server close()');
      const g = goaway as { code: number; lastStreamID: number } | null;
      assert.ok(g !== null);
      assert.equal(g.code, NGHTTP2_NO_ERROR);
      assert.equal(g.lastStreamID, 2 * limit - 1, 'last-stream-id = the last stream the handler saw');
      let ok = 0;
      const errors = new Map<string, number>();
      for (const r of results) {
        if (r.status === 'fulfilled') {
          ok++;
          assert.equal(r.value.r.status, 200);
          assert.equal(r.value.r.body.toString(), `slow ${r.value.i}`);
          assert.ok(Number(r.value.r.headers['x-stream']) <= g.lastStreamID);
        } else {
          const e = r.reason as Error & { code?: string; rstCode?: number };
          const key = `${e.code}/${e.rstCode}`;
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      }
      console.log(`# node client, ${backend} server close(): ${ok} completed, failures ${JSON.stringify([...errors])}`);
      assert.equal(ok, limit, 'every request the handler held completes');
      assert.equal(held, limit, 'no request reached the handler after GOAWAY');
    });
  });
}
