/**
 * `H2Request`: an HTTP/2 request as a handler sees it (the `ServerRequest` of handler.ts): the
 * validated head, the body as it arrives, the trailers, and an abort signal for when the stream
 * is reset or the connection is lost. Its response is server-response.ts; it tells this one what
 * happens on the stream.
 */
import { InboundBody } from './body.js';
import type { ServerRequest } from './handler.js';
import { fieldsToRecord, trailersToRecord, type IncomingHeaders, type RequestHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import type { HandshakeInfo } from '../transport.js';

const noop = (): void => {};

export class H2Request implements ServerRequest {
  readonly httpVersion = '2' as const;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  /** The client sent `Expect: 100-continue` and a body is to follow: it may wait for a 100 before sending it. */
  readonly expectsContinue: boolean;
  private headersCache: IncomingHeaders | undefined;
  private readonly bodyRef: InboundBody;
  private controller: AbortController | undefined;
  private failure: Error | null = null;
  private remoteEnded: boolean;
  private trailerFields: HeaderField[] | null = null;
  private trailersPromise: Promise<Record<string, string>> | undefined;
  private trailerSettle: { resolve(t: Record<string, string>): void; reject(e: Error): void } | null = null;

  constructor(
    readonly streamId: number,
    head: RequestHead,
    readonly rawHeaders: readonly HeaderField[],
    body: InboundBody | null,
    readonly transportInfo: HandshakeInfo,
    readonly remoteAddress: string,
    endStream: boolean,
  ) {
    this.method = head.method;
    this.path = head.path ?? '';
    this.authority = head.authority ?? '';
    this.scheme = head.scheme ?? '';
    this.bodyRef = body ?? InboundBody.empty();
    this.remoteEnded = endStream;
    this.expectsContinue = !endStream && expects100Continue(rawHeaders);
  }

  get headers(): IncomingHeaders {
    return (this.headersCache ??= fieldsToRecord(this.rawHeaders));
  }

  get body(): InboundBody {
    return this.bodyRef;
  }

  bytes(): Promise<Uint8Array> {
    return this.bodyRef.bytes();
  }

  text(): Promise<string> {
    return this.bodyRef.text();
  }

  json(): Promise<unknown> {
    return this.bodyRef.json();
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.failure !== null) this.controller.abort(this.failure);
    }
    return this.controller.signal;
  }

  get trailers(): Promise<Record<string, string>> {
    if (this.trailersPromise === undefined) {
      if (this.trailerFields !== null) this.trailersPromise = Promise.resolve(trailersToRecord(this.trailerFields));
      else if (this.remoteEnded) this.trailersPromise = Promise.resolve({});
      else if (this.failure !== null) this.trailersPromise = Promise.reject(this.failure);
      else this.trailersPromise = new Promise((resolve, reject) => (this.trailerSettle = { resolve, reject }));
      this.trailersPromise.catch(noop);
    }
    return this.trailersPromise;
  }

  /** True when the handler is reading (or has read) the body. */
  get bodyInUse(): boolean {
    return this.bodyRef.used;
  }

  onTrailers(fields: HeaderField[]): void {
    this.trailerFields = fields;
    this.trailerSettle?.resolve(trailersToRecord(fields));
    this.trailerSettle = null;
  }

  onRemoteEnd(): void {
    this.remoteEnded = true;
    this.trailerSettle?.resolve({});
    this.trailerSettle = null;
  }

  onFailed(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.controller?.abort(error);
    this.trailerSettle?.reject(error);
    this.trailerSettle = null;
  }
}

/**
 * RFC 9110 10.1.1: Expect is a list of expectations, compared case-insensitively; "100-continue"
 * is the only one defined. (Others are left to the handler, which may answer 417.)
 */
function expects100Continue(fields: readonly HeaderField[]): boolean {
  for (const f of fields) {
    if (f.name !== 'expect') continue;
    for (const item of f.value.split(',')) if (item.trim().toLowerCase() === '100-continue') return true;
  }
  return false;
}
