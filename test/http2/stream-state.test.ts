// The stream state machine (RFC 9113 5.1): every cell of the transition table, and the
// connection closing streams only through it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloseHow, ConnectionHooks } from '../../src/http2/connection-hooks.js';
import { Connection } from '../../src/http2/connection.js';
import { ErrorCode, StreamError, errorCodeName, type Http2Error } from '../../src/http2/errors.js';
import { CONNECTION_PREFACE, FrameReader } from '../../src/http2/frame/index.js';
import { HpackEncoder } from '../../src/http2/hpack/index.js';
import { resolveConfig } from '../../src/http2/limits.js';
import { ConnectionLostError } from '../../src/http2/session-errors.js';
import type { Stream } from '../../src/http2/stream.js';
import { TRANSITIONS, isIllegal, nextState, type StreamEvent, type StreamState } from '../../src/http2/stream-state.js';
import { concat, frames } from './frame-builders.js';

const STATES: StreamState[] = ['idle', 'reserved-local', 'reserved-remote', 'open', 'half-closed-local', 'half-closed-remote', 'closed'];
const EVENTS: StreamEvent[] = [
  'send-headers', 'send-data', 'send-end-stream', 'send-push-promise', 'send-rst',
  'recv-headers', 'recv-data', 'recv-end-stream', 'recv-push-promise', 'recv-window-update', 'recv-rst',
  'abandon',
];

/** Every legal transition, written out from the RFC 5.1 diagram and prose. */
const LEGAL: Array<[StreamState, StreamEvent, StreamState]> = [
  ['idle', 'send-headers', 'open'],
  ['idle', 'recv-headers', 'open'],
  ['idle', 'send-push-promise', 'reserved-local'],
  ['idle', 'recv-push-promise', 'reserved-remote'],
  ['reserved-local', 'send-headers', 'half-closed-remote'],
  ['reserved-local', 'send-rst', 'closed'],
  ['reserved-local', 'recv-rst', 'closed'],
  ['reserved-local', 'recv-window-update', 'reserved-local'],
  ['reserved-remote', 'recv-headers', 'half-closed-local'],
  ['reserved-remote', 'send-rst', 'closed'],
  ['reserved-remote', 'recv-rst', 'closed'],
  ['open', 'send-headers', 'open'],
  ['open', 'send-data', 'open'],
  ['open', 'recv-headers', 'open'],
  ['open', 'recv-data', 'open'],
  ['open', 'recv-window-update', 'open'],
  ['open', 'send-end-stream', 'half-closed-local'],
  ['open', 'recv-end-stream', 'half-closed-remote'],
  ['open', 'send-rst', 'closed'],
  ['open', 'recv-rst', 'closed'],
  ['half-closed-local', 'recv-headers', 'half-closed-local'],
  ['half-closed-local', 'recv-data', 'half-closed-local'],
  ['half-closed-local', 'recv-window-update', 'half-closed-local'],
  ['half-closed-local', 'recv-end-stream', 'closed'],
  ['half-closed-local', 'send-rst', 'closed'],
  ['half-closed-local', 'recv-rst', 'closed'],
  ['half-closed-remote', 'send-headers', 'half-closed-remote'],
  ['half-closed-remote', 'send-data', 'half-closed-remote'],
  ['half-closed-remote', 'recv-window-update', 'half-closed-remote'],
  ['half-closed-remote', 'send-end-stream', 'closed'],
  ['half-closed-remote', 'send-rst', 'closed'],
  ['half-closed-remote', 'recv-rst', 'closed'],
  ['closed', 'send-rst', 'closed'],
  ['closed', 'recv-rst', 'closed'],
  ['closed', 'recv-window-update', 'closed'],
  // Not a frame: a stream given up before HEADERS, or every stream when the connection ends.
  ...STATES.map((s): [StreamState, StreamEvent, StreamState] => [s, 'abandon', 'closed']),
];

