// Informational (1xx) responses both ways (RFC 9113 8.1, 8.6; RFC 9110 15.2), and
// Expect: 100-continue on our server (RFC 9110 10.1.1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLoopbackPair } from '../../backends/loopback/index.js';
import { ErrorCode } from '../../src/http2/errors.js';
import { Http2Client, StreamError, createServer, fetchHandler, type Handler, type IncomingHeaders, type ServerOptions } from '../../src/http2/index.js';
import { frames } from './frame-builders.js';
import { FakePeer, closedAfterwards, POST, fakeClient, fakeServer, withTimeout, type Headers } from './peer.js';

const { peers, clients, servers } = closedAfterwards();

const OK: Headers = [[':status', '200']];
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// =====================================================================================
// client: 1xx responses from a fake server
// =====================================================================================

describe('client: informational responses (RFC 9113 8.1)', () => {
  async function setup(): Promise<{ peer: FakePeer; client: Http2Client }> {
    const r = await fakeServer();
    peers.push(r.peer);
    clients.push(r.client);
    return r;
  }

  /** Sends a request; gives its stream id and what onInformational saw, and when. */
  async function start(peer: FakePeer, client: Http2Client, onInformational?: (status: number, headers: IncomingHeaders) => void) {
    const seen: Array<[number, IncomingHeaders, boolean]> = [];
    let resolved = false;
    const response = client.request({
      onInformational: (status, headers) => {
        seen.push([status, headers, resolved]);
        onInformational?.(status, headers);
      },
    });
    void response.then(
      () => (resolved = true),
      () => {},
    );
    const h = await peer.expect((f): f is Extract<typeof f, { type: 'HEADERS' }> => f.type === 'HEADERS', 'the request');
    return { id: h.streamId, response, seen };
  }

  it('any number of 1xx before the final response: each reaches onInformational, in order, before the response', async () => {
    const { peer, client } = await setup();
    const { id, response, seen } = await start(peer, client);
    await peer.send(
      frames.headers(id, peer.block([[':status', '100']])),
      frames.headers(id, peer.block([[':status', '103'], ['link', '</style.css>; rel=preload; as=style']])),
      frames.headers(id, peer.block([[':status', '103'], ['link', '</app.js>; rel=preload; as=script']])),
      frames.headers(id, peer.block([...OK, ['x-final', 'yes']])),
      frames.data(id, 'body', { endStream: true }),
    );
    const r = await response;
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-final'], 'yes');
    assert.equal(await r.text(), 'body');
    assert.deepEqual(
      seen.map(([status, headers, afterResponse]) => [status, { ...headers }, afterResponse]),
      [
        [100, {}, false],
        [103, { link: '</style.css>; rel=preload; as=style' }, false],
        [103, { link: '</app.js>; rel=preload; as=script' }, false],
      ],
    );
  });

  it('a 1xx with END_STREAM is malformed: RST_STREAM PROTOCOL_ERROR, the request rejects', async () => {
    const { peer, client } = await setup();
    const { id, response, seen } = await start(peer, client);
    await peer.send(frames.headers(id, peer.block([[':status', '103']]), { endStream: true }));
    await peer.expectRst(id, ErrorCode.PROTOCOL_ERROR);
    await assert.rejects(response, (e: unknown) => e instanceof StreamError && e.code === ErrorCode.PROTOCOL_ERROR && /END_STREAM/.test(e.message));
    assert.deepEqual(seen, []);
  });

  it('101 is not allowed in HTTP/2 (8.6): RST_STREAM PROTOCOL_ERROR, even after a valid 1xx; the connection lives on', async () => {
    const { peer, client } = await setup();
    const { id, response, seen } = await start(peer, client);
    await peer.send(frames.headers(id, peer.block([[':status', '100']])), frames.headers(id, peer.block([[':status', '101'], ['upgrade', 'websocket']])));
    await peer.expectRst(id, ErrorCode.PROTOCOL_ERROR);
    await assert.rejects(response, (e: unknown) => e instanceof StreamError && e.code === ErrorCode.PROTOCOL_ERROR);
    assert.deepEqual(seen.map(([status]) => status), [100]);
    const next = await start(peer, client);
    await peer.send(frames.headers(next.id, peer.block(OK), { endStream: true }));
    assert.equal((await next.response).status, 200);
  });

  it('DATA after a 1xx and before the final response is malformed (8.1)', async () => {
    const { peer, client } = await setup();
    const { id, response } = await start(peer, client);
    await peer.send(frames.headers(id, peer.block([[':status', '100']])), frames.data(id, 'too early'));
    await peer.expectRst(id, ErrorCode.PROTOCOL_ERROR);
    await assert.rejects(response, StreamError);
  });

  it('a 1xx after the final response is malformed (8.1): the body fails', async () => {
    const { peer, client } = await setup();
    const { id, response, seen } = await start(peer, client);
    await peer.send(frames.headers(id, peer.block(OK)), frames.headers(id, peer.block([[':status', '103']])));
    await peer.expectRst(id, ErrorCode.PROTOCOL_ERROR);
    const r = await response;
    await assert.rejects(r.bytes(), StreamError);
    assert.deepEqual(seen, []);
  });

  it('onInformational throwing cancels the request with that error; the connection lives on', async () => {
    const { peer, client } = await setup();
    const boom = new Error('no hints, thanks');
    const { id, response } = await start(peer, client, () => {
      throw boom;
    });
    await peer.send(frames.headers(id, peer.block([[':status', '103'], ['link', '</a>']])));
    await peer.expectRst(id, ErrorCode.CANCEL);
    await assert.rejects(response, (e: unknown) => e === boom);
    const next = await start(peer, client);
    await peer.send(frames.headers(next.id, peer.block(OK), { endStream: true }));
    assert.equal((await next.response).status, 200);
  });
});

