/**
 * HTTP/1.1 fallback: when ALPN selects "http/1.1" (a client like `curl --http1.1`), the transport
 * is handed, as a Duplex (src/duplex.ts), to a node:http server that runs the SAME handler through
 * the small adapters below (ServerRequest / ServerResponse shapes of server.ts).
 */
import http from 'node:http';
import { once } from 'node:events';
import { transportToDuplex } from '../duplex.js';
import type { HeadersInit, IncomingHeaders } from './headers.js';
import type { Handler, ServerRequest, ServerResponse } from './handler.js';
import type { HandshakeInfo, Transport } from '../transport.js';

export interface Http1Server {
  readonly closed: Promise<void>;
  /** Finish the request in progress, then close (Connection: close on the next response). */
  shutdown(): void;
  destroy(): void;
}

const noop = (): void => {};

class H1Request implements ServerRequest {
  readonly httpVersion = '1.1' as const;
  readonly streamId = 0;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: IncomingHeaders;
  readonly trailers: Promise<Record<string, string>>;
  private controller: AbortController | undefined;
  private aborted = false;

  constructor(
    private readonly req: http.IncomingMessage,
    readonly transportInfo: HandshakeInfo,
    readonly remoteAddress: string,
    /** Set for a request with Expect: 100-continue: sends the 100, once, when reading starts (as over HTTP/2). */
    private continueOwed: (() => void) | null,
  ) {
    this.method = req.method ?? 'GET';
    this.path = req.url ?? '/';
    this.authority = req.headers.host ?? '';
    this.scheme = transportInfo.tlsVersion !== null ? 'https' : 'http';
    const headers = Object.create(null) as IncomingHeaders;
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
    this.headers = headers;
    this.trailers = new Promise<Record<string, string>>((resolve, reject) => {
      req.once('end', () => resolve({ ...(req.trailers as Record<string, string>) }));
      req.once('error', reject);
    });
    this.trailers.catch(noop);
  }

  get body(): AsyncIterable<Uint8Array> {
    if (this.continueOwed === null) return this.req;
    // The first next() is the start of reading: the 100 goes out just before it.
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<Uint8Array> => {
        const inner = this.req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
        return {
          next: () => {
            const owed = this.continueOwed;
            this.continueOwed = null;
            owed?.();
            return inner.next();
          },
          return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
        };
      },
    };
  }

  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.body) parts.push(chunk);
    return new Uint8Array(Buffer.concat(parts));
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(new Error('connection closed'));
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort(new Error('connection closed'));
  }
}

class H1Response implements ServerResponse {
  closed = false;
  private continueSent = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly shuttingDown: () => boolean,
  ) {}

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  respond(status: number, headers?: HeadersInit): void {
    if (this.res.headersSent) throw new Error('response head already sent');
    if (status < 200) {
      // node:http writes only these interim responses (and no headers with a 100).
      if (status === 100) this.sendContinue();
      else if (status === 103 && headers !== undefined) this.res.writeEarlyHints(toNodeHeaders(headers));
      return;
    }
    const h = toNodeHeaders(headers);
    if (this.shuttingDown()) h['connection'] = 'close';
    this.res.writeHead(status, h);
  }

  /** 100 (Continue), once, and only before the final head (no 1xx may follow it). */
  sendContinue(): void {
    if (this.continueSent || this.res.headersSent) return;
    this.continueSent = true;
    this.res.writeContinue();
  }

  async write(chunk: Uint8Array | string): Promise<void> {
    if (!this.res.headersSent) this.respond(200);
    if (!this.res.write(chunk)) await once(this.res, 'drain');
  }

  async end(chunk?: Uint8Array | string, trailers?: Record<string, string>): Promise<void> {
    if (!this.res.headersSent) {
      const headers: Record<string, string> = {};
      if (trailers !== undefined) headers['trailer'] = Object.keys(trailers).join(', ');
      else headers['content-length'] = String(chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      this.respond(200, headers);
    }
    if (trailers !== undefined) this.res.addTrailers(trailers);
    await new Promise<void>((resolve) => this.res.end(chunk ?? '', () => resolve()));
  }

  rst(): void {
    this.res.destroy();
  }
}

function toNodeHeaders(init: HeadersInit | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (init === undefined) return out;
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  if (Array.isArray(init)) {
    for (const [name, value] of init as ReadonlyArray<readonly [string, string]>) add(name, value);
  } else {
    for (const [name, value] of Object.entries(init as Record<string, string | number | readonly string[] | undefined>)) {
      if (value === undefined) continue;
      if (typeof value === 'string' || typeof value === 'number') add(name, String(value));
      else for (const v of value) add(name, v);
    }
  }
  return out;
}

export function serveHttp1(transport: Transport, info: HandshakeInfo, handler: Handler, onError: (err: unknown) => void): Http1Server {
  let shuttingDown = false;
  let active = 0;
  const duplex = transportToDuplex(transport);
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void => {
    active++;
    const response = new H1Response(res, () => shuttingDown);
    const request = new H1Request(req, info, transport.remoteAddress, expectsContinue ? () => response.sendContinue() : null);
    res.once('close', () => {
      active--;
      response.closed = true;
      if (!res.writableFinished) request.abort();
      if (shuttingDown && active === 0) duplex.end();
    });
    const fail = (err: unknown): void => {
      onError(err);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal server error\n');
      } else {
        res.destroy();
      }
    };
    try {
      const result = handler(request, response);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, fail);
      }
    } catch (err) {
      fail(err);
    }
  };
  const server = http.createServer((req, res) => onRequest(req, res, false));
  // With a listener here node:http does not answer Expect: 100-continue on arrival; the 100 is
  // sent when the handler starts reading the body (RFC 9110 10.1.1), as over HTTP/2.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => onRequest(req, res, true));
  server.on('clientError', (_err, socket) => socket.destroy());
  const closed = new Promise<void>((resolve) => {
    duplex.once('close', () => resolve());
    void transport.closed.then(() => resolve());
  });
  duplex.on('error', noop);
  server.emit('connection', duplex);
  return {
    closed,
    shutdown() {
      shuttingDown = true;
      if (active === 0) duplex.end();
    },
    destroy() {
      duplex.destroy();
    },
  };
}
