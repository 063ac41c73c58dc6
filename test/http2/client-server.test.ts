// Our client against our server over the loopback backend: bodies, trailers, multiplexing,
// queueing, flow control, cancellation, GOAWAY, ping.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { backend as loopback, createLoopbackPair, type LinkOptions } from '../../backends/loopback/index.js';
import {
  ErrorCode,
  Http2Client,
  RequestAbortedError,
  StreamError,
  connect,
  createServer,
  fetchHandler,
  isRetryable,
  type ClientOptions,
  type Handler,
  type Http2Server,
  type ServerOptions,
} from '../../src/http2/index.js';
import { withTimeout } from './peer.js';

const clients: Http2Client[] = [];
const servers: Http2Server[] = [];
after(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(servers.map((s) => s.close({ timeoutMs: 100 })));
});

async function pair(
  handler: Handler,
  opts: { server?: ServerOptions; client?: ClientOptions; link?: LinkOptions } = {},
): Promise<{ client: Http2Client; server: Http2Server }> {
  const { client: ct, server: st } = createLoopbackPair({ alpn: ['h2'], server: { alpn: ['h2'] }, link: opts.link });
  const server = createServer(opts.server ?? {}, handler);
  servers.push(server);
  void server.serveTransport(st);
  const client = await Http2Client.fromTransport(ct, opts.client);
  clients.push(client);
  return { client, server };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Echo handler: streams the request body back, with its hash in the trailers. */
const echo: Handler = async (req, res) => {
  res.respond(200, { 'x-method': req.method, 'x-path': req.path });
  const hash = createHash('sha256');
  for await (const chunk of req.body) {
    hash.update(chunk);
    await res.write(chunk);
  }
  const requestTrailers = await req.trailers;
  await res.end(undefined, { 'x-sha256': hash.digest('hex'), 'x-request-trailer': requestTrailers['x-client-trailer'] ?? 'none' });
};

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}