/** What the RFC requires for illegal received frames: [state, event, scope, code]. */
const ILLEGAL_RECV: Array<[StreamState, StreamEvent, 'connection' | 'stream', number]> = [
  // 5.1 idle: anything but HEADERS/PRIORITY -> connection PROTOCOL_ERROR
  ['idle', 'recv-data', 'connection', ErrorCode.PROTOCOL_ERROR],
  ['idle', 'recv-rst', 'connection', ErrorCode.PROTOCOL_ERROR],
  ['idle', 'recv-window-update', 'connection', ErrorCode.PROTOCOL_ERROR],
  // reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE
  ['reserved-local', 'recv-headers', 'connection', ErrorCode.PROTOCOL_ERROR],
  ['reserved-local', 'recv-data', 'connection', ErrorCode.PROTOCOL_ERROR],
  // reserved (remote): only HEADERS, RST_STREAM, PRIORITY
  ['reserved-remote', 'recv-data', 'connection', ErrorCode.PROTOCOL_ERROR],
  ['reserved-remote', 'recv-window-update', 'connection', ErrorCode.PROTOCOL_ERROR],
  // half-closed (remote): anything but WINDOW_UPDATE, PRIORITY, RST_STREAM -> stream STREAM_CLOSED
  ['half-closed-remote', 'recv-headers', 'stream', ErrorCode.STREAM_CLOSED],
  ['half-closed-remote', 'recv-data', 'stream', ErrorCode.STREAM_CLOSED],
  ['half-closed-remote', 'recv-end-stream', 'stream', ErrorCode.STREAM_CLOSED],
  // closed: DATA -> stream STREAM_CLOSED (6.1); HEADERS -> connection STREAM_CLOSED (5.1)
  ['closed', 'recv-data', 'stream', ErrorCode.STREAM_CLOSED],
  ['closed', 'recv-headers', 'connection', ErrorCode.STREAM_CLOSED],
  // a promised stream must be idle
  ['open', 'recv-push-promise', 'connection', ErrorCode.PROTOCOL_ERROR],
  ['closed', 'recv-push-promise', 'connection', ErrorCode.PROTOCOL_ERROR],
];

describe('stream state table (RFC 9113 5.1)', () => {
  it('has a cell for every state and event', () => {
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...STATES].sort());
    for (const s of STATES) assert.deepEqual(Object.keys(TRANSITIONS[s]).sort(), [...EVENTS].sort());
  });

  for (const [from, event, to] of LEGAL) {
    it(`${from} --${event}--> ${to}`, () => {
      assert.equal(nextState(from, event), to);
    });
  }

  it('every other cell is illegal', () => {
    const legal = new Set(LEGAL.map(([s, e]) => `${s}/${e}`));
    let illegal = 0;
    for (const s of STATES) {
      for (const e of EVENTS) {
        const cell = nextState(s, e);
        if (legal.has(`${s}/${e}`)) continue;
        assert.ok(isIllegal(cell), `${s}/${e} should be illegal, is ${String(cell)}`);
        illegal++;
        // Our own sends are local errors; the peer's frames are protocol errors.
        assert.equal(cell.scope === 'local', e.startsWith('send-'), `${s}/${e} scope ${cell.scope}`);
      }
    }
    assert.equal(illegal, STATES.length * EVENTS.length - LEGAL.length);
  });

  for (const [state, event, scope, code] of ILLEGAL_RECV) {
    it(`${state} + ${event} -> ${scope} ${errorCodeName(code)}`, () => {
      const cell = nextState(state, event);
      assert.ok(isIllegal(cell));
      assert.equal(cell.scope, scope);
      assert.equal(cell.code, code);
    });
  }

  it('a request/response exchange walks idle -> open -> half-closed -> closed on both sides (8.8)', () => {
    let client: StreamState = 'idle';
    let server: StreamState = 'idle';
    const step = (s: StreamState, e: StreamEvent): StreamState => {
      const n = nextState(s, e);
      assert.ok(!isIllegal(n), `${s}/${e}`);
      return n;
    };
    client = step(client, 'send-headers');
    server = step(server, 'recv-headers');
    client = step(client, 'send-end-stream');
    server = step(server, 'recv-end-stream');
    assert.equal(client, 'half-closed-local');
    assert.equal(server, 'half-closed-remote');
    server = step(server, 'send-headers');
    client = step(client, 'recv-headers');
    server = step(server, 'send-end-stream');
    client = step(client, 'recv-end-stream');
    assert.equal(client, 'closed');
    assert.equal(server, 'closed');
  });
});

// ---- the connection moves streams only through transition(), closing ones included ----

/** A connection core with no transport: what it writes is read back with `framesOut`. */
function bareConnection(role: 'client' | 'server', onRequest?: ConnectionHooks['onRequest']): { conn: Connection; closes: CloseHow[] } {
  const closes: CloseHow[] = [];
  const conn = new Connection(role, resolveConfig(role), {
    onOutput() {},
    onClose: (_error, how) => void closes.push(how),
    onRequest,
  });
  conn.start();
  return { conn, closes };
}

