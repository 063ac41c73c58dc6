// Our server against a frame-level fake client: protocol violations, floods and resource attacks.
// Each test ends with the RFC's answer (RST_STREAM / GOAWAY code) and, where the connection
// should survive, a request that still works.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/http2/errors.js';
import { CONNECTION_PREFACE, Flag, FrameType, SettingId } from '../../src/http2/frame/index.js';
import type { Handler, Http2Server, ServerOptions } from '../../src/http2/index.js';
import { concat, frames } from './frame-builders.js';
import { FakePeer, GET, POST, fakeClient } from './peer.js';

const peers: FakePeer[] = [];
const servers: Http2Server[] = [];
after(async () => {
  for (const p of peers) p.close();
  await Promise.all(servers.map((s) => s.close({ timeoutMs: 100 })));
});

const hello: Handler = (req, res) => {
  res.respond(200, { 'content-type': 'text/plain' });
  void res.end(`hello ${req.path}`);
};

async function setup(handler: Handler = hello, options: ServerOptions = {}): Promise<FakePeer> {
  // Requests for /ok* always get the plain answer `stillWorks` checks.
  const routed: Handler = (req, res) => (req.path.startsWith('/ok') ? hello(req, res) : handler(req, res));
  const { peer, server } = await fakeClient(routed, options);
  peers.push(peer);
  servers.push(server);
  return peer;
}

async function ready(handler: Handler = hello, options: ServerOptions = {}, settings: Record<number, number> = {}): Promise<FakePeer> {
  const peer = await setup(handler, options);
  await peer.handshake(settings);
  return peer;
}

/** A GET on `id` still works: the connection survived and HPACK is in sync. */
async function stillWorks(peer: FakePeer, id: number): Promise<void> {
  await peer.send(frames.headers(id, peer.block(GET(`/ok${id}`)), { endStream: true }));
  const h = await peer.expectHeaders(id);
  assert.equal(h.map.get(':status'), '200');
  assert.equal(new TextDecoder().decode(await peer.readBody(id)), `hello /ok${id}`);
}