describe('requests and bodies', () => {
  it('GET with headers both ways', async () => {
    const { client } = await pair((req, res) => {
      res.respond(200, { 'x-echo': String(req.headers['x-hello']), 'set-cookie': ['a=1', 'b=2'] });
      void res.end(`${req.method} ${req.path} ${req.authority} ${req.scheme}`);
    });
    const r = await client.request({ path: '/a?b=c', headers: { 'X-Hello': 'world' }, authority: 'example.test' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-echo'], 'world');
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(await r.text(), 'GET /a?b=c example.test http');
    assert.equal(r.streamId, 1);
  });

  for (const size of [0, 1, 1024 * 1024, 16 * 1024 * 1024]) {
    it(`POST echo of ${size} bytes, checked by hash, streamed both ways`, async () => {
      const { client } = await pair(echo);
      const data = pattern(size, size + 7);
      const r = await client.request({ method: 'POST', path: '/echo', body: size > 1024 ? chunked(data, 100_000) : data });
      const hash = createHash('sha256');
      let received = 0;
      for await (const chunk of r.body) {
        hash.update(chunk);
        received += chunk.length;
      }
      assert.equal(received, size);
      assert.equal(hash.digest('hex'), sha256(data));
      assert.equal((await r.trailers)['x-sha256'], sha256(data));
    });
  }

  it('download of 16 MiB from a Uint8Array, checked by hash', async () => {
    const data = pattern(16 * 1024 * 1024, 3);
    const { client } = await pair((req, res) => void res.end(data));
    const r = await client.request({ path: '/big' });
    assert.equal(r.headers['content-length'], String(data.length));
    assert.equal(sha256(await r.bytes()), sha256(data));
  });

  it('trailers both ways', async () => {
    const { client } = await pair(echo);
    const r = await client.request({ method: 'POST', body: chunked(pattern(5000, 1), 1000), trailers: { 'x-client-trailer': 'from-client' } });
    await r.bytes();
    const t = await r.trailers;
    assert.equal(t['x-request-trailer'], 'from-client');
    assert.equal(t['x-sha256'], sha256(pattern(5000, 1)));
  });

  it('request trailers with no body, and response trailers with no body', async () => {
    const { client } = await pair(async (req, res) => {
      const t = await req.trailers;
      await res.end(undefined, { 'x-got': t['x-only'] ?? 'none' });
    });
    const r = await client.request({ method: 'POST', trailers: { 'x-only': 'yes' } });
    assert.equal((await r.bytes()).length, 0);
    assert.deepEqual(await r.trailers, { 'x-got': 'yes' });
  });

  it('HEAD responses carry content-length but no body', async () => {
    const { client } = await pair((req, res) => {
      res.respond(200, { 'content-length': '1234' });
      void res.end();
    });
    const r = await client.request({ method: 'HEAD' });
    assert.equal(r.headers['content-length'], '1234');
    assert.equal((await r.bytes()).length, 0);
  });

  it('a handler error becomes a 500', async () => {
    const { client } = await pair(() => {
      throw new Error('boom');
    });
    const r = await client.request({});
    assert.equal(r.status, 500);
  });

  it('rejects invalid request headers before sending anything', async () => {
    const { client } = await pair(echo);
    await assert.rejects(client.request({ headers: { connection: 'close' } }), TypeError);
    await assert.rejects(client.request({ headers: { 'bad name': 'x' } }), TypeError);
    await assert.rejects(client.request({ headers: { x: 'a\r\nb' } }), TypeError);
    assert.equal((await client.request({})).status, 200);
  });

  it('CONNECT (8.5): no :scheme or :path, a tunnel in both directions', async () => {
    const { client } = await pair(async (req, res) => {
      assert.equal(req.method, 'CONNECT');
      assert.equal(req.authority, 'backend.test:443');
      assert.equal(req.path, '');
      res.respond(200);
      for await (const chunk of req.body) await res.write(new TextDecoder().decode(chunk).toUpperCase());
      await res.end();
    });
    async function* upstream(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('ping ');
      yield new TextEncoder().encode('pong');
    }
    const r = await client.request({ method: 'CONNECT', authority: 'backend.test:443', body: upstream() });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'PING PONG');
  });

  it('fetchHandler serves a WHATWG Request/Response function', async () => {
    const { client } = await pair(
      fetchHandler(async (request) => {
        const text = request.method === 'POST' ? await request.text() : '';
        return new Response(`${request.method} ${new URL(request.url).pathname} ${text}`, { status: 201, headers: { 'x-f': '1' } });
      }),
    );
    const r = await client.request({ method: 'POST', path: '/f', body: 'payload' });
    assert.equal(r.status, 201);
    assert.equal(r.headers['x-f'], '1');
    assert.equal(await r.text(), 'POST /f payload');
  });
});

describe('multiplexing and concurrency', () => {
  it('10,000 requests, 100+ in flight, answered out of order, all correct', async () => {
    const random = prng(42);
    let inFlight = 0;
    let maxInFlight = 0;
    const { client } = await pair(
      async (req, res) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const r = random();
        if (r < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(r * 10)));
        else if (r < 0.6) await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        res.respond(200, { 'x-id': req.path.slice(1) });
        void res.end(`body-${req.path.slice(1)}`);
      },
      { server: { settings: { maxConcurrentStreams: 200 } } },
    );
    const order: number[] = [];
    const started = performance.now();
    const results = await withTimeout(
      Promise.all(
        Array.from({ length: 10_000 }, (_, i) =>
          client.request({ path: `/${i}` }).then(async (r) => {
            const text = await r.text();
            order.push(i);
            return r.headers['x-id'] === String(i) && text === `body-${i}`;
          }),
        ),
      ),
      60_000,
      '10k requests',
    );
    assert.ok(results.every(Boolean), 'every response matches its request');
    assert.ok(maxInFlight >= 100, `max in flight ${maxInFlight}`);
    let inversions = 0;
    for (let i = 1; i < order.length; i++) if (order[i]! < order[i - 1]!) inversions++;
    assert.ok(inversions > 100, `responses came back in order (${inversions} inversions)`);
    assert.ok(performance.now() - started < 60_000);
  });

  it('queues requests beyond the server MAX_CONCURRENT_STREAMS=10 instead of failing them', async () => {
    let active = 0;
    let maxActive = 0;
    const { client } = await pair(
      async (req, res) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        void res.end(req.path);
      },
      { server: { settings: { maxConcurrentStreams: 10 } } },
    );
    await client.ping(); // SETTINGS exchanged
    const texts = await Promise.all(Array.from({ length: 200 }, (_, i) => client.request({ path: `/${i}` }).then((r) => r.text())));
    assert.deepEqual(texts, Array.from({ length: 200 }, (_, i) => `/${i}`));
    assert.equal(maxActive, 10);
    assert.equal(client.remoteSettings?.maxConcurrentStreams, 10);
  });

  it('rejects requests beyond maxQueuedRequests with QueueFullError', async () => {
    const { client } = await pair(async (req, res) => {
      await new Promise((r) => setTimeout(r, 20));
      void res.end('x');
    }, { server: { settings: { maxConcurrentStreams: 1 } }, client: { maxQueuedRequests: 5 } });
    await client.ping();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => client.request({}).then((r) => r.text())));
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(rejected.length, 4);
    assert.ok(rejected.every((r) => r.status === 'rejected' && (r.reason as Error).name === 'QueueFullError'));
  });
});

