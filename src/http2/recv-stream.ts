/**
 * Receiving on a stream, field blocks aside: DATA (RFC 9113 6.1) with the content-length check
 * (8.1.1) and END_STREAM, RST_STREAM (6.4), WINDOW_UPDATE (6.9), and the rule for frames on
 * streams we no longer track (5.1). With DATA comes the receive side of flow control: the
 * connection window every DATA frame is charged to, and the WINDOW_UPDATEs that hand credit back
 * as the application reads its bodies (so this is every stream's StreamOwner; the arithmetic
 * itself is flow-control.ts).
 *
 * Apart from the connection core so that the per-frame rules read on their own. Handlers throw
 * StreamError / ConnectionError for the connection to turn into frames, and move or cancel
 * streams only through it.
 */
import { ConnectionError, ErrorCode, StreamError, type Http2Error } from './errors.js';
import { RecvWindow } from './flow-control.js';
import type { FloodGuard } from './flood.js';
import { encodeFrame, type DataFrame, type RstStreamFrame, type WindowUpdateFrame } from './frame/index.js';
import type { OutputBuffer } from './output.js';
import type { Sender } from './send.js';
import type { Stream, StreamOwner } from './stream.js';
import { canReceive, canSend, nextState, transitionError, type StreamEvent } from './stream-state.js';
import type { StreamStore } from './streams.js';

/** What the stream-frame handlers need from their connection. */
export interface StreamRecvHost {
  readonly role: 'client' | 'server';
  readonly streams: StreamStore;
  readonly flood: FloodGuard;
  connectionState(): 'open' | 'draining' | 'closed';
  transition(s: Stream, event: StreamEvent): void;
  cancelStream(s: Stream, code: number, err: Http2Error): void;
  onOutput(): void;
}

export class StreamReceiver implements StreamOwner {
  /** 6.9.1: what the peer may still send on the connection as a whole. */
  private readonly connWindow = new RecvWindow(65535);

  /** `sender` holds the send windows WINDOW_UPDATE opens, and the scheduler it may wake. */
  constructor(
    private readonly out: OutputBuffer,
    private readonly sender: Sender,
    private readonly host: StreamRecvHost,
  ) {}

  /** For the preface: raises the connection window to `size` with a WINDOW_UPDATE (none if it stays 65535). */
  openConnectionWindow(size: number): void {
    const increment = this.connWindow.grow(size);
    if (increment > 0) this.out.bytes(encodeFrame({ type: 'WINDOW_UPDATE', streamId: 0, increment }));
  }

  // ---- DATA (6.1) ----