describe('preface and SETTINGS', () => {
  it('answers a valid preface with SETTINGS and ACKs ours', async () => {
    const peer = await ready();
    await stillWorks(peer, 1);
  });

  it('rejects an invalid connection preface with PROTOCOL_ERROR (3.4)', async () => {
    const peer = await setup();
    await peer.send(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
    await peer.expectClosed();
  });

  it('requires SETTINGS as the first frame (3.4)', async () => {
    const peer = await setup();
    await peer.send(CONNECTION_PREFACE, frames.ping());
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('sends GOAWAY SETTINGS_TIMEOUT when our SETTINGS is never acknowledged (6.5.3)', async () => {
    const peer = await setup(hello, { limits: { settingsTimeoutMs: 100 } });
    await peer.send(CONNECTION_PREFACE, frames.settings());
    await peer.expectSettings();
    await peer.expectGoaway(ErrorCode.SETTINGS_TIMEOUT, 2000);
  });

  it('treats an unsolicited SETTINGS ACK as PROTOCOL_ERROR', async () => {
    const peer = await ready();
    await peer.send(frames.settingsAck());
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('rejects SETTINGS ACK with a payload (FRAME_SIZE_ERROR) and bad values', async () => {
    const peer = await ready();
    await peer.send(frames.raw(FrameType.SETTINGS, Flag.ACK, 0, new Uint8Array(6)));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR);
    const p2 = await ready();
    await p2.send(frames.settings({ [SettingId.ENABLE_PUSH]: 2 }));
    await p2.expectGoaway(ErrorCode.PROTOCOL_ERROR);
    const p3 = await ready();
    await p3.send(frames.settings({ [SettingId.INITIAL_WINDOW_SIZE]: 2 ** 31 }));
    await p3.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR);
  });

  it('honours the peer HEADER_TABLE_SIZE: 0 means no dynamic table entries in our responses', async () => {
    const peer = await ready((req, res) => {
      res.respond(200, { 'x-custom': 'value-that-would-be-indexed' });
      void res.end();
    });
    await peer.send(frames.settings({ [SettingId.HEADER_TABLE_SIZE]: 0 }));
    await peer.expectSettingsAck();
    await peer.send(frames.headers(1, peer.block(GET('/')), { endStream: true }));
    const h = await peer.expectHeaders(1);
    assert.equal(h.map.get('x-custom'), 'value-that-would-be-indexed');
    assert.equal(peer.decoder.dynamicTableSize, 0);
  });

  it('our HEADER_TABLE_SIZE applies to the peer encoder once ACKed: a missing size update is COMPRESSION_ERROR', async () => {
    const peer = await ready(hello, { settings: { headerTableSize: 0 } });
    // The peer fills its table as if the size were still 4096 and never signals the change.
    const block = peer.encoder.encodeExplicit(GET('/x').map(([name, value]) => [{ name, value }, 'incremental'] as const));
    await peer.send(frames.headers(1, block, { endStream: true }));
    await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR);
    const good = await ready(hello, { settings: { headerTableSize: 0 } });
    good.encoder.setMaxTableSize(0);
    await stillWorks(good, 1);
    await stillWorks(good, 3);
  });

  it('splits large header blocks into CONTINUATION frames within MAX_FRAME_SIZE', async () => {
    const big = 'v'.repeat(40_000);
    const peer = await ready((req, res) => {
      res.respond(200, { 'x-big': big });
      void res.end();
    });
    await peer.send(frames.headers(1, peer.block(GET('/')), { endStream: true }));
    const h = await peer.expectHeaders(1);
    assert.equal(h.map.get('x-big'), big);
    assert.ok(peer.seen.some((f) => f.type === 'CONTINUATION'));
  });
});

describe('invalid frames of every type (4.2, 6.x)', () => {
  const bytes = (n: number): Uint8Array => new Uint8Array(n);
  const cases: Array<[string, Uint8Array, 'goaway' | 'rst', number]> = [
    ['DATA on stream 0', frames.raw(FrameType.DATA, 0, 0, 'x'), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['HEADERS on stream 0', frames.raw(FrameType.HEADERS, Flag.END_HEADERS, 0, bytes(1)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['PRIORITY on stream 0', frames.raw(FrameType.PRIORITY, 0, 0, bytes(5)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['PRIORITY of 4 octets', frames.raw(FrameType.PRIORITY, 0, 1, bytes(4)), 'rst', ErrorCode.FRAME_SIZE_ERROR],
    ['PRIORITY depending on itself', frames.priority(1, { exclusive: false, dependency: 1, weight: 16 }), 'rst', ErrorCode.PROTOCOL_ERROR],
    ['RST_STREAM on stream 0', frames.raw(FrameType.RST_STREAM, 0, 0, bytes(4)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['RST_STREAM of 3 octets', frames.raw(FrameType.RST_STREAM, 0, 1, bytes(3)), 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['SETTINGS on stream 1', frames.raw(FrameType.SETTINGS, 0, 1, bytes(0)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['SETTINGS of 5 octets', frames.raw(FrameType.SETTINGS, 0, 0, bytes(5)), 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['SETTINGS_MAX_FRAME_SIZE out of range', frames.settings({ [SettingId.MAX_FRAME_SIZE]: 1000 }), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['PING on stream 1', frames.raw(FrameType.PING, 0, 1, bytes(8)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['PING of 7 octets', frames.raw(FrameType.PING, 0, 0, bytes(7)), 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['GOAWAY on stream 1', frames.raw(FrameType.GOAWAY, 0, 1, bytes(8)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['GOAWAY of 7 octets', frames.raw(FrameType.GOAWAY, 0, 0, bytes(7)), 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['WINDOW_UPDATE of 3 octets', frames.raw(FrameType.WINDOW_UPDATE, 0, 0, bytes(3)), 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['CONTINUATION on stream 0', frames.raw(FrameType.CONTINUATION, Flag.END_HEADERS, 0, bytes(1)), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['a frame over SETTINGS_MAX_FRAME_SIZE', frames.raw(FrameType.DATA, 0, 1, bytes(16_385)), 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['DATA whose padding fills the payload', frames.raw(FrameType.DATA, Flag.PADDED, 1, new Uint8Array([4, 0, 0, 0])), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['HEADERS depending on itself', frames.headers(1, bytes(1), { priority: { exclusive: false, dependency: 1, weight: 1 } }), 'goaway', ErrorCode.PROTOCOL_ERROR],
  ];
  for (const [name, frame, kind, code] of cases) {
    it(`${name} -> ${kind === 'goaway' ? 'GOAWAY' : 'RST_STREAM'}`, async () => {
      const peer = await ready(() => {});
      await peer.send(frame);
      if (kind === 'goaway') {
        await peer.expectGoaway(code);
        await peer.expectClosed();
      } else {
        await peer.expectRst(1, code);
        await stillWorks(peer, 3);
      }
    });
  }
});

describe('stream identifiers and states (5.1)', () => {
  it('rejects an even (server-initiated) stream id from a client', async () => {
    const peer = await ready();
    await peer.send(frames.headers(2, peer.block(GET()), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('rejects a stream id lower than one already opened', async () => {
    const peer = await ready();
    await stillWorks(peer, 5);
    await peer.send(frames.headers(3, peer.block(GET()), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('rejects HEADERS reusing a closed stream id (STREAM_CLOSED)', async () => {
    const peer = await ready();
    await stillWorks(peer, 1);
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await peer.expectGoaway(ErrorCode.STREAM_CLOSED);
  });

  for (const [name, frame] of [
    ['DATA', frames.data(7, 'x')],
    ['WINDOW_UPDATE', frames.windowUpdate(7, 1)],
    ['RST_STREAM', frames.rst(7, ErrorCode.CANCEL)],
  ] as const) {
    it(`treats ${name} on an idle stream as PROTOCOL_ERROR`, async () => {
      const peer = await ready();
      await peer.send(frame);
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
    });
  }

  it('accepts PRIORITY on an idle stream without opening it', async () => {
    const peer = await ready();
    await peer.send(frames.priority(9, { exclusive: false, dependency: 0, weight: 16 }));
    await stillWorks(peer, 3); // 3 < 9 is still fine: 9 was never opened
  });

  it('answers HEADERS and DATA on a half-closed (remote) stream with STREAM_CLOSED', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const peer = await ready(async (req, res) => {
      await gate;
      if (!res.closed) void res.end('late');
    });
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await peer.send(frames.data(1, 'after end'));
    await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
    await peer.send(frames.headers(3, peer.block(GET()), { endStream: true }));
    await peer.send(frames.headers(3, peer.block([['x-trailer', '1']]), { endStream: true }));
    await peer.expectRst(3, ErrorCode.STREAM_CLOSED);
    release();
    await stillWorks(peer, 5);
  });

  it('ignores frames on a stream it reset (5.1 closed), without a second RST', async () => {
    const peer = await ready();
    // Malformed (no :path) -> we reset stream 1.
    await peer.send(frames.headers(1, peer.block([[':method', 'POST'], [':scheme', 'http']])));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.send(frames.data(1, 'late data'), frames.windowUpdate(1, 10), frames.data(1, 'more', { endStream: true }));
    await stillWorks(peer, 3);
    assert.equal(peer.seen.filter((f) => f.type === 'RST_STREAM').length, 1);
  });

  it('rejects DATA on a stream closed normally with STREAM_CLOSED', async () => {
    const peer = await ready();
    await stillWorks(peer, 1);
    await peer.send(frames.data(1, 'x'));
    await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
    await stillWorks(peer, 3);
  });

  it('refuses streams beyond MAX_CONCURRENT_STREAMS with REFUSED_STREAM (5.1.2)', async () => {
    const peer = await ready(() => {}, { settings: { maxConcurrentStreams: 2 } });
    await peer.send(
      frames.headers(1, peer.block(GET()), { endStream: true }),
      frames.headers(3, peer.block(GET()), { endStream: true }),
      frames.headers(5, peer.block(GET()), { endStream: true }),
    );
    await peer.expectRst(5, ErrorCode.REFUSED_STREAM);
  });

  it('treats PUSH_PROMISE from a client as PROTOCOL_ERROR (8.4)', async () => {
    const peer = await ready();
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: false }));
    await peer.send(frames.pushPromise(1, 2, peer.block(GET())));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });
});

describe('field blocks (4.3, 6.10) and CONTINUATION floods', () => {
  it('rejects CONTINUATION without HEADERS', async () => {
    const peer = await ready();
    await peer.send(frames.continuation(1, peer.block(GET())));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('rejects any other frame inside a field block, unknown types included', async () => {
    for (const interloper of [frames.ping(), frames.raw(0xfa, 0, 0, 'ext'), frames.continuation(3, new Uint8Array(0))]) {
      const peer = await ready();
      const block = peer.block(GET());
      await peer.send(frames.headers(1, block.subarray(0, 2), { endHeaders: false }), interloper);
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
    }
  });

  it('assembles HEADERS + CONTINUATION', async () => {
    const peer = await ready();
    const block = peer.block(GET('/split'));
    await peer.send(
      frames.headers(1, block.subarray(0, 3), { endHeaders: false, endStream: true }),
      frames.continuation(1, block.subarray(3, 5), false),
      frames.continuation(1, block.subarray(5), true),
    );
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
  });

  it('ignores unknown frame types between frames (5.5)', async () => {
    const peer = await ready();
    await peer.send(frames.raw(0xbe, 0xff, 0, 'whatever'), frames.raw(0x42, 0, 1, ''));
    await stillWorks(peer, 1);
  });

  it('stops a CONTINUATION flood (CVE-2024-27316) by frame count', async () => {
    const peer = await ready(hello, { limits: { maxContinuationFrames: 20 } });
    const parts = [frames.headers(1, new Uint8Array([0x82]), { endHeaders: false })];
    for (let i = 0; i < 100; i++) parts.push(frames.continuation(1, new Uint8Array([0x82]), false));
    await peer.send(...parts);
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM);
  });

  it('stops a CONTINUATION flood by size, without buffering it all', async () => {
    const peer = await ready(hello, { settings: { maxHeaderListSize: 4096 }, limits: { maxContinuationFrames: 100_000 } });
    const chunk = new Uint8Array(16_000).fill(0x82);
    await peer.send(frames.headers(1, chunk, { endHeaders: false }));
    for (let i = 0; i < 10; i++) peer.sendNoWait(frames.continuation(1, chunk, false));
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM);
  });

  it('answers an oversized header list (HPACK bomb) with 431 and stays in sync', async () => {
    const peer = await ready(hello, { settings: { maxHeaderListSize: 8192 } });
    // One 4000-byte entry put in the dynamic table, then referenced 1000 times by index.
    const field = { name: 'x-bomb', value: 'b'.repeat(4000) };
    const first = peer.encoder.encodeExplicit([
      ...GET('/bomb').map(([name, value]) => [{ name, value }, 'without-indexing'] as const),
      [field, 'incremental'],
    ]);
    await peer.send(frames.headers(1, first, { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200'); // 4 KB: under the limit
    const bomb = concat(peer.encoder.encode(GET('/bomb').map(([name, value]) => ({ name, value }))), new Uint8Array(1000).fill(0xbe));
    await peer.send(frames.headers(3, bomb, { endStream: true }));
    assert.equal((await peer.expectHeaders(3)).map.get(':status'), '431');
    await stillWorks(peer, 5);
  });

  it('treats an undecodable block as COMPRESSION_ERROR', async () => {
    const peer = await ready();
    await peer.send(frames.headers(1, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f]), { endStream: true }));
    await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR);
  });
});

describe('malformed requests (8.1.1, 8.2, 8.3) -> RST_STREAM PROTOCOL_ERROR', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    ['uppercase name', [...GET(), ['X-Upper', '1']]],
    ['missing :path', GET().filter(([n]) => n !== ':path')],
    ['missing :method', GET().filter(([n]) => n !== ':method')],
    ['duplicate :path', [...GET(), [':path', '/again']]],
    ['pseudo after regular', [[':method', 'GET'], [':scheme', 'http'], ['x', '1'], [':path', '/']]],
    ['unknown pseudo', [...GET(), [':protocol', 'websocket']]],
    ['response pseudo in a request', [...GET(), [':status', '200']]],
    ['connection header', [...GET(), ['connection', 'keep-alive']]],
    ['transfer-encoding', [...GET(), ['transfer-encoding', 'chunked']]],
    ['te other than trailers', [...GET(), ['te', 'gzip']]],
    ['CR in a value', [...GET(), ['x', 'a\rb']]],
    ['leading space in a value', [...GET(), ['x', ' a']]],
    ['empty :path', [[':method', 'GET'], [':scheme', 'http'], [':path', '']]],
    ['CONNECT with :path', [[':method', 'CONNECT'], [':authority', 'h:1'], [':scheme', 'http'], [':path', '/']]],
  ];
  for (const [name, headers] of cases) {
    it(name, async () => {
      const peer = await ready();
      await peer.send(frames.headers(1, peer.block(headers), { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await stillWorks(peer, 3);
    });
  }

  it('pseudo-header in trailers', async () => {
    const peer = await ready(async (req, res) => {
      await req.bytes().catch(() => {});
      if (!res.closed) void res.end();
    });
    await peer.send(frames.headers(1, peer.block(POST()), { endStream: false }), frames.data(1, 'x'));
    await peer.send(frames.headers(1, peer.block([[':path', '/x']]), { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
  });

  it('trailers without END_STREAM', async () => {
    const peer = await ready(() => {});
    await peer.send(frames.headers(1, peer.block(POST()), { endStream: false }));
    await peer.send(frames.headers(1, peer.block([['x-t', '1']]), { endStream: false }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
  });

  it('content-length larger and smaller than the DATA', async () => {
    const seen: string[] = [];
    const peer = await ready(async (req, res) => {
      try {
        await req.bytes();
        seen.push('ok');
      } catch {
        seen.push('error');
      }
      if (!res.closed) void res.end();
    });
    await peer.send(frames.headers(1, peer.block(POST('/', [['content-length', '3']]))), frames.data(1, 'abcd', { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.send(frames.headers(3, peer.block(POST('/', [['content-length', '10']]))), frames.data(3, 'abc', { endStream: true }));
    await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
    await peer.send(frames.headers(5, peer.block(POST('/', [['content-length', '3']]))), frames.data(5, 'abc', { endStream: true }));
    await peer.expectHeaders(5);
    assert.deepEqual(seen, ['error', 'error', 'ok']);
  });
});

describe('flow control (5.2, 6.9)', () => {
  it('rejects DATA beyond the stream window with FLOW_CONTROL_ERROR', async () => {
    const peer = await ready(() => {}, { settings: { initialWindowSize: 1000 } });
    await peer.send(frames.headers(1, peer.block(POST())), frames.data(1, new Uint8Array(1001)));
    await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
    await stillWorks(peer, 3);
  });

  it('rejects DATA beyond the connection window with GOAWAY FLOW_CONTROL_ERROR', async () => {
    const peer = await ready(() => {}, { settings: { initialWindowSize: 200_000, maxFrameSize: 100_000 }, limits: { connectionWindowSize: 65535 } });
    await peer.send(frames.headers(1, peer.block(POST())), frames.data(1, new Uint8Array(60_000)));
    await peer.send(frames.headers(3, peer.block(POST())), frames.data(3, new Uint8Array(6_000)));
    await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR);
  });

  it('counts padding against the window', async () => {
    const peer = await ready(() => {}, { settings: { initialWindowSize: 300 } });
    await peer.send(frames.headers(1, peer.block(POST())), frames.data(1, new Uint8Array(100), { padLength: 200 }));
    await peer.send(frames.data(1, new Uint8Array(1)));
    await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
  });

  it('rejects WINDOW_UPDATE overflow: stream -> RST, connection -> GOAWAY', async () => {
    const peer = await ready(() => {});
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }), frames.windowUpdate(1, 2 ** 31 - 1));
    await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
    await peer.send(frames.windowUpdate(0, 2 ** 31 - 1));
    await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR);
  });

  it('rejects a zero WINDOW_UPDATE increment (6.9)', async () => {
    const peer = await ready(() => {});
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }), frames.raw(FrameType.WINDOW_UPDATE, 0, 1, new Uint8Array(4)));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.send(frames.raw(FrameType.WINDOW_UPDATE, 0, 0, new Uint8Array(4)));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
  });

  it('applies INITIAL_WINDOW_SIZE changes to open streams, negative windows included (6.9.2)', async () => {
    const body = new Uint8Array(1000).map((_, i) => i & 0xff);
    const peer = await ready((req, res) => void res.end(body), {}, { [SettingId.INITIAL_WINDOW_SIZE]: 100 });
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await peer.expectHeaders(1);
    const first = await peer.expectFrame('DATA');
    assert.equal(first.data.length, 100);
    await peer.send(frames.settings({ [SettingId.INITIAL_WINDOW_SIZE]: 50 })); // window 100-100 -> -50
    await peer.expectSettingsAck();
    await peer.send(frames.windowUpdate(1, 100)); // -50 + 100 = 50
    const second = await peer.expectFrame('DATA');
    assert.equal(second.data.length, 50);
    await peer.send(frames.settings({ [SettingId.INITIAL_WINDOW_SIZE]: 1000 })); // 0 + 950
    const rest = await peer.readBody(1);
    assert.equal(rest.length, 850);
    assert.deepEqual(concat(first.data, second.data, rest), body);
  });

  it('treats an INITIAL_WINDOW_SIZE change that overflows a stream window as FLOW_CONTROL_ERROR', async () => {
    const peer = await ready(() => {});
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }), frames.windowUpdate(1, 2 ** 31 - 1 - 65535));
    await peer.send(frames.settings({ [SettingId.INITIAL_WINDOW_SIZE]: 65536 }));
    await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR);
  });

  it('a peer that never opens its window: writers block with bounded buffering, then the stream is reset', async () => {
    let writes = 0;
    let failure: unknown;
    const peer = await ready(
      async (req, res) => {
        try {
          for (let i = 0; i < 1000; i++) {
            await res.write(new Uint8Array(16 * 1024));
            writes++;
          }
        } catch (err) {
          failure = err;
        }
      },
      { limits: { sendStallTimeoutMs: 300, maxStreamBufferedBytes: 64 * 1024 } },
      { [SettingId.INITIAL_WINDOW_SIZE]: 0 },
    );
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await peer.expectRst(1, ErrorCode.CANCEL, 3000);
    assert.ok(writes <= 4, `writer was not blocked: ${writes} writes of 16 KiB accepted`);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(failure instanceof Error);
    await peer.send(frames.settings({ [SettingId.INITIAL_WINDOW_SIZE]: 65535 }));
    await stillWorks(peer, 3);
  });

  it('honours the peer MAX_FRAME_SIZE when sending DATA', async () => {
    const body = new Uint8Array(100_000);
    const peer = await ready((req, res) => void res.end(body), {}, { [SettingId.MAX_FRAME_SIZE]: 20_000, [SettingId.INITIAL_WINDOW_SIZE]: 1_000_000 });
    await peer.send(frames.windowUpdate(0, 1_000_000));
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    assert.equal((await peer.readBody(1)).length, 100_000);
    const sizes = peer.seen.filter((f) => f.type === 'DATA').map((f) => (f.type === 'DATA' ? f.data.length : 0));
    assert.ok(Math.max(...sizes) <= 20_000 && Math.max(...sizes) > 16_384, `frame sizes ${sizes}`);
  });
});

describe('floods and resource attacks (10.5)', () => {
  it('rapid reset (CVE-2023-44487): HEADERS + RST_STREAM pairs -> ENHANCE_YOUR_CALM', async () => {
    const peer = await ready(() => {}, { limits: { maxResetStreamsPerWindow: 50 } });
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) {
      const id = 1 + 2 * i;
      parts.push(frames.headers(id, peer.block(GET()), { endStream: true }), frames.rst(id, ErrorCode.CANCEL));
    }
    await peer.send(...parts);
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM);
  });

  it('PING flood while not reading our ACKs -> ENHANCE_YOUR_CALM, bounded', async () => {
    const peer = await ready(hello, { limits: { maxQueuedControlFrames: 200 } });
    const ping = frames.ping();
    const burst = concat(...Array.from({ length: 1000 }, () => ping));
    for (let i = 0; i < 20; i++) peer.sendNoWait(burst);
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM, 5000);
  });

  it('SETTINGS flood while not reading our ACKs -> ENHANCE_YOUR_CALM', async () => {
    const peer = await ready(hello, { limits: { maxQueuedControlFrames: 200 } });
    const s = frames.settings({ [SettingId.MAX_CONCURRENT_STREAMS]: 10 });
    const burst = concat(...Array.from({ length: 1000 }, () => s));
    for (let i = 0; i < 20; i++) peer.sendNoWait(burst);
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM, 5000);
  });

  it('answers a moderate PING burst that is read', async () => {
    const peer = await ready();
    await peer.send(...Array.from({ length: 100 }, (_, i) => frames.ping(new Uint8Array(8).fill(i))));
    for (let i = 0; i < 100; i++) await peer.expect((f) => f.type === 'PING' && f.ack, 'PING ACK');
    await stillWorks(peer, 1);
  });

  it('empty DATA frames without END_STREAM -> ENHANCE_YOUR_CALM', async () => {
    const peer = await ready(() => {}, { limits: { maxEmptyFramesPerWindow: 100 } });
    await peer.send(frames.headers(1, peer.block(POST())));
    await peer.send(...Array.from({ length: 200 }, () => frames.data(1, new Uint8Array(0))));
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM);
  });

  it('empty CONTINUATION frames -> ENHANCE_YOUR_CALM', async () => {
    const peer = await ready(hello, { limits: { maxEmptyFramesPerWindow: 50, maxContinuationFrames: 10_000 } });
    await peer.send(frames.headers(1, peer.block(GET()).subarray(0, 1), { endHeaders: false }));
    await peer.send(...Array.from({ length: 100 }, () => frames.continuation(1, new Uint8Array(0), false)));
    await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM);
  });

  it('stops reading when the peer does not read: memory stays bounded', async () => {
    const peer = await ready(hello, { limits: { maxOutputBufferBytes: 64 * 1024, maxQueuedControlFrames: 1_000_000 } });
    // Requests whose responses we never read, 20 per write: the server must stop reading (and so
    // stop accepting our writes) once its unsent output is over the limit, not buffer it all.
    let id = 1;
    let acceptedBytes = 0;
    for (let batch = 0; batch < 2000; batch++) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 20; i++, id += 2) parts.push(frames.headers(id, peer.block(GET('/' + 'p'.repeat(200))), { endStream: true }));
      const bytes = concat(...parts);
      const accepted = await Promise.race([peer.transport.write(bytes).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 300))]);
      if (!accepted) break;
      acceptedBytes += bytes.length;
    }
    assert.ok(acceptedBytes < 2 * 1024 * 1024, `server kept reading: ${acceptedBytes} bytes of requests accepted`);
  });
});

describe('lifecycle', () => {
  it('idle timeout: GOAWAY NO_ERROR then close', async () => {
    const peer = await ready(hello, { limits: { idleTimeoutMs: 100 } });
    await peer.expectGoaway(ErrorCode.NO_ERROR, 2000);
    await peer.expectClosed();
  });

  it('server.close() is bounded when a stream never finishes', async () => {
    const { peer, server } = await fakeClient(() => {}, {});
    peers.push(peer);
    await peer.handshake();
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    const closing = server.close({ timeoutMs: 300 });
    const goaway = await peer.expectGoaway(ErrorCode.NO_ERROR);
    assert.equal(goaway.lastStreamId, 1);
    await closing; // the stream never finishes: the connection is destroyed after the timeout
    assert.ok(Date.now() - started < 2000);
    await peer.expectClosed();
  });

  it('answers PING with the same payload', async () => {
    const peer = await ready();
    const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    await peer.send(frames.ping(data));
    const ack = await peer.expect((f) => f.type === 'PING' && f.ack, 'PING ACK');
    assert.deepEqual(ack.type === 'PING' && ack.data, data);
  });

  it('a client GOAWAY lets open streams finish, then the server closes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const peer = await ready(async (req, res) => {
      await gate;
      void res.end('done');
    });
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await peer.send(frames.goaway(0, ErrorCode.NO_ERROR));
    release();
    assert.equal(new TextDecoder().decode(await peer.readBody(1)), 'done');
    await peer.expectClosed();
  });

  it('a handler that throws gets a 500; one that throws after responding gets RST INTERNAL_ERROR', async () => {
    const peer = await ready(async (req, res) => {
      if (req.path === '/late') {
        res.respond(200);
        await res.write('partial');
      }
      throw new Error('boom');
    });
    await peer.send(frames.headers(1, peer.block(GET('/early')), { endStream: true }));
    assert.equal((await peer.expectHeaders(1)).map.get(':status'), '500');
    await peer.send(frames.headers(3, peer.block(GET('/late')), { endStream: true }));
    await peer.expectRst(3, ErrorCode.INTERNAL_ERROR);
    await stillWorks(peer, 5);
  });

  it('req.signal aborts when the client resets the stream', async () => {
    let aborted!: () => void;
    const abortedP = new Promise<void>((r) => (aborted = r));
    const peer = await ready((req) => {
      req.signal.addEventListener('abort', () => aborted());
    });
    await peer.send(frames.headers(1, peer.block(GET()), { endStream: true }));
    await new Promise((r) => setTimeout(r, 10));
    await peer.send(frames.rst(1, ErrorCode.CANCEL));
    await abortedP;
  });
});
