/**
 * Receiving field blocks: HEADERS, PUSH_PROMISE and CONTINUATION (RFC 9113 6.2, 6.6, 6.10)
 * assembled, decoded, and turned into what they mean for a stream: a new request (server), a
 * response head, trailers, or a promised stream (client).
 *
 * This is where streams are opened by the peer, so it carries the opening rules: stream ids
 * (5.1.1), the concurrency limit we advertised (5.1.2), GOAWAY's cut-off (6.8), and the header
 * list limit answered with 431 (10.5.1). It stands apart from the connection core because these
 * rules are about messages, not about the connection's lifecycle; like every handler, it only
 * throws, and asks the connection to create, move or reset streams.
 */
import { InboundBody } from './body.js';
import type { ConnectionHooks } from './connection-hooks.js';
import { ConnectionError, ErrorCode, StreamError, type Http2Error } from './errors.js';
import { FieldBlockAssembler, decodeFieldBlock } from './field-block.js';
import type { FloodGuard } from './flood.js';
import type { ContinuationFrame, HeadersFrame, PushPromiseFrame } from './frame/index.js';
import { validateRequest, validateResponse, validateTrailers, type RequestHead } from './headers.js';
import type { HeaderField, HpackDecoder } from './hpack/index.js';
import type { Http2Limits } from './limits.js';
import type { StreamReceiver } from './recv-stream.js';
import type { LocalSettings } from './settings.js';
import type { Stream } from './stream.js';
import { canReceive, nextState, transitionError, type StreamEvent } from './stream-state.js';
import type { StreamStore } from './streams.js';

/** What the field-block handlers need from their connection. */
export interface HeaderRecvHost {
  readonly role: 'client' | 'server';
  readonly limits: Readonly<Http2Limits>;
  readonly streams: StreamStore;
  /** Our advertised limits, enforced from the moment we send them (settings.ts). */
  readonly localSettings: LocalSettings;
  readonly flood: FloodGuard;
  /** True once our GOAWAY went out. */
  goawaySent(): boolean;
  /** Starts tracking a stream the peer opens or reserves. */
  newRemoteStream(id: number): Stream;
  transition(s: Stream, event: StreamEvent): void;
  sendHeaders(s: Stream, fields: HeaderField[], endStream: boolean): void;
  resetStream(id: number, code: number, err: Http2Error): void;
  /** Told of each new request; asked whether it takes each promised stream (refused: CANCEL). */
  readonly hooks: Pick<ConnectionHooks, 'onRequest' | 'onPushPromise'>;
}

export class HeaderReceiver {
  private readonly blocks: FieldBlockAssembler;

  /** `streamRecv`: END_STREAM and the rules for streams we no longer track are shared with DATA. */
  constructor(
    private readonly decoder: HpackDecoder,
    private readonly streamRecv: StreamReceiver,
    private readonly host: HeaderRecvHost,
  ) {
    this.blocks = new FieldBlockAssembler(host.limits.maxHeaderBlockBytes, host.limits.maxContinuationFrames);
  }

  /** The stream whose field block awaits CONTINUATION, or -1: no other frame may come in between (4.3). */
  get inProgress(): number {
    return this.blocks.inProgress;
  }

  headers(f: HeadersFrame): void {
    if (f.headerBlock.length === 0 && !f.endStream) this.host.flood.countEmpty('HEADERS');
    if (f.endHeaders) return this.fieldBlock(f.streamId, -1, f.headerBlock, f.endStream);
    this.blocks.start(f.streamId, -1, f.headerBlock, f.endStream);
  }

