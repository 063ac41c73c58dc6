// The stream state machine (RFC 9113 5.1): every cell of the transition table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, errorCodeName } from '../../src/http2/errors.js';
import { TRANSITIONS, isIllegal, nextState, type StreamEvent, type StreamState } from '../../src/http2/stream-state.js';

const STATES: StreamState[] = ['idle', 'reserved-local', 'reserved-remote', 'open', 'half-closed-local', 'half-closed-remote', 'closed'];
const EVENTS: StreamEvent[] = [
  'send-headers', 'send-data', 'send-end-stream', 'send-push-promise', 'send-rst',
  'recv-headers', 'recv-data', 'recv-end-stream', 'recv-push-promise', 'recv-window-update', 'recv-rst',
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