/** The types of the frames the connection wrote (after the client magic). */
function framesOut(conn: Connection): string[] {
  const reader = new FrameReader();
  let first = true;
  for (let batch = conn.takeOutput(); batch !== null; batch = conn.takeOutput()) {
    if (first && conn.role === 'client') batch = batch.subarray(CONNECTION_PREFACE.length);
    first = false;
    reader.push(batch);
  }
  const types: string[] = [];
  for (let f = reader.next(); f !== null; f = reader.next()) types.push(f.type === 'RST_STREAM' ? `RST_STREAM(${f.streamId})` : f.type);
  return types;
}

function listen(s: Stream): { closedWith: Array<Http2Error | null> } {
  const seen = { closedWith: [] as Array<Http2Error | null> };
  s.listener = { onResponseHeaders() {}, onTrailers() {}, onRemoteEnd() {}, onLocalEnd() {}, onClose: (e) => void seen.closedWith.push(e) };
  return seen;
}

const REQUEST = [
  { name: ':method', value: 'GET' },
  { name: ':scheme', value: 'http' },
  { name: ':authority', value: 'test' },
  { name: ':path', value: '/' },
];

describe('closing streams through transition() (connection.ts)', () => {
  it('cancelling a stream that never sent HEADERS closes it fully: a draining connection then finishes', () => {
    const { conn, closes } = bareConnection('client');
    const s = conn.openStream();
    const seen = listen(s);
    conn.shutdown(); // GOAWAY; draining until the last stream is done
    assert.equal(conn.state, 'draining');
    conn.cancelStream(s, ErrorCode.CANCEL, new StreamError(s.id, ErrorCode.CANCEL, 'given up', 'user'));
    assert.equal(s.state, 'closed');
    assert.equal(seen.closedWith.length, 1);
    assert.ok(seen.closedWith[0] instanceof StreamError);
    assert.equal(conn.streams.size, 0);
    // Before: the stream was dropped from the store without the closing bookkeeping, and the
    // connection stayed 'draining' for ever.
    assert.equal(conn.state, 'closed');
    assert.deepEqual(closes, ['graceful']);
    // Nothing went on the wire for the idle stream (RST_STREAM on an idle stream is a
    // connection error for the peer, RFC 9113 5.1).
    assert.deepEqual(framesOut(conn), ['SETTINGS', 'WINDOW_UPDATE', 'GOAWAY']);
  });

  it('an idle stream cancelled on an open connection is forgotten as closed; the next one opens normally', () => {
    const { conn } = bareConnection('client');
    const s = conn.openStream();
    conn.cancelStream(s, ErrorCode.CANCEL, new StreamError(s.id, ErrorCode.CANCEL, 'given up', 'user'));
    assert.equal(conn.streams.get(s.id), undefined);
    assert.equal(conn.streams.closedHow(s.id), 'closed');
    const next = conn.openStream();
    conn.sendHeaders(next, REQUEST, true);
    assert.equal(conn.streams.activeLocal, 1);
    conn.destroy(new ConnectionLostError('test over', 'user'));
  });

  it('the connection ending closes every stream through transition(): the active counts go back to 0 (client)', () => {
    const { conn } = bareConnection('client');
    const open = conn.openStream();
    conn.sendHeaders(open, REQUEST, false); // open
    const halfClosed = conn.openStream();
    conn.sendHeaders(halfClosed, REQUEST, true); // half-closed (local)
    const idle = conn.openStream();
    const seen = [listen(open), listen(halfClosed), listen(idle)];
    assert.equal(conn.streams.activeLocal, 2);
    const lost = new ConnectionLostError('transport gone', 'remote');
    conn.onTransportEnd(lost);
    for (const s of [open, halfClosed, idle]) assert.equal(s.state, 'closed');
    for (const x of seen) assert.deepEqual(x.closedWith, [lost]);
    assert.equal(conn.streams.size, 0);
    // Before: closeAll() set the states directly and left the counts at 2.
    assert.equal(conn.streams.activeLocal, 0);
  });

  it('the connection ending closes every stream through transition(): the active counts go back to 0 (server)', () => {
    const heads: Stream[] = [];
    const { conn } = bareConnection('server', (s) => void heads.push(s));
    const encoder = new HpackEncoder();
    conn.receive(concat(CONNECTION_PREFACE, frames.settings(), frames.headers(1, encoder.encode(REQUEST)), frames.headers(3, encoder.encode(REQUEST), { endStream: true })));
    assert.equal(heads.length, 2);
    assert.equal(conn.streams.activeRemote, 2);
    conn.destroy(new ConnectionLostError('destroyed', 'user'));
    assert.deepEqual(heads.map((s) => s.state), ['closed', 'closed']);
    assert.equal(conn.streams.activeRemote, 0);
  });
});
