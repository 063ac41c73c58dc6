/**
 * Stream states and their transitions, exactly as RFC 9113 5.1 draws them:
 *
 *                              +--------+
 *                      send PP |        | recv PP
 *                     ,--------+  idle  +--------.
 *                    /         |        |         \
 *                   v          +--------+          v
 *            +----------+          |           +----------+
 *            |          |          | send H /  |          |
 *     ,------+ reserved |          | recv H    | reserved +------.
 *     |      | (local)  |          |           | (remote) |      |
 *     |      +---+------+          v           +------+---+      |
 *     |          |             +--------+             |          |
 *     |          |     recv ES |        | send ES     |          |
 *     |   send H |     ,-------+  open  +-------.     | recv H   |
 *     |          |    /        |        |        \    |          |
 *     |          v   v         +---+----+         v   v          |
 *     |      +----------+          |           +----------+      |
 *     |      |   half-  |          |           |   half-  |      |
 *     |      |  closed  |          | send R /  |  closed  |      |
 *     |      | (remote) |          | recv R    | (local)  |      |
 *     |      +----+-----+          |           +-----+----+      |
 *     |           |                |                 |           |
 *     |           | send ES /      |       recv ES / |           |
 *     |           |  send R /      v        send R / |           |
 *     |           |  recv R    +--------+   recv R   |           |
 *     | send R /  `----------->|        |<-----------'  send R / |
 *     | recv R                 | closed |               recv R   |
 *     `----------------------->|        |<-----------------------'
 *                              +--------+
 *
 * The table below is the whole machine: one row per state, one column per event, each cell the
 * next state or the error the RFC requires. It is typed `Record<StreamState, Record<StreamEvent,
 * ...>>`, so leaving out a state or an event does not compile. Frames that do not change the
 * state (DATA, WINDOW_UPDATE, a second HEADERS) are events too, so that "may this frame arrive
 * now?" is answered by the same table. END_STREAM is its own event, applied after the frame's
 * (5.1: "the END_STREAM flag is processed as a separate event").
 *
 * One event is not in the RFC's diagram because it is no frame: `abandon`, every state to closed,
 * for the two ways a stream ends without anything said about it on the wire: a stream of ours
 * given up while still idle (it never sent HEADERS, so there is nothing to reset; 5.1.1: opening a
 * higher id closes it implicitly anyway), and every stream when the connection itself ends (after
 * GOAWAY, or with the transport: 5.4.1, 6.8). Having it in the table keeps `transition` the one
 * place streams move, with its bookkeeping (concurrency counts, closing), for those ends too.
 *
 * The one function that moves a stream is `Connection.transition` (connection.ts); this file is
 * pure data and lookup, plus the error an illegal cell turns into. Frames on streams we no longer
 * track (closed and forgotten) are judged in recv-stream.ts, from what the stream store
 * (streams.ts) remembers of which ids are idle and which are closed.
 */
import { ConnectionError, ErrorCode, StreamError } from './errors.js';

export type StreamState =
  | 'idle'
  | 'reserved-local'
  | 'reserved-remote'
  | 'open'
  | 'half-closed-local'
  | 'half-closed-remote'
  | 'closed';

export type StreamEvent =
  | 'send-headers'
  | 'send-data'
  | 'send-end-stream'
  | 'send-push-promise'
  | 'send-rst'
  | 'recv-headers'
  | 'recv-data'
  | 'recv-end-stream'
  | 'recv-push-promise'
  | 'recv-window-update'
  | 'recv-rst'
  /** Not a frame: we stop the stream without a word to the peer (see above). */
  | 'abandon';

/** What a cell holds when the event is not allowed. */
export interface IllegalTransition {
  /** 'connection' / 'stream': the peer broke the rule (5.4); 'local': our own caller did (a bug or misuse). */
  readonly scope: 'connection' | 'stream' | 'local';
  readonly code: number;
  readonly rule: string;
}

const conn = (code: number, rule: string): IllegalTransition => Object.freeze({ scope: 'connection', code, rule });
const strm = (code: number, rule: string): IllegalTransition => Object.freeze({ scope: 'stream', code, rule });
const local = (rule: string): IllegalTransition => Object.freeze({ scope: 'local', code: ErrorCode.INTERNAL_ERROR, rule });

