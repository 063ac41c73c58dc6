/**
 * Counting abusive patterns over time (RFC 9113 10.5: "An endpoint MAY treat activity that is
 * suspicious as a connection error ... of type ENHANCE_YOUR_CALM"). A fixed window: cheap, one
 * clock read per event, and precise enough to tell an attack (thousands per second) from a
 * browser cancelling a few navigations.
 */
import { ConnectionError, ErrorCode } from './errors.js';
import type { Http2Limits } from './limits.js';

export class RateCounter {
  private count = 0;
  private windowStart = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records one event; true once more than `limit` happened within the current window. */
  hit(now: number = performance.now()): boolean {
    if (now - this.windowStart > this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    return ++this.count > this.limit;
  }
}

/**
 * The two floods a connection counts, shared by every receive handler (a stream refused while
 * opening and one reset by the peer are the same attack): past its limit each one throws
 * ENHANCE_YOUR_CALM, which the connection turns into GOAWAY like any other connection error.
 */
export class FloodGuard {
  private readonly resets: RateCounter;
  private readonly empties: RateCounter;

  constructor(limits: Pick<Http2Limits, 'maxResetStreamsPerWindow' | 'maxEmptyFramesPerWindow' | 'floodWindowMs'>) {
    this.resets = new RateCounter(limits.maxResetStreamsPerWindow, limits.floodWindowMs);
    this.empties = new RateCounter(limits.maxEmptyFramesPerWindow, limits.floodWindowMs);
  }

  /**
   * CVE-2023-44487 ("rapid reset"): a client opening streams and resetting them before we could
   * answer costs us work and it nothing. Refusals count too.
   */
  countReset(): void {
    if (this.resets.hit()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'too many streams reset or refused before completion (CVE-2023-44487)');
    }
  }

  /** A frame that carries nothing and ends nothing: free to send, not free to process. */
  countEmpty(what: string): void {
    if (this.empties.hit()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `flood of empty ${what} frames (RFC 9113 10.5)`);
    }
  }
}
