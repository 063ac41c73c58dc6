/**
 * tlsport/http2: HTTP/2 (RFC 9113) client and server over any `Transport`.
 *
 * Client (owns its connections: reconnects after GOAWAY and retries unprocessed requests):
 *
 *   const client = await connect('https://example.test', { ca });          // backend 'node-tls'
 *   const res = await client.request({ method: 'POST', path: '/echo', body: 'hi', signal });
 *   // 1xx before the final response (100 Continue, 103 Early Hints): { onInformational(status, headers) {} }
 *   res.status; res.headers; await res.text(); await res.trailers;
 *   for await (const chunk of res.body) ...   // reading is what opens the flow-control window
 *   await client.ping();                       // round trip in ms
 *   await client.close();                      // graceful: in-flight requests finish first
 *
 *   const c2 = await Http2Client.fromTransport(transport, { authority: 'a.test' });
 *
 * Server (HTTP/2 by ALPN "h2" or h2c prior knowledge; ALPN "http/1.1" runs the same handler):
 *
 *   const server = createServer({ backend: 'node-tls', cert, key }, async (req, res) => {
 *     res.respond(103, { link: '</app.css>; rel=preload' });       // interim: any number, before the final one
 *     res.respond(200, { 'content-type': 'text/plain' });
 *     for await (const chunk of req.body) await res.write(chunk);   // backpressure both ways
 *     await res.end(undefined, { 'x-trailer': 'done' });
 *   });
 *   await server.listen({ host: '127.0.0.1', port: 0 }); server.url;
 *   await server.close();                      // GOAWAY, finish streams, bounded
 *
 * A request with `Expect: 100-continue` gets its 100 (Continue) when the handler starts reading
 * the body, unless the final response head went out first.
 *
 * Errors: ConnectionError / StreamError carry the RFC 9113 code and who started it
 * ('user' | 'library' | 'remote'); RequestAbortedError (name 'AbortError'), RequestRefusedError
 * and `isRetryable()`, ConnectionLostError, AlpnError, QueueFullError.
 * Tunables: `settings` (what we advertise) and `limits` (local policy), defaults in limits.ts;
 * every `...TimeoutMs` limit is off at 0.
 */
export { connect, Http2Client } from './client.js';
export { ClientResponse } from './client-response.js';
export type { ClientOptions, ConnectOptions, RequestInit } from './client-options.js';
export type { PushedResponse } from './client-response.js';
export { createServer, Http2Server } from './server.js';
export type { ServerOptions } from './server.js';
export type { Handler, ServerRequest, ServerResponse } from './handler.js';
export { fetchHandler } from './fetch.js';
export type { GoawayInfo } from './goaway.js';
export type { HeadersInit, IncomingHeaders } from './headers.js';
export type { BodyInit } from './body.js';
export { InboundBody } from './body.js';
export {
  DEFAULT_CLIENT_SETTINGS,
  DEFAULT_LIMITS,
  DEFAULT_SERVER_SETTINGS,
  RFC_INITIAL_SETTINGS,
  SERVER_IDLE_TIMEOUT_MS,
  type Http2Limits,
  type Http2Settings,
} from './limits.js';
export { ConnectionError, ErrorCode, Http2Error, StreamError, errorCodeName, type Initiator } from './errors.js';
export {
  AlpnError,
  ConnectionLostError,
  QueueFullError,
  RequestAbortedError,
  RequestRefusedError,
  isRetryable,
} from './session-errors.js';