// RFC 9113 5.1 "idle": "Receiving any frame other than HEADERS or PRIORITY on a stream in this
// state MUST be treated as a connection error ... of type PROTOCOL_ERROR."
const IDLE_RECV = conn(ErrorCode.PROTOCOL_ERROR, 'frame other than HEADERS/PRIORITY on an idle stream (RFC 9113 5.1)');
// "reserved (local)": "Receiving any type of frame other than RST_STREAM, PRIORITY, or
// WINDOW_UPDATE on a stream in this state MUST be treated as a connection error ... PROTOCOL_ERROR."
const RESERVED_LOCAL_RECV = conn(ErrorCode.PROTOCOL_ERROR, 'frame not allowed on a reserved (local) stream (RFC 9113 5.1)');
// "reserved (remote)": "Receiving any type of frame other than HEADERS, RST_STREAM, or PRIORITY on a
// stream in this state MUST be treated as a connection error ... PROTOCOL_ERROR."
const RESERVED_REMOTE_RECV = conn(ErrorCode.PROTOCOL_ERROR, 'frame not allowed on a reserved (remote) stream (RFC 9113 5.1)');
// "half-closed (remote)": "If an endpoint receives additional frames, other than WINDOW_UPDATE,
// PRIORITY, or RST_STREAM, for a stream that is in this state, it MUST respond with a stream error
// ... of type STREAM_CLOSED."
const HALF_CLOSED_REMOTE_RECV = strm(ErrorCode.STREAM_CLOSED, 'frame after END_STREAM from the peer (RFC 9113 5.1)');
// "closed": "An endpoint MAY treat receipt of any other type of frame on a closed stream as a
// connection error ... of type STREAM_CLOSED"; DATA gets the stream error 6.1 names.
const CLOSED_HEADERS = conn(ErrorCode.STREAM_CLOSED, 'HEADERS on a closed stream (RFC 9113 5.1)');
const CLOSED_DATA = strm(ErrorCode.STREAM_CLOSED, 'DATA on a closed stream (RFC 9113 6.1)');
// A stream that is not idle cannot be promised: 6.6 / 5.1.1 (connection PROTOCOL_ERROR).
const PROMISE_NOT_IDLE = conn(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE for a stream that is not idle (RFC 9113 5.1.1, 6.6)');
// END_STREAM only arrives on a HEADERS or DATA frame, which already passed their own cell.
const NO_END_HERE = conn(ErrorCode.PROTOCOL_ERROR, 'END_STREAM on a stream that cannot end here (RFC 9113 5.1)');

const SEND_AFTER_END = local('cannot send on a stream we already ended or reset');
const SEND_ON_IDLE = local('a stream must be opened with HEADERS first');
const NOT_A_PROMISE = local('only an idle stream can be promised');
const RESERVED_SEND = local('a reserved (local) stream can only send HEADERS or RST_STREAM');
const RESERVED_REMOTE_SEND = local('a reserved (remote) stream can only send RST_STREAM');

/** Next state, or why not. One row per state (RFC 9113 5.1). */
export const TRANSITIONS: Readonly<Record<StreamState, Readonly<Record<StreamEvent, StreamState | IllegalTransition>>>> = {
  idle: {
    'send-headers': 'open',
    'send-data': SEND_ON_IDLE,
    'send-end-stream': SEND_ON_IDLE,
    'send-push-promise': 'reserved-local',
    'send-rst': SEND_ON_IDLE,
    'recv-headers': 'open',
    'recv-data': IDLE_RECV,
    'recv-end-stream': IDLE_RECV,
    'recv-push-promise': 'reserved-remote',
    'recv-window-update': IDLE_RECV,
    'recv-rst': IDLE_RECV,
    abandon: 'closed',
  },
  'reserved-local': {
    'send-headers': 'half-closed-remote',
    'send-data': RESERVED_SEND,
    'send-end-stream': RESERVED_SEND,
    'send-push-promise': NOT_A_PROMISE,
    'send-rst': 'closed',
    'recv-headers': RESERVED_LOCAL_RECV,
    'recv-data': RESERVED_LOCAL_RECV,
    'recv-end-stream': RESERVED_LOCAL_RECV,
    'recv-push-promise': PROMISE_NOT_IDLE,
    'recv-window-update': 'reserved-local',
    'recv-rst': 'closed',
    abandon: 'closed',
  },
  'reserved-remote': {
    'send-headers': RESERVED_REMOTE_SEND,
    'send-data': RESERVED_REMOTE_SEND,
    'send-end-stream': RESERVED_REMOTE_SEND,
    'send-push-promise': NOT_A_PROMISE,
    'send-rst': 'closed',
    'recv-headers': 'half-closed-local',
    'recv-data': RESERVED_REMOTE_RECV,
    'recv-end-stream': NO_END_HERE,
    'recv-push-promise': PROMISE_NOT_IDLE,
    'recv-window-update': RESERVED_REMOTE_RECV,
    'recv-rst': 'closed',
    abandon: 'closed',
  },
  open: {
    'send-headers': 'open',
    'send-data': 'open',
    'send-end-stream': 'half-closed-local',
    'send-push-promise': NOT_A_PROMISE,
    'send-rst': 'closed',
    'recv-headers': 'open',
    'recv-data': 'open',
    'recv-end-stream': 'half-closed-remote',
    'recv-push-promise': PROMISE_NOT_IDLE,
    'recv-window-update': 'open',
    'recv-rst': 'closed',
    abandon: 'closed',
  },
  'half-closed-local': {
    'send-headers': SEND_AFTER_END,
    'send-data': SEND_AFTER_END,
    'send-end-stream': SEND_AFTER_END,
    'send-push-promise': NOT_A_PROMISE,
    'send-rst': 'closed',
    'recv-headers': 'half-closed-local',
    'recv-data': 'half-closed-local',
    'recv-end-stream': 'closed',
    'recv-push-promise': PROMISE_NOT_IDLE,
    // "a receiver can ignore WINDOW_UPDATE frames, which might arrive for a short period after a
    // frame with the END_STREAM flag set is sent"
    'recv-window-update': 'half-closed-local',
    'recv-rst': 'closed',
    abandon: 'closed',
  },
  'half-closed-remote': {
    'send-headers': 'half-closed-remote',
    'send-data': 'half-closed-remote',
    'send-end-stream': 'closed',
    'send-push-promise': NOT_A_PROMISE,
    'send-rst': 'closed',
    'recv-headers': HALF_CLOSED_REMOTE_RECV,
    'recv-data': HALF_CLOSED_REMOTE_RECV,
    'recv-end-stream': HALF_CLOSED_REMOTE_RECV,
    'recv-push-promise': PROMISE_NOT_IDLE,
    'recv-window-update': 'half-closed-remote',
    'recv-rst': 'closed',
    abandon: 'closed',
  },
  closed: {
    'send-headers': SEND_AFTER_END,
    'send-data': SEND_AFTER_END,
    'send-end-stream': SEND_AFTER_END,
    'send-push-promise': NOT_A_PROMISE,
    'send-rst': 'closed',
    'recv-headers': CLOSED_HEADERS,
    'recv-data': CLOSED_DATA,
    'recv-end-stream': CLOSED_DATA,
    'recv-push-promise': PROMISE_NOT_IDLE,
    // "might receive a WINDOW_UPDATE or RST_STREAM frame from its peer in the time before the
    // peer receives and processes the frame that closes the stream": ignored.
    'recv-window-update': 'closed',
    'recv-rst': 'closed',
    abandon: 'closed',
  },
};

/** The cell for (state, event). */
export function nextState(state: StreamState, event: StreamEvent): StreamState | IllegalTransition {
  return TRANSITIONS[state][event];
}

export function isIllegal(cell: StreamState | IllegalTransition): cell is IllegalTransition {
  return typeof cell !== 'string';
}

/**
 * What to throw for an illegal cell on stream `id`: the peer's violations become the connection or
 * stream error the RFC names (5.4); our own caller's misuse is a plain Error, a bug to report.
 */
export function transitionError(id: number, cell: IllegalTransition): Error {
  if (cell.scope === 'connection') return new ConnectionError(cell.code, `stream ${id}: ${cell.rule}`);
  if (cell.scope === 'stream') return new StreamError(id, cell.code, cell.rule);
  return new Error(`stream ${id}: ${cell.rule}`);
}

/** 5.1.2: "Streams that are in the open state or in either of the half-closed states count toward the maximum". */
export function countsTowardConcurrency(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-local' || state === 'half-closed-remote';
}

/** We may still send DATA / trailers (open or half-closed (remote)). */
export function canSend(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-remote';
}

/** The peer may still send DATA / trailers (open or half-closed (local)). */
export function canReceive(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-local';
}