describe('flow control end to end', () => {
  it('a reader that stops reading blocks the sender within a bounded lead; reading again resumes it', async () => {
    const total = 8 * 1024 * 1024;
    let written = 0;
    let writePending = false;
    const { client } = await pair(async (req, res) => {
      const chunk = new Uint8Array(16 * 1024);
      res.respond(200);
      while (written < total) {
        writePending = true;
        await res.write(chunk);
        writePending = false;
        written += chunk.length;
      }
      await res.end();
    });
    const r = await client.request({ path: '/slow' });
    let read = 0;
    let maxLead = 0;
    let paused = false;
    for await (const chunk of r.body) {
      read += chunk.length;
      maxLead = Math.max(maxLead, written - read);
      if (!paused && read >= 1024 * 1024) {
        paused = true;
        // Stop reading until the sender has made no progress for three 20 ms looks in a row
        // (bounded: a sender that never stops would finish the whole body instead).
        let last = -1;
        for (let still = 0, looks = 0; still < 3 && looks < 200; looks++) {
          await new Promise((res) => setTimeout(res, 20));
          still = written === last ? still + 1 : 0;
          last = written;
        }
        assert.ok(written < total, 'the sender wrote the whole body to a reader that had stopped');
        assert.ok(writePending, 'the sender is not waiting on a write while the reader is stopped');
        maxLead = Math.max(maxLead, written - read);
      }
    }
    assert.equal(read, total);
    // stream window (256 KiB) + per-stream send buffer (64 KiB) + a chunk or two in transit
    assert.ok(maxLead <= 512 * 1024, `the sender ran ${maxLead} bytes ahead of the reader`);
  });

  it('an unread response body holds at most a window per stream; other streams proceed', async () => {
    const big = new Uint8Array(2 * 1024 * 1024);
    const { client } = await pair((req, res) => void res.end(req.path === '/big' ? big : 'small'));
    const stalled = await client.request({ path: '/big' }); // never read (yet)
    for (let i = 0; i < 20; i++) assert.equal(await (await client.request({ path: '/s' })).text(), 'small');
    assert.ok(stalled.body.buffered <= 256 * 1024, `buffered ${stalled.body.buffered}`);
    assert.equal((await stalled.bytes()).length, big.length);
  });
});

describe('cancellation', () => {
  it('AbortSignal -> RST_STREAM CANCEL, seen by the server as req.signal', async () => {
    let serverAborted!: (reason: unknown) => void;
    const abortedOnServer = new Promise((r) => (serverAborted = r));
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    const { client } = await pair((req) => {
      req.signal.addEventListener('abort', () => serverAborted(req.signal.reason));
      started();
    });
    const controller = new AbortController();
    const p = client.request({ path: '/hang', signal: controller.signal });
    await handlerStarted;
    controller.abort(new Error('user gave up'));
    await assert.rejects(p, (err: unknown) => err instanceof RequestAbortedError && err.name === 'AbortError' && err.code === ErrorCode.CANCEL);
    const reason = await withTimeout(abortedOnServer, 2000, 'server abort');
    assert.ok(reason instanceof StreamError && reason.code === ErrorCode.CANCEL && reason.initiator === 'remote');
  });

  it('abort after the response head fails the body; abort before sending never reaches the server', async () => {
    let requests = 0;
    const { client } = await pair(async (req, res) => {
      requests++;
      res.respond(200);
      await res.write('first');
    });
    const controller = new AbortController();
    const r = await client.request({ signal: controller.signal });
    const it = r.body[Symbol.asyncIterator]();
    assert.equal(new TextDecoder().decode((await it.next()).value as Uint8Array), 'first');
    controller.abort();
    await assert.rejects(it.next(), RequestAbortedError);
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(client.request({ signal: pre.signal }), RequestAbortedError);
    assert.equal(requests, 1);
  });

  it('cancelling the response body resets the stream; the connection goes on', async () => {
    const { client } = await pair(async (req, res) => {
      if (req.path === '/small') return void res.end('ok');
      res.respond(200);
      try {
        for (;;) await res.write(new Uint8Array(16 * 1024));
      } catch {
        // reset by the client
      }
    });
    const r = await client.request({ path: '/endless' });
    for await (const _ of r.body) break; // return() -> cancel
    assert.equal(await (await client.request({ path: '/small' })).text(), 'ok');
  });
});

