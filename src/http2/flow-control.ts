/**
 * Flow-control windows (RFC 9113 5.2, 6.9). Window arithmetic lives here and nowhere else.
 *
 * - `SendWindow`: how much the peer lets us send on one stream or on the connection. It can go
 *   negative when the peer lowers SETTINGS_INITIAL_WINDOW_SIZE (6.9.2).
 * - `RecvWindow`: how much we let the peer send. Credit goes back to the peer as the application
 *   consumes data (`release`), batched: a WINDOW_UPDATE is due once half the window is used, so a
 *   slow reader slows the sender and a fast one costs one WINDOW_UPDATE per half window.
 *
 * Both return booleans for protocol violations rather than throwing: only the caller knows
 * whether it is a stream or a connection error (6.9.1).
 */
import { MAX_WINDOW } from './frame/index.js';

export class SendWindow {
  private value: number;

  constructor(initial: number) {
    this.value = initial;
  }

  /** The window as the RFC counts it; negative after a SETTINGS decrease (6.9.2). */
  get window(): number {
    return this.value;
  }

  /** Bytes we may send now (never negative). */
  get available(): number {
    return this.value > 0 ? this.value : 0;
  }

  /** We sent `n` flow-controlled bytes (the whole DATA payload, padding included: 6.1). */
  consume(n: number): void {
    if (n > this.value) throw new RangeError(`sent ${n} bytes with a window of ${this.value}`);
    this.value -= n;
  }

  /**
   * WINDOW_UPDATE received. False when it would take the window past 2^31-1: RFC 9113 6.9.1 "A
   * sender MUST NOT allow a flow-control window to exceed 2^31-1 octets. If a sender receives a
   * WINDOW_UPDATE that causes a flow-control window to exceed this maximum, it MUST terminate
   * either the stream or the connection, as appropriate."
   */
  increase(n: number): boolean {
    if (this.value + n > MAX_WINDOW) return false;
    this.value += n;
    return true;
  }

  /**
   * The peer changed SETTINGS_INITIAL_WINDOW_SIZE by `delta` (6.9.2: "a receiver MUST adjust the
   * size of all stream flow-control windows that it maintains by the difference"). False on
   * overflow, which 6.9.2 makes a connection error FLOW_CONTROL_ERROR.
   */
  adjust(delta: number): boolean {
    if (this.value + delta > MAX_WINDOW) return false;
    this.value += delta;
    return true;
  }
}

export class RecvWindow {
  /** Credit the peer still has (what it may send before our next WINDOW_UPDATE). */
  private remaining: number;
  /** The window size we aim to keep advertising. */
  private target: number;
  /** Bytes consumed by the application and not yet given back. */
  private owed = 0;

  constructor(initial: number, target: number = initial) {
    this.remaining = initial;
    this.target = target;
  }

  /** What the peer may still send. */
  get window(): number {
    return this.remaining;
  }

  /** Bytes received and not yet released (held in buffers or waiting to be announced). */
  get unreleased(): number {
    return this.target - this.remaining - this.owed;
  }

  /**
   * The peer sent `n` flow-controlled bytes. False when that exceeds what we advertised: 6.9.1 "A
   * receiver MAY respond with a FLOW_CONTROL_ERROR if the sender exceeds the window". We always do.
   */
  receive(n: number): boolean {
    if (n > this.remaining) return false;
    this.remaining -= n;
    return true;
  }

  /**
   * The application consumed `n` bytes. Returns the WINDOW_UPDATE increment to send now, or 0 while
   * less than half the target window is owed (batching, 6.9: small updates are wasteful).
   */
  release(n: number): number {
    this.owed += n;
    if (this.owed < this.target / 2 && this.remaining > 0) return 0;
    return this.flush();
  }

  /** Whatever is owed, now (0 if nothing). */
  flush(): number {
    const increment = Math.min(this.owed, MAX_WINDOW - this.remaining);
    this.owed -= increment;
    this.remaining += increment;
    return increment;
  }

  /**
   * Our SETTINGS_INITIAL_WINDOW_SIZE change was acknowledged: the peer has moved every stream
   * window by `delta` (6.9.2), and we follow. May make `remaining` negative (6.9.2 allows it).
   */
  adjust(delta: number): void {
    this.remaining += delta;
    this.target += delta;
  }

  /** Raise the target (e.g. the connection window after the preface); returns the increment to announce. */
  grow(to: number): number {
    if (to <= this.target) return 0;
    const increment = to - this.target;
    this.target = to;
    this.remaining += increment;
    return increment;
  }
}