  data(f: DataFrame): void {
    const length = f.flowControlledLength;
    // 6.9.1: the connection window is charged whatever happens to the stream (5.1 "closed",
    // 6.8: "DATA frames MUST be counted toward the connection flow-control window").
    if (!this.connWindow.receive(length)) {
      throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `DATA of ${length} octets exceeds the connection window (RFC 9113 6.9.1)`);
    }
    const s = this.host.streams.get(f.streamId);
    if (s === undefined) {
      this.releaseConnection(length);
      return this.frameForUnknownStream(f.streamId, 'DATA');
    }
    const cell = nextState(s.state, 'recv-data');
    if (typeof cell !== 'string') {
      this.releaseConnection(length);
      throw transitionError(s.id, cell);
    }
    if (!s.recvWindow.receive(length)) {
      this.releaseConnection(length);
      throw new StreamError(s.id, ErrorCode.FLOW_CONTROL_ERROR, `DATA of ${length} octets exceeds the stream window (RFC 9113 6.9.1)`);
    }
    if (s.headBlocks !== 1) {
      // 8.1: a message is HEADERS, then DATA, then optional trailers; DATA before the (final)
      // head or after the trailers makes it malformed (8.1.1).
      this.releaseUndelivered(s, length);
      throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, 'DATA before the message head (RFC 9113 8.1)');
    }
    const data = f.data;
    const n = data.length;
    if (length > n) this.releaseUndelivered(s, length - n);
    if (n === 0 && !f.endStream) this.host.flood.countEmpty('DATA');
    s.receivedLength += n;
    if (s.expectedLength >= 0 && s.receivedLength > s.expectedLength) {
      this.releaseConnection(n);
      throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, `more DATA than content-length ${s.expectedLength} (RFC 9113 8.1.1)`);
    }
    if (n > 0) {
      s.connHeld += n;
      if (s.body !== null) s.body.push(data);
      else this.releaseReceived(s, n); // nobody reads it: give the credit straight back
    }
    if (f.endStream) this.remoteEnd(s);
  }

  /** END_STREAM received on HEADERS or DATA. */
  remoteEnd(s: Stream): void {
    // 8.1.1: malformed "if the value of a content-length header field does not equal the sum of
    // the DATA frame payload lengths".
    if (s.expectedLength >= 0 && s.receivedLength !== s.expectedLength) {
      throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, `content-length ${s.expectedLength} but ${s.receivedLength} octets of DATA (RFC 9113 8.1.1)`);
    }
    s.body?.end();
    s.listener?.onRemoteEnd();
    this.host.transition(s, 'recv-end-stream');
  }

  /** A frame for a stream we do not track: idle (error) or closed (5.1). */
  frameForUnknownStream(id: number, kind: 'DATA' | 'HEADERS' | 'WINDOW_UPDATE' | 'RST_STREAM'): void {
    const { streams } = this.host;
    if (streams.isIdle(id)) {
      // 5.1 idle: "Receiving any frame other than HEADERS or PRIORITY on a stream in this state
      // MUST be treated as a connection error ... of type PROTOCOL_ERROR." (6.4, 6.9 likewise.)
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${kind} on idle stream ${id} (RFC 9113 5.1)`);
    }
    const how = streams.closedHow(id);
    // 5.1 closed, after we sent RST_STREAM: "An endpoint MUST minimally process and then discard
    // any frames it receives in this state." WINDOW_UPDATE / RST_STREAM may always trail a close.
    if (how === 'reset-by-us' || kind === 'WINDOW_UPDATE' || kind === 'RST_STREAM') return;
    if (kind === 'DATA') {
      // 6.1: "If a DATA frame is received whose stream is not in the open or half-closed (local)
      // state, the recipient MUST respond with a stream error ... of type STREAM_CLOSED."
      throw new StreamError(id, ErrorCode.STREAM_CLOSED, 'DATA on a closed stream (RFC 9113 6.1)');
    }
    if (how === 'closed') {
      throw new ConnectionError(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id} (RFC 9113 5.1)`);
    }
    // Skipped over or closed long ago: 5.1.1 "An endpoint that receives an unexpected stream
    // identifier MUST respond with a connection error ... of type PROTOCOL_ERROR."
    throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${id}, which is not new (RFC 9113 5.1.1)`);
  }

  // ---- RST_STREAM (6.4) ----

  rstStream(f: RstStreamFrame): void {
    const s = this.host.streams.get(f.streamId);
    if (s === undefined) return this.frameForUnknownStream(f.streamId, 'RST_STREAM');
    // Only a peer's stream we have not answered yet counts toward the rapid-reset limit.
    if (this.host.role === 'server' && !s.local && canSend(s.state)) this.host.flood.countReset();
    s.error ??= new StreamError(s.id, f.errorCode, 'stream reset by peer', 'remote');
    this.host.transition(s, 'recv-rst');
  }

  // ---- WINDOW_UPDATE (6.9) ----

  windowUpdate(f: WindowUpdateFrame): void {
    const sender = this.sender;
    if (f.streamId === 0) {
      if (!sender.window.increase(f.increment)) {
        throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'WINDOW_UPDATE overflows the connection window (RFC 9113 6.9.1)');
      }
      if (sender.hasReady) this.host.onOutput();
      return;
    }
    const s = this.host.streams.get(f.streamId);
    if (s === undefined) return this.frameForUnknownStream(f.streamId, 'WINDOW_UPDATE');
    const cell = nextState(s.state, 'recv-window-update');
    if (typeof cell !== 'string') throw transitionError(s.id, cell);
    if (!s.sendWindow.increase(f.increment)) {
      throw new StreamError(s.id, ErrorCode.FLOW_CONTROL_ERROR, 'WINDOW_UPDATE overflows the stream window (RFC 9113 6.9.1)');
    }
    sender.schedule(s);
  }

  // ---- the application's side of the body ----

  /** StreamOwner: the application consumed `bytes` of this stream's body; both windows get them back. */
  releaseReceived(s: Stream, bytes: number): void {
    if (this.host.connectionState() === 'closed') return;
    const held = Math.min(bytes, s.connHeld);
    if (held > 0) {
      s.connHeld -= held;
      this.releaseConnection(held);
    }
    if (canReceive(s.state)) {
      const increment = s.recvWindow.release(bytes);
      if (increment > 0) this.writeWindowUpdate(s.id, increment);
    }
  }

  /** StreamOwner: the reader gave up. A client cancels the stream; a server just stops buffering. */
  onBodyCancelled(s: Stream): void {
    if (this.host.role === 'client') {
      this.host.cancelStream(s, ErrorCode.CANCEL, new StreamError(s.id, ErrorCode.CANCEL, 'response body cancelled', 'user'));
      return;
    }
    s.body = null;
  }

  // ---- credit back to the peer ----

  /** Connection-level credit only: DATA its stream will not take, bytes a closed stream still held. */
  releaseConnection(bytes: number): void {
    const increment = this.connWindow.release(bytes);
    if (increment > 0) this.writeWindowUpdate(0, increment);
  }

  /** Bytes that will never reach a body (padding, DATA of a malformed message): credit back at once. */
  private releaseUndelivered(s: Stream, bytes: number): void {
    this.releaseConnection(bytes);
    const increment = s.recvWindow.release(bytes);
    if (increment > 0 && canReceive(s.state)) this.writeWindowUpdate(s.id, increment);
  }

  private writeWindowUpdate(streamId: number, increment: number): void {
    this.out.bytes(encodeFrame({ type: 'WINDOW_UPDATE', streamId, increment }));
    this.host.onOutput();
  }
}