describe('connection lifecycle', () => {
  it('ping() measures a round trip', async () => {
    const { client } = await pair(echo, { link: { latencyMs: 10 } });
    const rtt = await client.ping();
    assert.ok(rtt >= 19 && rtt < 1000, `rtt ${rtt}`);
  });

  it('client.close() lets in-flight requests finish, then closes', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    const { client } = await pair(async (req, res) => {
      started();
      await new Promise((r) => setTimeout(r, 30));
      void res.end('late');
    });
    const p = client.request({});
    await handlerStarted;
    const closing = client.close();
    assert.equal(await (await p).text(), 'late');
    await withTimeout(closing, 2000, 'close');
    await assert.rejects(client.request({}));
  });

  it('GOAWAY mid-load: in-flight requests finish, new ones go to a new connection', async () => {
    const listener = `goaway${Math.floor(Math.random() * 1e9)}.test`;
    let connections = 0;
    const server = createServer({ backend: loopback, host: listener, port: 0, link: { latencyMs: 2 } } as ServerOptions, async (req, res) => {
      await new Promise((r) => setTimeout(r, 5));
      void res.end(req.path);
    });
    servers.push(server);
    const address = await server.listen();
    const client = await connect(`http://${listener}:${address.port}`, { backend: loopback, onGoaway: () => connections++ });
    clients.push(client);
    const results: Promise<string>[] = [];
    for (let i = 0; i < 300; i++) {
      results.push(client.request({ path: `/${i}` }).then((r) => r.text()));
      if (i === 150) server.drain(); // GOAWAY on the current connection, mid-stream
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const texts = await withTimeout(Promise.all(results), 20_000, 'all requests');
    assert.deepEqual(texts, Array.from({ length: 300 }, (_, i) => `/${i}`));
    assert.ok(connections >= 1, 'GOAWAY was seen');
    await client.close();
  });

  it('requests the server did not process (above GOAWAY last-stream-id) are retried on a new connection', async () => {
    const listener = `retry${Math.floor(Math.random() * 1e9)}.test`;
    const servedOn = new Map<string, string>();
    const server = createServer({ backend: loopback, host: listener, port: 0, link: { latencyMs: 20 } } as ServerOptions, (req, res) => {
      servedOn.set(req.path, req.remoteAddress);
      void res.end(req.path);
    });
    servers.push(server);
    const address = await server.listen();
    let goawayLastStreamId = -1;
    const client = await connect(`http://${listener}:${address.port}`, { backend: loopback, onGoaway: (info) => (goawayLastStreamId = info.lastStreamId) });
    clients.push(client);
    assert.equal(await (await client.request({ path: '/warm' })).text(), '/warm');
    // The GOAWAY leaves now; the requests sent while it travels (20 ms) are above its
    // last-stream-id, never processed there, and sent again on a second connection.
    server.drain();
    const texts = await withTimeout(Promise.all(Array.from({ length: 20 }, (_, i) => client.request({ path: `/${i}` }).then((r) => r.text()))), 10_000, 'retried requests');
    assert.deepEqual(texts, Array.from({ length: 20 }, (_, i) => `/${i}`));
    assert.equal(goawayLastStreamId, 1);
    const first = servedOn.get('/warm');
    for (let i = 0; i < 20; i++) assert.notEqual(servedOn.get(`/${i}`), first, `request ${i} was served on the first connection`);
    await client.close();
  });

  it('without a way to reconnect (fromTransport), refused requests reject with a retryable error', async () => {
    const { client, server } = await pair((req, res) => void res.end('x'), { link: { latencyMs: 20 } });
    await client.ping();
    server.drain();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.request({})));
    assert.ok(results.every((r) => r.status === 'rejected' && isRetryable(r.reason)), JSON.stringify(results.map((r) => r.status)));
  });

  it('server.close() sends GOAWAY, lets streams finish, and closes', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    const { client, server } = await pair(async (req, res) => {
      started();
      await new Promise((r) => setTimeout(r, 20));
      void res.end('finished');
    });
    const p = client.request({});
    await handlerStarted;
    await withTimeout(server.close(), 3000, 'server close');
    assert.equal(await (await p).text(), 'finished');
    await withTimeout(client.closed, 3000, 'client connection closed');
  });

  it('destroy() fails in-flight requests with a typed error', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    const { client } = await pair(() => started());
    const p = client.request({});
    await handlerStarted;
    client.destroy();
    await assert.rejects(p, (err: unknown) => (err as Error).name === 'ConnectionLostError');
  });
});
