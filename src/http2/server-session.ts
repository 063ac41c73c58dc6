/**
 * `ServerSession`: one HTTP/2 connection of the server (Transport + Driver + Connection). Each
 * request becomes an `H2Request` and `H2Response` for the handler; a handler that throws or
 * rejects gets a 500 if nothing was sent yet, else RST_STREAM INTERNAL_ERROR: never a crash.
 */
import { Connection } from './connection.js';
import type { CloseHow } from './connection-hooks.js';
import { Driver } from './driver.js';
import { ErrorCode, type Http2Error } from './errors.js';
import type { RequestHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import type { ResolvedConfig } from './limits.js';
import { H2Request } from './server-request.js';
import { H2Response } from './server-response.js';
import type { Stream } from './stream.js';
import type { HandshakeInfo, Transport } from '../transport.js';

/** The server a session belongs to (Http2Server): it runs the handler and hears of failures. */
export interface ServerSessionOwner {
  /** Calls the handler; `onFailure` runs if it throws or rejects. */
  invoke(req: H2Request, res: H2Response, onFailure: () => void): void;
  report(err: unknown, context: 'handler' | 'connection' | 'handshake'): void;
}

/** One HTTP/2 connection of the server. */
export class ServerSession {
  readonly conn: Connection;
  readonly driver: Driver;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    private readonly server: ServerSessionOwner,
    readonly transport: Transport,
    readonly info: HandshakeInfo,
    config: ResolvedConfig,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.driver = new Driver(transport, config.limits.closeTimeoutMs, config.limits.sendStallTimeoutMs);
    this.conn = new Connection('server', config, {
      onOutput: this.driver.wake,
      onRequest: (stream, head, fields, endStream) => this.onRequest(stream, head, fields, endStream),
      onClose: (error, how) => this.onClose(error, how),
    });
    this.driver.attach(this.conn);
    this.driver.start();
  }

  private onRequest(stream: Stream, head: RequestHead, fields: HeaderField[], endStream: boolean): void {
    const req = new H2Request(stream.id, head, fields, stream.body, this.info, this.transport.remoteAddress, endStream);
    const res = new H2Response(this.conn, stream, req);
    stream.listener = res;
    if (req.expectsContinue) stream.body?.onFirstRead(() => res.sendContinue());
    this.server.invoke(req, res, () => this.handlerFailed(res));
  }

  private handlerFailed(res: H2Response): void {
    if (res.closed || res.isEnded) return;
    if (!res.headersSent) {
      try {
        res.respond(500, { 'content-type': 'text/plain' });
        void res.end('internal server error\n');
        return;
      } catch {
        // fall through to the reset
      }
    }
    res.rst(ErrorCode.INTERNAL_ERROR);
  }

  private onClose(error: Http2Error | null, how: CloseHow): void {
    this.driver.onConnectionClosed(how);
    if (error !== null && error.initiator === 'library') this.server.report(error, 'connection');
    void this.transport.closed.then(() => this.resolveClosed());
  }
}
