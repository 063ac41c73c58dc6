// Our client against a frame-level fake server: what a hostile or broken server can do.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/http2/errors.js';
import { SettingId } from '../../src/http2/frame/index.js';
import { ConnectionError, StreamError, isRetryable, type ClientOptions, type Http2Client, type PushedResponse } from '../../src/http2/index.js';
import { frames } from './frame-builders.js';
import { FakePeer, GET, fakeServer, withTimeout, type Headers } from './peer.js';

const peers: FakePeer[] = [];
const clients: Http2Client[] = [];
after(() => {
  for (const p of peers) p.close();
  for (const c of clients) c.destroy();
});

async function setup(options: ClientOptions = {}, settings: Record<number, number> = {}): Promise<{ peer: FakePeer; client: Http2Client }> {
  const r = await fakeServer(options, settings);
  peers.push(r.peer);
  clients.push(r.client);
  return r;
}

const OK: Headers = [[':status', '200']];

/** Marks a promise as handled now (it is awaited later, after other steps). */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

async function nextRequest(peer: FakePeer): Promise<{ id: number; map: Map<string, string>; endStream: boolean }> {
  const f = await peer.expect((x): x is Extract<typeof x, { type: 'HEADERS' }> => x.type === 'HEADERS', 'a request');
  const h = peer.decoder.decode(f.headerBlock);
  return { id: f.streamId, map: new Map(h.map((x) => [x.name, x.value])), endStream: f.endStream };
}

describe('responses', () => {
  it('a well-formed exchange: request head, response, body, trailers', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({ path: '/x', headers: { 'x-a': '1' } }));
    const req = await nextRequest(peer);
    assert.equal(req.map.get(':method'), 'GET');
    assert.equal(req.map.get(':path'), '/x');
    assert.equal(req.map.get(':scheme'), 'http');
    assert.equal(req.map.get('x-a'), '1');
    assert.ok(req.endStream);
    await peer.send(frames.headers(req.id, peer.block(OK)), frames.data(req.id, 'body'), frames.headers(req.id, peer.block([['x-t', 'v']]), { endStream: true }));
    const r = await p;
    assert.equal(await r.text(), 'body');
    assert.deepEqual(await r.trailers, { 'x-t': 'v' });
  });

  it('skips informational 1xx responses', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block([[':status', '103'], ['link', '</a>']])), frames.headers(id, peer.block(OK), { endStream: true }));
    assert.equal((await p).status, 200);
  });

  it('a response without :status is malformed: RST PROTOCOL_ERROR and a StreamError', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block([['x', '1']]), { endStream: true }));
    await peer.expectRst(id, ErrorCode.PROTOCOL_ERROR);
    await assert.rejects(p, (e: unknown) => e instanceof StreamError && e.code === ErrorCode.PROTOCOL_ERROR && e.initiator === 'library');
  });

  it('content-length mismatch fails the body with PROTOCOL_ERROR', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block([...OK, ['content-length', '10']])), frames.data(id, 'short', { endStream: true }));
    await peer.expectRst(id, ErrorCode.PROTOCOL_ERROR);
    const r = await p;
    await assert.rejects(r.bytes(), StreamError);
  });

  it('RST_STREAM NO_ERROR after a complete response keeps the response (8.1)', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({ method: 'POST', body: (async function* () {
      yield new Uint8Array(10);
      await new Promise((r) => setTimeout(r, 1000));
    })() }));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block(OK)), frames.data(id, 'done', { endStream: true }), frames.rst(id, ErrorCode.NO_ERROR));
    const r = await p;
    assert.equal(await r.text(), 'done');
  });

  it('RST_STREAM REFUSED_STREAM: retryable, and retried on the same connection', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({ path: '/again' }));
    const first = await nextRequest(peer);
    await peer.send(frames.rst(first.id, ErrorCode.REFUSED_STREAM));
    const second = await nextRequest(peer);
    assert.ok(second.id > first.id);
    assert.equal(second.map.get(':path'), '/again');
    await peer.send(frames.headers(second.id, peer.block(OK), { endStream: true }));
    assert.equal((await p).status, 200);
  });

  it('a streamed (non-replayable) body is not retried: the refusal is reported', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({ method: 'POST', body: (async function* () { yield new Uint8Array(1); })() }));
    const { id } = await nextRequest(peer);
    await peer.send(frames.rst(id, ErrorCode.REFUSED_STREAM));
    await assert.rejects(p, (e: unknown) => isRetryable(e));
  });

  it('HEADERS on an idle server stream that was never promised -> PROTOCOL_ERROR', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    await nextRequest(peer);
    await peer.send(frames.headers(2, peer.block(OK), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
    await assert.rejects(p, ConnectionError);
  });

  it('DATA beyond the stream window -> RST FLOW_CONTROL_ERROR', async () => {
    const { peer, client } = await setup({ settings: { initialWindowSize: 1000 } });
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block(OK)), frames.data(id, new Uint8Array(1001)));
    await peer.expectRst(id, ErrorCode.FLOW_CONTROL_ERROR);
    const r = await p;
    await assert.rejects(r.bytes());
  });

  it('a response header list over our limit: the request fails, the connection stays usable', async () => {
    const { peer, client } = await setup({ settings: { maxHeaderListSize: 1000 } });
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block([...OK, ['x-big', 'b'.repeat(2000)]]), { endStream: true }));
    await peer.expectRst(id, ErrorCode.CANCEL);
    await assert.rejects(p, StreamError);
    const p2 = later(client.request({}));
    const second = await nextRequest(peer);
    await peer.send(frames.headers(second.id, peer.block(OK), { endStream: true }));
    assert.equal((await p2).status, 200);
  });
});

