/**
 * PING both ways (RFC 9113 6.7): the ACKs we owe the peer, and our own PINGs, which measure the
 * round trip.
 *
 * Kept apart from the connection core because its state (our pings awaiting an ACK, each with
 * its own timeout) touches nothing else: no stream, no window.
 */
import { ConnectionError, ErrorCode } from './errors.js';
import { encodeFrame, type PingFrame } from './frame/index.js';
import { startTimer, type Http2Limits } from './limits.js';
import type { OutputBuffer } from './output.js';

/** What PING needs from its connection. */
export interface PingHost {
  readonly limits: Readonly<Http2Limits>;
  /** Queues an ACK the peer is owed, counted with the other control frames (output.ts). */
  queueControl(frame: Uint8Array): boolean;
  onOutput(): void;
}

interface PendingPing {
  start: number;
  resolve(ms: number): void;
  reject(err: Error): void;
  /** Undefined when pingTimeoutMs is 0. */
  timer: NodeJS.Timeout | undefined;
}

export class PingTracker {
  /** By payload: the ACK echoes it (6.7), which is how we tell our pings apart. */
  private readonly pending = new Map<string, PendingPing>();
  private sent = 0;

  constructor(
    private readonly out: OutputBuffer,
    private readonly host: PingHost,
  ) {}

  receive(f: PingFrame): void {
    if (f.ack) return this.acked(f.data);
    // 6.7: "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame
    // with the ACK flag set in response, with an identical frame payload."
    this.host.queueControl(encodeFrame({ type: 'PING', ack: true, data: f.data }));
  }

  /** Sends a PING with a payload not used before; resolves with the round trip in milliseconds. */
  send(): Promise<number> {
    const data = new Uint8Array(8);
    const n = ++this.sent;
    for (let i = 0; i < 8; i++) data[7 - i] = Math.floor(n / 2 ** (8 * i)) & 0xff;
    return new Promise<number>((resolve, reject) => {
      const ms = this.host.limits.pingTimeoutMs;
      // 0 = no timeout (limits.ts): the ping then waits for its ACK or for failAll().
      const timer = startTimer(ms, () => {
        this.pending.delete(pingKey(data));
        reject(new ConnectionError(ErrorCode.NO_ERROR, `no PING ACK within ${ms} ms`, 'library'));
      });
      this.pending.set(pingKey(data), { start: performance.now(), resolve, reject, timer });
      this.out.bytes(encodeFrame({ type: 'PING', ack: false, data }));
      this.host.onOutput();
    });
  }

  /** One we did not send (or that timed out already) is ignored. */
  private acked(data: Uint8Array): void {
    const key = pingKey(data);
    const pending = this.pending.get(key);
    if (pending === undefined) return;
    this.pending.delete(key);
    clearTimeout(pending.timer);
    pending.resolve(performance.now() - pending.start);
  }

  /** The connection closed: every ping still waiting rejects with `error`. */
  failAll(error: Error): void {
    for (const ping of this.pending.values()) {
      clearTimeout(ping.timer);
      ping.reject(error);
    }
    this.pending.clear();
  }
}

function pingKey(data: Uint8Array): string {
  let key = '';
  for (let i = 0; i < 8; i++) key += String.fromCharCode(data[i]!);
  return key;
}
