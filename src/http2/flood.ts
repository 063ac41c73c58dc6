/**
 * Counting abusive patterns over time (RFC 9113 10.5: "An endpoint MAY treat activity that is
 * suspicious as a connection error ... of type ENHANCE_YOUR_CALM"). A fixed window: cheap, one
 * clock read per event, and precise enough to tell an attack (thousands per second) from a
 * browser cancelling a few navigations.
 */
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