describe('settings and concurrency', () => {
  it('a server advertising ENABLE_PUSH=1 is a PROTOCOL_ERROR (6.5.2)', async () => {
    const { peer } = await setup();
    await peer.send(frames.settings({ [SettingId.ENABLE_PUSH]: 1 }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('honours the server MAX_HEADER_LIST_SIZE: an oversized request is refused locally', async () => {
    const { peer, client } = await setup({}, { [SettingId.MAX_HEADER_LIST_SIZE]: 500 });
    // (the fake server saw our SETTINGS ACK during the handshake: its limit is in force)
    await assert.rejects(client.request({ headers: { 'x-big': 'b'.repeat(600) } }), RangeError);
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.headers(id, peer.block(OK), { endStream: true }));
    assert.equal((await p).status, 200);
  });

  it('queues requests beyond the server MAX_CONCURRENT_STREAMS', async () => {
    const { peer, client } = await setup({}, { [SettingId.MAX_CONCURRENT_STREAMS]: 1 });
    const ps = [client.request({ path: '/a' }), client.request({ path: '/b' }), client.request({ path: '/c' })];
    for (const path of ['/a', '/b', '/c']) {
      const req = await nextRequest(peer);
      assert.equal(req.map.get(':path'), path);
      await peer.expectQuiet(30); // nothing else while this one is open
      await peer.send(frames.headers(req.id, peer.block(OK), { endStream: true }));
    }
    assert.deepEqual((await Promise.all(ps)).map((r) => r.status), [200, 200, 200]);
  });

  it('a client never sends DATA beyond the server window and resumes on WINDOW_UPDATE', async () => {
    const { peer, client } = await setup({}, { [SettingId.INITIAL_WINDOW_SIZE]: 100 });
    const p = later(client.request({ method: 'POST', body: new Uint8Array(250) }));
    const { id } = await nextRequest(peer);
    const d1 = await peer.expectFrame('DATA');
    assert.equal(d1.data.length, 100);
    await peer.expectQuiet(30);
    await peer.send(frames.windowUpdate(id, 200));
    const rest = await peer.readBody(id);
    assert.equal(rest.length, 150);
    await peer.send(frames.headers(id, peer.block(OK), { endStream: true }));
    assert.equal((await p).status, 200);
  });
});

describe('server push (8.4)', () => {
  it('PUSH_PROMISE with push disabled (the default) is a PROTOCOL_ERROR', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.pushPromise(id, 2, peer.block(GET('/pushed'))));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
    await assert.rejects(p);
  });

  it('with push enabled, onPush receives the promised response', async () => {
    const pushes: PushedResponse[] = [];
    const { peer, client } = await setup({ settings: { enablePush: true }, onPush: (push) => pushes.push(push) });
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.pushPromise(id, 2, peer.block(GET('/pushed'))));
    await peer.send(frames.headers(id, peer.block(OK), { endStream: true }));
    await peer.send(frames.headers(2, peer.block(OK)), frames.data(2, 'pushed body', { endStream: true }));
    assert.equal((await p).status, 200);
    assert.equal(pushes.length, 1);
    assert.equal(pushes[0]!.request.path, '/pushed');
    const pushed = await withTimeout(pushes[0]!.response, 2000, 'pushed response');
    assert.equal(await pushed.text(), 'pushed body');
  });

  it('with push enabled but no onPush, the promise is refused with RST CANCEL', async () => {
    const { peer, client } = await setup({ settings: { enablePush: true } });
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.pushPromise(id, 2, peer.block(GET('/pushed'))));
    await peer.expectRst(2, ErrorCode.CANCEL);
    await peer.send(frames.headers(id, peer.block(OK), { endStream: true }));
    assert.equal((await p).status, 200);
  });

  it('a promise with an unsafe method is refused with PROTOCOL_ERROR on the promised stream', async () => {
    const { peer, client } = await setup({ settings: { enablePush: true }, onPush: () => {} });
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.pushPromise(id, 2, peer.block([[':method', 'POST'], [':scheme', 'http'], [':authority', 'a'], [':path', '/']])));
    await peer.expectRst(2, ErrorCode.PROTOCOL_ERROR);
    await peer.send(frames.headers(id, peer.block(OK), { endStream: true }));
    assert.equal((await p).status, 200);
  });

  it('a promised stream id that is odd or not increasing is a PROTOCOL_ERROR', async () => {
    const { peer, client } = await setup({ settings: { enablePush: true }, onPush: () => {} });
    void client.request({}).catch(() => {});
    const { id } = await nextRequest(peer);
    await peer.send(frames.pushPromise(id, 3, peer.block(GET('/pushed'))));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });
});