// =====================================================================================
// server: Expect: 100-continue and interim responses, seen by a fake client
// =====================================================================================

describe('server: Expect: 100-continue (RFC 9110 10.1.1) and interim responses', () => {
  async function ready(handler: Handler, options: ServerOptions = {}): Promise<FakePeer> {
    const { peer, server } = await fakeClient(handler, options);
    peers.push(peer);
    servers.push(server);
    await peer.handshake();
    return peer;
  }

  /** Reads the body, then answers with it: the handler a 100-continue client hopes for. */
  const echoAfterReading: Handler = async (req, res) => {
    const body = await req.text();
    res.respond(200);
    await res.end(`got ${body}`);
  };

  const CONTINUE: Headers = [['expect', '100-continue']];

  it('reading the body sends 100 (Continue) first; the client sends the content only then', async () => {
    const peer = await ready(echoAfterReading);
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE))));
    const interim = await peer.expectHeaders(1);
    assert.equal(interim.map.get(':status'), '100');
    assert.equal(interim.endStream, false);
    await peer.send(frames.data(1, 'the content', { endStream: true }));
    const final = await peer.expectHeaders(1);
    assert.equal(final.map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'got the content');
  });

  /** `echoAfterReading` that starts only once `go.open()` is called. */
  async function readyHeldBack(): Promise<{ peer: FakePeer; go: ReturnType<typeof gate> }> {
    const go = gate();
    const peer = await ready(async (req, res) => {
      await go.opened;
      await echoAfterReading(req, res);
    });
    return { peer, go };
  }

  it('no 100 before the handler reads: it goes out when reading starts', async () => {
    const { peer, go } = await readyHeldBack();
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE))));
    await peer.expectQuiet(200);
    go.open();
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '100');
    await peer.send(frames.data(1, 'late', { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'got late');
  });

  it('a final response without reading: no 100; the response, then RST_STREAM NO_ERROR so the client sends nothing (RFC 9113 8.1)', async () => {
    const peer = await ready(async (_req, res) => {
      res.respond(417);
      await res.end();
    });
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE))));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '417');
    assert.equal(text(await peer.readBody(1)), '');
    await peer.expectRst(1, ErrorCode.NO_ERROR);
  });

  it('the final response head sent before reading: no 100 may follow it (8.1), none is sent', async () => {
    const peer = await ready(async (req, res) => {
      res.respond(200);
      for await (const chunk of req.body) await res.write(chunk);
      await res.end();
    });
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE))));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    await peer.send(frames.data(1, 'echo me', { endStream: true }));
    assert.equal(text(await peer.readBody(1)), 'echo me');
  });

  it('the expectation is matched case-insensitively, within a list', async () => {
    const peer = await ready(echoAfterReading);
    await peer.send(frames.headers(1, peer.block(POST('/', [['expect', 'x-other, 100-Continue']]))));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '100');
    await peer.send(frames.data(1, 'x', { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
  });

  it('no Expect: reading the body sends no 100', async () => {
    const peer = await ready(echoAfterReading);
    await peer.send(frames.headers(1, peer.block(POST('/'))), frames.data(1, 'plain', { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'got plain');
  });

  it('Expect on a request without content (END_STREAM on HEADERS): no 100', async () => {
    const peer = await ready(echoAfterReading);
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE)), { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'got ');
  });

  it('content already arrived when reading starts (the client stopped waiting): the 100 is omitted', async () => {
    const { peer, go } = await readyHeldBack();
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE))), frames.data(1, 'part one, '));
    // The PING's ACK comes after the server has processed the DATA before it.
    await peer.send(frames.ping());
    await peer.expect((f) => f.type === 'PING' && f.ack, 'PING ACK');
    go.open();
    await peer.send(frames.data(1, 'part two', { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'got part one, part two');
  });

  it("the handler's own 100 is not repeated when it then reads", async () => {
    const peer = await ready(async (req, res) => {
      res.respond(100, { 'x-from': 'handler' });
      await echoAfterReading(req, res);
    });
    await peer.send(frames.headers(1, peer.block(POST('/', CONTINUE))));
    const interim = await peer.expectHeaders(1);
    assert.equal(interim.map.get(':status'), '100');
    assert.equal(interim.map.get('x-from'), 'handler');
    await peer.send(frames.data(1, 'once', { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
  });

  it('103 (Early Hints) from the handler, then the final response; 101 and a 1xx after the final one are refused', async () => {
    const errors: string[] = [];
    const peer = await ready(async (_req, res) => {
      res.respond(103, { link: '</style.css>; rel=preload; as=style' });
      try {
        res.respond(101, { upgrade: 'h2c' });
      } catch (err) {
        errors.push((err as Error).name);
      }
      res.respond(200, { 'content-type': 'text/plain' });
      try {
        res.respond(103);
      } catch (err) {
        errors.push((err as Error).message);
      }
      await res.end('final');
    });
    await peer.send(frames.headers(1, peer.block(POST('/')), { endStream: true }));
    const hints = await peer.expectHeaders(1);
    assert.equal(hints.map.get(':status'), '103');
    assert.equal(hints.map.get('link'), '</style.css>; rel=preload; as=style');
    assert.equal(hints.endStream, false);
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'final');
    assert.deepEqual(errors, ['RangeError', 'response head already sent']);
  });

  it('fetchHandler: reading request.body sends the 100; a handler that never reads it sends none', async () => {
    const peer = await ready(
      fetchHandler(async (request) => {
        if (new URL(request.url).pathname === '/read') return new Response(`got ${await request.text()}`);
        return new Response('not reading', { status: 413 });
      }),
    );
    await peer.send(frames.headers(1, peer.block(POST('/read', CONTINUE))));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '100');
    await peer.send(frames.data(1, 'via fetch', { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    assert.equal(text(await peer.readBody(1)), 'got via fetch');

    await peer.send(frames.headers(3, peer.block(POST('/skip', CONTINUE))));
    const h = await peer.expectHeaders(3);
    assert.equal(h.map.get(':status'), '413');
  });
});

// =====================================================================================
// our client and our server together
// =====================================================================================

describe('our client and our server: Expect: 100-continue end to end', () => {
  it('the client holds its body until the 100 arrives, the server sends it when the handler reads', async () => {
    const { client: ct, server: st } = createLoopbackPair({ alpn: ['h2'], server: { alpn: ['h2'] } });
    const server = createServer(async (req, res) => {
      const body = await req.text();
      res.respond(200);
      await res.end(`got ${body}`);
    });
    servers.push(server);
    void server.serveTransport(st);
    const client = await Http2Client.fromTransport(ct);
    clients.push(client);
    const continued = gate();
    const statuses: number[] = [];
    const response = await withTimeout(
      client.request({
        method: 'POST',
        headers: { expect: '100-continue' },
        onInformational: (status) => {
          statuses.push(status);
          if (status === 100) continued.open();
        },
        body: (async function* () {
          await continued.opened;
          yield new TextEncoder().encode('waited for it');
        })(),
      }),
      3000,
      'the response',
    );
    assert.equal(await response.text(), 'got waited for it');
    assert.deepEqual(statuses, [100]);
    await client.close();
  });
});
