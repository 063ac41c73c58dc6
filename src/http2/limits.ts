/**
 * Every tunable number of the HTTP/2 layer, with its default, in one place.
 *
 * Two groups:
 * - `Http2Settings`: what we advertise in SETTINGS (RFC 9113 6.5.2) and so also enforce on the
 *   peer (see settings.ts for when each one takes effect);
 * - `Http2Limits`: local policy the peer never sees: timeouts, buffer caps, flood thresholds.
 *
 * Every `...TimeoutMs` limit follows one rule: 0 means "no timeout" (wait as long as it takes).
 * `startTimer` below is where that rule lives: every timer of these limits is started by it
 * (the send-stall sweep, an interval, is not started at all when its limit is 0).
 */
import { DEFAULT_MAX_FRAME_SIZE, MAX_ALLOWED_FRAME_SIZE, MAX_WINDOW } from './frame/index.js';

/** The SETTINGS parameters (RFC 9113 6.5.2), by name. Infinity = "no limit" (not sent). */
export interface Http2Settings {
  headerTableSize: number;
  enablePush: boolean;
  maxConcurrentStreams: number;
  initialWindowSize: number;
  maxFrameSize: number;
  maxHeaderListSize: number;
  /** RFC 8441 extended CONNECT; we never advertise it, only record the peer's value. */
  enableConnectProtocol: boolean;
}

/** The values both ends assume before any SETTINGS frame arrives (RFC 9113 6.5.2). */
export const RFC_INITIAL_SETTINGS: Readonly<Http2Settings> = Object.freeze({
  headerTableSize: 4096,
  enablePush: true,
  maxConcurrentStreams: Infinity,
  initialWindowSize: 65535,
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  maxHeaderListSize: Infinity,
  enableConnectProtocol: false,
});

const KiB = 1024;
const MiB = 1024 * KiB;

/** What a server advertises unless told otherwise. */
export const DEFAULT_SERVER_SETTINGS: Readonly<Http2Settings> = Object.freeze({
  ...RFC_INITIAL_SETTINGS,
  enablePush: false, // a server MUST NOT send 1 (6.5.2); 0 is also what it means
  maxConcurrentStreams: 100,
  initialWindowSize: 256 * KiB,
  maxHeaderListSize: 64 * KiB,
});

/** What a client advertises unless told otherwise: no push (ENABLE_PUSH=0). */
export const DEFAULT_CLIENT_SETTINGS: Readonly<Http2Settings> = Object.freeze({
  ...RFC_INITIAL_SETTINGS,
  enablePush: false,
  maxConcurrentStreams: 100, // limits pushed streams only
  initialWindowSize: 256 * KiB,
  maxHeaderListSize: 64 * KiB,
});

export interface Http2Limits {
  /** Our connection-level receive window; a WINDOW_UPDATE right after the preface raises it from 65535. */
  connectionWindowSize: number;
  /** Our SETTINGS must be acknowledged within this long, else GOAWAY SETTINGS_TIMEOUT (6.5.3). 0 = no timeout. */
  settingsTimeoutMs: number;
  /** No open stream for this long: graceful GOAWAY and close. 0 = no timeout. Default: server 5 min, client none. */
  idleTimeoutMs: number;
  /**
   * A stream with data to send but no flow-control window for this long is reset (CANCEL); and a
   * transport write that does not complete for this long destroys the connection. 0 = no timeout.
   */
  sendStallTimeoutMs: number;
  /** `ping()` rejects when no ACK comes within this long. 0 = no timeout: it waits until the ACK or the connection's end. */
  pingTimeoutMs: number;
  /**
   * Graceful close (client `close()`, server `close()`, the transport's own close after GOAWAY)
   * waits this long for open streams and the transport before it destroys the transport.
   * 0 = no timeout: it waits as long as the streams and the peer take.
   */
  closeTimeoutMs: number;
  /** Per stream: outgoing bytes buffered before `write()` stops resolving. */
  maxStreamBufferedBytes: number;
  /** Unflushed output (ACKs, RSTs, HEADERS) above which we stop reading from the peer. */
  maxOutputBufferBytes: number;
  /** Control frames we owe the peer (SETTINGS/PING ACKs, RST_STREAM) while it is not reading: above → ENHANCE_YOUR_CALM. */
  maxQueuedControlFrames: number;
  /** A field block (HEADERS + CONTINUATIONs) larger than this → ENHANCE_YOUR_CALM. Default max(2 × maxHeaderListSize, 64 KiB). */
  maxHeaderBlockBytes: number;
  /** CONTINUATION frames in one field block above this → ENHANCE_YOUR_CALM (CVE-2024-27316). */
  maxContinuationFrames: number;
  /** Peer-initiated streams reset (or refused) before completion, per window, above → ENHANCE_YOUR_CALM (CVE-2023-44487). */
  maxResetStreamsPerWindow: number;
  /** Frames that carry nothing (empty DATA without END_STREAM, empty CONTINUATION), per window. */
  maxEmptyFramesPerWindow: number;
  /** The sliding window of the two counters above. */
  floodWindowMs: number;
  /** Ids of streams we reset, remembered so late frames on them are ignored (5.1 "closed"). */
  maxRecentlyClosed: number;
  /** Client: requests waiting for a stream slot (peer's MAX_CONCURRENT_STREAMS); beyond → rejected. */
  maxQueuedRequests: number;
}

