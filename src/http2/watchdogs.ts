/**
 * Two timers that bound what a quiet or stingy peer can cost us, both local policy the peer never
 * sees (limits.ts):
 * - idle: no stream for `idleTimeoutMs` and the connection shuts down gracefully;
 * - send stall: a stream whose data has waited `sendStallTimeoutMs` for flow-control window is
 *   cancelled, so a peer that never opens its window holds the stream for bounded time.
 *
 * Apart from the connection core because they only watch; what they decide (shutdown, cancel) is
 * done by the connection, and anything that throws goes through its error handling.
 */
import { ErrorCode, StreamError, type Http2Error } from './errors.js';
import type { SendWindow } from './flow-control.js';
import { startTimer, type Http2Limits } from './limits.js';
import type { Stream } from './stream.js';
import type { StreamStore } from './streams.js';

/** What the watchdogs need from their connection. */
export interface WatchdogHost {
  readonly limits: Readonly<Http2Limits>;
  readonly streams: StreamStore;
  connectionState(): 'open' | 'draining' | 'closed';
  /** Runs a timer's work so that what it throws becomes GOAWAY or RST_STREAM. */
  safely(fn: () => void): void;
  shutdown(): void;
  cancelStream(s: Stream, code: number, err: Http2Error): void;
}

export class Watchdogs {
  private idleTimer: NodeJS.Timeout | undefined;
  private idleSince = 0;
  private stallTimer: NodeJS.Timeout | undefined;

  /** `connectionWindow`: a stream is blocked when either its own send window or this one is shut. */
  constructor(
    private readonly connectionWindow: SendWindow,
    private readonly host: WatchdogHost,
  ) {}

  /** Starts whichever of the two is configured (0 = off). */
  start(): void {
    const { sendStallTimeoutMs, idleTimeoutMs } = this.host.limits;
    if (sendStallTimeoutMs > 0) {
      // One sweep over all streams, four times per limit (at least 250 ms apart): cancelling a
      // little late is fine, a timer per stream is not.
      this.stallTimer = setInterval(() => this.host.safely(() => this.checkStalls()), Math.max(250, Math.floor(sendStallTimeoutMs / 4)));
      this.stallTimer.unref();
    }
    if (idleTimeoutMs > 0) this.armIdle();
  }

  /** The last stream just closed: idle time counts from now. */
  markIdle(): void {
    this.idleSince = performance.now();
  }

  /** The connection closed. */
  stop(): void {
    clearTimeout(this.idleTimer);
    clearInterval(this.stallTimer);
  }

  private checkStalls(): void {
    const host = this.host;
    if (host.connectionState() === 'closed') return;
    const now = performance.now();
    const limit = host.limits.sendStallTimeoutMs;
    // A copy: cancelling removes streams from the store.
    for (const s of [...host.streams.values()]) {
      const blocked = s.queuedBytes > 0 && (s.sendWindow.available === 0 || this.connectionWindow.available === 0);
      if (!blocked) {
        s.blockedSince = 0;
      } else if (s.blockedSince === 0) {
        s.blockedSince = now;
      } else if (now - s.blockedSince >= limit) {
        host.cancelStream(s, ErrorCode.CANCEL, new StreamError(s.id, ErrorCode.CANCEL, `no flow-control window for ${limit} ms`, 'library'));
      }
    }
  }

  /** One timer that re-arms itself when it fires early, so a closing stream only moves `idleSince`. */
  private armIdle(): void {
    const host = this.host;
    const ms = host.limits.idleTimeoutMs;
    this.idleSince = performance.now();
    const check = (): void => {
      if (host.connectionState() !== 'open') return;
      const idleFor = performance.now() - this.idleSince;
      if (host.streams.size === 0 && idleFor >= ms) {
        host.safely(() => host.shutdown());
        return;
      }
      this.idleTimer = startTimer(host.streams.size === 0 ? ms - idleFor : ms, check);
    };
    this.idleTimer = startTimer(ms, check);
  }
}