  pushPromise(f: PushPromiseFrame): void {
    // 8.4: "A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE frame as
    // a connection error ... of type PROTOCOL_ERROR."
    if (this.host.role === 'server') throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE sent by a client (RFC 9113 8.4)');
    // 6.6: "A receiver MUST treat the receipt of a PUSH_PROMISE frame [after setting
    // SETTINGS_ENABLE_PUSH to 0] as a connection error ... of type PROTOCOL_ERROR."
    if (!this.host.localSettings.latest.enablePush) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0 (RFC 9113 6.6)');
    }
    if (f.endHeaders) return this.fieldBlock(f.streamId, f.promisedStreamId, f.headerBlock, false);
    this.blocks.start(f.streamId, f.promisedStreamId, f.headerBlock, false);
  }

  continuation(f: ContinuationFrame): void {
    if (f.headerBlock.length === 0 && !f.endHeaders) this.host.flood.countEmpty('CONTINUATION');
    const done = this.blocks.continue(f.streamId, f.headerBlock, f.endHeaders);
    if (done !== null) this.fieldBlock(done.streamId, done.promisedId, done.block, done.endStream);
  }

  /** A complete block: decoded first whatever becomes of it, since HPACK state is per connection (4.3). */
  private fieldBlock(id: number, promisedId: number, block: Uint8Array, endStream: boolean): void {
    const { streams } = this.host;
    const { fields, tooLarge } = decodeFieldBlock(this.decoder, block);
    if (promisedId >= 0) return this.promise(id, promisedId, fields, tooLarge);
    const s = streams.get(id);
    if (s !== undefined) return this.headersForStream(s, fields, endStream, tooLarge);
    if (streams.isLocalId(id) || !streams.isIdle(id)) return this.streamRecv.frameForUnknownStream(id, 'HEADERS');
    if (this.host.role === 'client') {
      // 5.1 / 8.4: a server opens streams only by promising them; HEADERS on an idle even stream.
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on idle stream ${id} that was never promised (RFC 9113 5.1)`);
    }
    this.newRequest(id, fields, endStream, tooLarge);
  }

  /** Server: HEADERS opening stream `id` (5.1 idle -> open). */
  private newRequest(id: number, fields: HeaderField[], endStream: boolean, tooLarge: boolean): void {
    const host = this.host;
    // 5.1.1: opening `id` closes every idle stream below it.
    host.streams.lastRemoteId = id;
    if (host.goawaySent()) {
      // 6.8: "the sender will ignore frames sent on streams initiated by the receiver if the
      // stream has an identifier higher than the included last stream identifier".
      host.streams.rememberClosed(id, 'reset-by-us');
      return;
    }
    // 5.1.2: "An endpoint that receives a HEADERS frame that causes its advertised concurrent
    // stream limit to be exceeded MUST treat this as a stream error ... of type PROTOCOL_ERROR or
    // REFUSED_STREAM." REFUSED_STREAM: safe to retry (8.7). Refusals count as rapid resets.
    if (host.streams.activeRemote >= host.localSettings.latest.maxConcurrentStreams) {
      host.flood.countReset();
      throw new StreamError(id, ErrorCode.REFUSED_STREAM, `more than ${host.localSettings.latest.maxConcurrentStreams} concurrent streams (RFC 9113 5.1.2)`);
    }
    const s = host.newRemoteStream(id);
    host.transition(s, 'recv-headers');
    if (tooLarge) {
      // 10.5.1: "A server that receives a larger field block than it is willing to handle can
      // send an HTTP 431 (Request Header Fields Too Large) status code". HPACK stays in sync.
      if (endStream) host.transition(s, 'recv-end-stream');
      host.sendHeaders(s, [{ name: ':status', value: '431' }], true);
      if (s.state !== 'closed') host.resetStream(id, ErrorCode.NO_ERROR, new StreamError(id, ErrorCode.NO_ERROR, 'request header list too large'));
      return;
    }
    const head = validateRequest(id, fields);
    s.expectedLength = head.contentLength;
    s.headBlocks = 1;
    if (endStream) {
      this.streamRecv.remoteEnd(s);
    } else {
      s.body = new InboundBody(s);
    }
    host.hooks.onRequest?.(s, head, fields, endStream);
  }

  /** HEADERS on a stream we track: a response (client), or trailers (both). */
  private headersForStream(s: Stream, fields: HeaderField[], endStream: boolean, tooLarge: boolean): void {
    const host = this.host;
    const cell = nextState(s.state, 'recv-headers');
    if (typeof cell !== 'string') throw transitionError(s.id, cell);
    if (tooLarge) throw new StreamError(s.id, ErrorCode.CANCEL, `header list over our limit of ${this.decoder.maxHeaderListSize} octets (RFC 9113 10.5.1)`);
    if (host.role === 'client' && s.headBlocks === 0) {
      const head = validateResponse(s.id, fields, endStream);
      host.transition(s, 'recv-headers');
      if (head.status < 200) {
        s.listener?.onResponseHeaders(head, fields, false);
        return;
      }
      s.headBlocks = 1;
      // 8.1.1: responses to HEAD, 204 and 304 have no content whatever content-length says.
      s.expectedLength = s.headRequest || head.status === 204 || head.status === 304 ? -1 : head.contentLength;
      if (!endStream) s.body = new InboundBody(s);
      s.listener?.onResponseHeaders(head, fields, endStream);
      if (endStream) this.streamRecv.remoteEnd(s);
      return;
    }
    // 8.1: "An endpoint that receives a HEADERS frame without the END_STREAM flag set after
    // receiving the HEADERS frame that opens a request or after receiving a final
    // (non-informational) status code MUST treat the corresponding request or response as malformed".
    if (!endStream) throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, 'second HEADERS without END_STREAM (RFC 9113 8.1)');
    validateTrailers(s.id, fields);
    host.transition(s, 'recv-headers');
    s.headBlocks = 2;
    s.listener?.onTrailers(fields);
    this.streamRecv.remoteEnd(s);
  }

  /** Client: a complete PUSH_PROMISE (6.6, 8.4). */
  private promise(parentId: number, promisedId: number, fields: HeaderField[], tooLarge: boolean): void {
    const host = this.host;
    const { streams } = host;
    // 6.6: the promised id "MUST be a valid choice for the next stream identifier"; else connection PROTOCOL_ERROR.
    if (streams.isLocalId(promisedId) || !streams.isIdle(promisedId)) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE promises stream ${promisedId}, which is not a valid new server stream (RFC 9113 6.6)`);
    }
    const parent = streams.get(parentId);
    if (parent === undefined) {
      if (streams.isIdle(parentId) || streams.closedHow(parentId) !== 'reset-by-us') {
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${parentId}, which is not open (RFC 9113 6.6)`);
      }
    } else if (!canReceive(parent.state) || !parent.local) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${parentId} in state ${parent.state} (RFC 9113 6.6)`);
    }
    streams.lastRemoteId = promisedId;
    const s = host.newRemoteStream(promisedId);
    host.transition(s, 'recv-push-promise');
    if (parent === undefined) {
      // 5.1 closed: the promise on a stream we reset still reserves the stream; refuse it.
      throw new StreamError(promisedId, ErrorCode.CANCEL, 'push on a stream we reset');
    }
    // 8.4: "If a client receives a PUSH_PROMISE that does not include a complete and valid set of
    // header fields or the :method pseudo-header field identifies a method that is not safe, it
    // MUST respond on the promised stream with a stream error ... of type PROTOCOL_ERROR."
    if (tooLarge) throw new StreamError(promisedId, ErrorCode.PROTOCOL_ERROR, 'promised request header list too large');
    const head = validateRequest(promisedId, fields);
    if (head.method !== 'GET' && head.method !== 'HEAD') {
      throw new StreamError(promisedId, ErrorCode.PROTOCOL_ERROR, `promised request with unsafe method ${head.method} (RFC 9113 8.4)`);
    }
    s.headRequest = head.method === 'HEAD';
    const accepted = host.hooks.onPushPromise?.(parent, s, head, fields) ?? false;
    if (!accepted) host.resetStream(promisedId, ErrorCode.CANCEL, new StreamError(promisedId, ErrorCode.CANCEL, 'push not wanted', 'user'));
  }
}
