/**
 * The only code that does I/O on the Transport.
 *
 * - Read loop: each chunk from `transport.read()` goes to `Connection.receive`. When our own
 *   unflushed output grows past `maxOutputBufferBytes` (a peer sending requests or PINGs but not
 *   reading the answers), reading pauses until the output drains: memory stays bounded and TCP
 *   pushes back on the peer.
 * - Write loop: output is coalesced and written once per event-loop turn (setImmediate), one
 *   `transport.write` per batch, and the next batch only after the previous write resolved, so
 *   the transport's backpressure reaches the streams (DATA is only pulled from them when a batch
 *   is cut).
 * - Close: after the connection says it is done, pending output (GOAWAY) is flushed and the
 *   transport closed, bounded by `closeTimeoutMs`; a write that never completes for
 *   `sendStallTimeoutMs` destroys the transport.
 */
import type { Connection } from './connection.js';
import type { CloseHow } from './connection-hooks.js';
import { ConnectionError, ErrorCode, type Http2Error } from './errors.js';
import { startTimer } from './limits.js';
import { ConnectionLostError } from './session-errors.js';
import type { Transport } from '../transport.js';

export class Driver {
  private conn!: Connection;
  private writing = false;
  private scheduled = false;
  private closing: CloseHow | null = null;
  private transportClosed = false;
  private drainWaiter: (() => void) | null = null;
  private writeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly transport: Transport,
    private readonly closeTimeoutMs: number,
    private readonly writeStallTimeoutMs: number,
  ) {}

  attach(conn: Connection): void {
    this.conn = conn;
  }

  /** Writes the preface and starts reading. */
  start(): void {
    this.conn.start();
    void this.readLoop();
  }

  /** Connection hook: there is output. */
  readonly wake = (): void => {
    if (this.scheduled || this.writing || this.transportClosed) return;
    this.scheduled = true;
    setImmediate(this.flush);
  };

  /** Connection hook: the connection is finished. */
  onConnectionClosed(how: CloseHow): void {
    this.closing = how;
    this.releaseReader();
    if (how === 'destroyed') {
      this.finishTransport(true);
      return;
    }
    if (how === 'transport') {
      this.finishTransport(false);
      return;
    }
    this.wake();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.writing || this.transportClosed) return;
    let batch: Uint8Array | null;
    try {
      batch = this.conn.takeOutput();
    } catch (err) {
      // A bug, not the peer: never let it escape a setImmediate or a promise callback.
      this.conn.destroy(new ConnectionLostError('internal error while writing', 'library', err));
      this.finishTransport(true);
      return;
    }
    this.releaseReader();
    if (batch === null) {
      if (this.closing !== null) this.finishTransport(false);
      return;
    }
    this.writing = true;
    if (this.writeTimer === undefined) this.writeTimer = startTimer(this.writeStallTimeoutMs, this.onWriteStall);
    else this.writeTimer.refresh();
    this.transport.write(batch).then(this.onWritten, this.onWriteError);
  };

  private readonly onWritten = (): void => {
    this.writing = false;
    // Keep the pipe full: whatever accumulated during the write goes now.
    this.flush();
    if (!this.writing) {
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
    }
  };

  private readonly onWriteError = (err: unknown): void => {
    this.writing = false;
    clearTimeout(this.writeTimer);
    this.conn.onTransportEnd(new ConnectionLostError('writing to the transport failed', 'remote', err));
    this.finishTransport(true);
  };

  private readonly onWriteStall = (): void => {
    this.writeTimer = undefined;
    if (!this.writing) return;
    const err = new ConnectionLostError(`the peer read nothing for ${this.writeStallTimeoutMs} ms`, 'library');
    this.conn.destroy(err);
    this.finishTransport(true);
  };

  private releaseReader(): void {
    const waiter = this.drainWaiter;
    if (waiter !== null && (!this.conn.backlogged || this.conn.closed)) {
      this.drainWaiter = null;
      waiter();
    }
  }

  private async readLoop(): Promise<void> {
    const t = this.transport;
    try {
      for (;;) {
        const chunk = await t.read();
        if (chunk === null) {
          this.conn.onTransportEnd(this.peerClosedError());
          return;
        }
        this.conn.receive(chunk);
        if (this.conn.closed) return;
        if (this.conn.backlogged) {
          await new Promise<void>((resolve) => (this.drainWaiter = resolve));
          if (this.conn.closed) return;
        }
      }
    } catch (err) {
      try {
        this.conn.onTransportEnd(new ConnectionLostError('reading from the transport failed', 'remote', err));
      } catch {
        // listeners never throw; if one does, the connection is closed already
      }
    }
  }

  /** The error streams see when the peer ends the connection under them. */
  private peerClosedError(): Http2Error {
    const goaway = this.conn.goawayReceived;
    if (goaway !== null && goaway.errorCode !== ErrorCode.NO_ERROR) {
      return new ConnectionError(goaway.errorCode, `connection closed by the peer after GOAWAY`, 'remote');
    }
    return new ConnectionLostError('the peer closed the connection', 'remote');
  }

  private finishTransport(destroy: boolean): void {
    if (this.transportClosed) return;
    this.transportClosed = true;
    clearTimeout(this.writeTimer);
    const t = this.transport;
    if (destroy) {
      t.destroy(this.conn.closeError ?? undefined);
      return;
    }
    const timer = startTimer(this.closeTimeoutMs, () => t.destroy());
    t.close().then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }
}