export const DEFAULT_LIMITS: Readonly<Http2Limits> = Object.freeze({
  connectionWindowSize: 1 * MiB,
  settingsTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  sendStallTimeoutMs: 30_000,
  pingTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
  maxStreamBufferedBytes: 64 * KiB,
  maxOutputBufferBytes: 1 * MiB,
  maxQueuedControlFrames: 10_000,
  maxHeaderBlockBytes: 0, // 0 = derived from maxHeaderListSize, see resolveLimits
  maxContinuationFrames: 128,
  maxResetStreamsPerWindow: 1000,
  maxEmptyFramesPerWindow: 1000,
  floodWindowMs: 10_000,
  maxRecentlyClosed: 1024,
  maxQueuedRequests: 10_000,
});

/** A server closes connections without streams after this long unless configured otherwise. */
export const SERVER_IDLE_TIMEOUT_MS = 300_000;

/** Settings + limits with every value filled in and checked. */
export interface ResolvedConfig {
  readonly settings: Readonly<Http2Settings>;
  readonly limits: Readonly<Http2Limits>;
}

export function resolveConfig(
  role: 'client' | 'server',
  settings: Partial<Http2Settings> = {},
  limits: Partial<Http2Limits> = {},
): ResolvedConfig {
  const s: Http2Settings = { ...(role === 'server' ? DEFAULT_SERVER_SETTINGS : DEFAULT_CLIENT_SETTINGS), ...stripUndefined(settings) };
  const l: Http2Limits = { ...DEFAULT_LIMITS, ...(role === 'server' ? { idleTimeoutMs: SERVER_IDLE_TIMEOUT_MS } : {}), ...stripUndefined(limits) };
  if (role === 'server') s.enablePush = false;
  checkRange('headerTableSize', s.headerTableSize, 0, 2 ** 32 - 1);
  checkRange('maxConcurrentStreams', s.maxConcurrentStreams, 0, Infinity);
  checkRange('initialWindowSize', s.initialWindowSize, 0, MAX_WINDOW);
  checkRange('maxFrameSize', s.maxFrameSize, DEFAULT_MAX_FRAME_SIZE, MAX_ALLOWED_FRAME_SIZE);
  checkRange('maxHeaderListSize', s.maxHeaderListSize, 0, Infinity);
  checkRange('connectionWindowSize', l.connectionWindowSize, 65535, MAX_WINDOW);
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Http2Limits)[]) {
    if (key !== 'connectionWindowSize') checkRange(key, l[key], 0, Infinity);
  }
  if (l.maxHeaderBlockBytes === 0) {
    l.maxHeaderBlockBytes = Math.max(2 * Math.min(s.maxHeaderListSize, 16 * MiB), 64 * KiB);
  }
  if (l.maxStreamBufferedBytes < 1) l.maxStreamBufferedBytes = 1;
  return { settings: Object.freeze(s), limits: Object.freeze(l) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (value !== Infinity && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/**
 * The rule of every `...TimeoutMs` limit in one place: `fn` runs once after `ms` milliseconds,
 * or never when `ms` is 0 ("no timeout"). The timer does not keep the process alive unless
 * `keepAlive` (for a caller awaiting it with nothing else pending); the caller clears it
 * (clearTimeout accepts undefined).
 */
export function startTimer(ms: number, fn: () => void, keepAlive = false): NodeJS.Timeout | undefined {
  if (ms <= 0) return undefined;
  const timer = setTimeout(fn, ms);
  if (!keepAlive) timer.unref();
  return timer;
}
