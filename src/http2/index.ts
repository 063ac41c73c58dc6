/**
 * tlsport/http2: HTTP/2 (RFC 9113) client and server over any `Transport`.
 *
 * Client (owns its connections: reconnects after GOAWAY and retries unprocessed requests):
 *
 *   const client = await connect('https://example.test', { ca });          // backend 'node-tls'
 *   const res = await client.request({ method: 'POST', path: '/echo', body: 'hi', signal });
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
 *     res.respond(200, { 'content-type': 'text/plain' });
 *     for await (const chunk of req.body) await res.write(chunk);   // backpressure both ways
 *     await res.end(undefined, { 'x-trailer': 'done' });
 *   });
 *   await server.listen({ host: '127.0.0.1', port: 0 }); server.url;
 *   await server.close();                      // GOAWAY, finish streams, bounded
 *
 * Errors: ConnectionError / StreamError carry the RFC 9113 code and who started it
 * ('user' | 'library' | 'remote'); RequestAbortedError (name 'AbortError'), RequestRefusedError
 * and `isRetryable()`, ConnectionLostError, AlpnError, QueueFullError.
 * Tunables: `settings` (what we advertise) and `limits` (local policy), defaults in limits.ts.
 */
export { connect, Http2Client, ClientResponse } from './client.js';
export type { ClientOptions, ConnectOptions, RequestInit, PushedResponse } from './client.js';
export { createServer, Http2Server } from './server.js';
export type { Handler, ServerOptions, ServerRequest, ServerResponse } from './server.js';
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
