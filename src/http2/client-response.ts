/**
 * Responses as the client's user sees them: `ClientResponse` (status, headers, body, trailers),
 * and server push (RFC 9113 8.4): `PushedResponse`, and `PushExchange`, the listener that turns a
 * promised stream into one. The request side of an exchange is client-exchange.ts.
 */
import { InboundBody } from './body.js';
import type { Http2Error } from './errors.js';
import { fieldsToRecord, trailersToRecord, type IncomingHeaders, type ResponseHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import type { Stream, StreamListener } from './stream.js';

export interface PushedResponse {
  readonly associatedStreamId: number;
  readonly streamId: number;
  readonly request: { method: string; path: string; authority: string; headers: IncomingHeaders };
  readonly response: Promise<ClientResponse>;
  cancel(): void;
}

/** The trailers of a response that ended with its head: none. */
export const DONE_TRAILERS: Promise<Record<string, string>> = Promise.resolve({});

export class ClientResponse {
  private headersCache: IncomingHeaders | undefined;

  constructor(
    readonly status: number,
    readonly rawHeaders: readonly HeaderField[],
    readonly body: InboundBody,
    readonly trailers: Promise<Record<string, string>>,
    readonly streamId: number,
  ) {}

  get headers(): IncomingHeaders {
    return (this.headersCache ??= fieldsToRecord(this.rawHeaders));
  }

  bytes(): Promise<Uint8Array> {
    return this.body.bytes();
  }

  text(): Promise<string> {
    return this.body.text();
  }

  json(): Promise<unknown> {
    return this.body.json();
  }

  /** Not interested in the rest: RST_STREAM CANCEL. */
  cancel(): void {
    this.body.cancel();
  }
}

/** A stream the server promised (8.4), as the user sees it. */
export class PushExchange implements StreamListener {
  readonly promise: Promise<ClientResponse>;
  private resolve!: (r: ClientResponse) => void;
  private reject!: (e: Error) => void;
  private settled = false;
  private trailerSettle: { resolve(t: Record<string, string>): void; reject(e: Error): void } | null = null;

  constructor(private readonly stream: Stream) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => {});
  }

  onResponseHeaders(head: ResponseHead, fields: HeaderField[], endStream: boolean): void {
    if (head.status < 200) return;
    const trailers = endStream ? DONE_TRAILERS : new Promise<Record<string, string>>((resolve, reject) => (this.trailerSettle = { resolve, reject }));
    trailers.catch(() => {});
    this.settled = true;
    this.resolve(new ClientResponse(head.status, fields, this.stream.body ?? InboundBody.empty(), trailers, this.stream.id));
  }

  onTrailers(fields: HeaderField[]): void {
    this.trailerSettle?.resolve(trailersToRecord(fields));
    this.trailerSettle = null;
  }

  onRemoteEnd(): void {
    this.trailerSettle?.resolve({});
    this.trailerSettle = null;
  }

  onLocalEnd(): void {}

  onClose(error: Http2Error | null): void {
    if (error === null) return;
    this.trailerSettle?.reject(error);
    this.trailerSettle = null;
    if (!this.settled) this.reject(error);
    this.settled = true;
  }
}
