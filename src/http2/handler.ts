/**
 * What a handler is given, and what it is: `ServerRequest`, `ServerResponse`, `Handler`. The same
 * over HTTP/2 (server-request.ts, server-response.ts) and over the HTTP/1.1 fallback (http1.ts),
 * so one handler serves both; fetch.ts adapts a WHATWG fetch function to it.
 */
import type { HeadersInit, IncomingHeaders } from './headers.js';
import type { HandshakeInfo } from '../transport.js';

/** A request as the handler sees it, over HTTP/2 or the HTTP/1.1 fallback. */
export interface ServerRequest {
  readonly method: string;
  /** Path and query (":path"); "" for CONNECT. */
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: IncomingHeaders;
  readonly httpVersion: '2' | '1.1';
  /** HTTP/2 stream id (0 over HTTP/1.1). */
  readonly streamId: number;
  readonly remoteAddress: string;
  readonly transportInfo: HandshakeInfo;
  /**
   * The request body; reading it is what lets the client send more (flow control). When the
   * request carries `Expect: 100-continue`, starting to read it sends the 100 (Continue) the
   * client may be waiting for (RFC 9110 10.1.1), unless the final response went out first.
   */
  readonly body: AsyncIterable<Uint8Array>;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  /** Trailer fields, once the body is complete ({} when there are none). */
  readonly trailers: Promise<Record<string, string>>;
  /** Aborted when the client resets the stream or the connection is lost. */
  readonly signal: AbortSignal;
}

export interface ServerResponse {
  /**
   * Sends the response head. A 1xx status is an interim response instead (RFC 9113 8.1, RFC 9110
   * 15.2), and any number may precede the final one: e.g. 103 (Early Hints) with `link` headers,
   * or a 100 (Continue) of the handler's own (the automatic one, see `ServerRequest.body`, is then
   * not sent again). 101 is refused: HTTP/2 has no protocol switch (RFC 9113 8.6). (The
   * HTTP/1.1 fallback passes on 100, and 103 with headers; node:http writes no other 1xx.)
   */
  respond(status: number, headers?: HeadersInit): void;
  /** Sends body bytes (responding 200 first if needed); resolves when flow control accepts more. */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Ends the response, with an optional last chunk and trailers. */
  end(chunk?: Uint8Array | string, trailers?: Record<string, string>): Promise<void>;
  /** Resets the stream (RST_STREAM, default CANCEL). */
  rst(code?: number): void;
  readonly headersSent: boolean;
  /** The stream is closed (ended both ways, or reset). */
  readonly closed: boolean;
}

export type Handler = (req: ServerRequest, res: ServerResponse) => unknown;