describe('GOAWAY (6.8)', () => {
  it('streams above last-stream-id are refused (retryable); those below complete', async () => {
    const { peer, client } = await setup();
    const p1 = later(client.request({ path: '/1' }));
    const p2 = later(client.request({ path: '/2' }));
    const r1 = await nextRequest(peer);
    const r2 = await nextRequest(peer);
    await peer.send(frames.goaway(r1.id, ErrorCode.NO_ERROR));
    await assert.rejects(p2, (e: unknown) => isRetryable(e));
    await peer.send(frames.headers(r1.id, peer.block(OK), { endStream: true }));
    assert.equal((await p1).status, 200);
    assert.ok(r2.id > r1.id);
    await assert.rejects(client.request({}), (e: unknown) => isRetryable(e));
  });

  it('the connection closing under open streams fails them with ConnectionLostError', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    await nextRequest(peer);
    peer.close();
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'ConnectionLostError');
  });

  it('GOAWAY with an error code, then close: streams fail with that ConnectionError', async () => {
    const { peer, client } = await setup();
    const p = later(client.request({}));
    const { id } = await nextRequest(peer);
    await peer.send(frames.goaway(id, ErrorCode.ENHANCE_YOUR_CALM, 'calm down'));
    await peer.transport.end();
    await assert.rejects(p, (e: unknown) => e instanceof ConnectionError && e.code === ErrorCode.ENHANCE_YOUR_CALM && e.initiator === 'remote');
  });
});

