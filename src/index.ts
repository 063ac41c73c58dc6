/**
 * tlsport: HTTP/2 over a pluggable TLS layer. This entry point holds the transport side: the
 * Transport interface, the backend registry and the adapters. The HTTP/2 client and server are in
 * 'tlsport/http2', the transport conformance suite in 'tlsport/conformance'.
 */
export * from './transport.js';
export { registerBackend, unregisterBackend, getBackend, listBackends, resolveBackend } from './registry.js';
export type { BackendEntry, BackendRef } from './registry.js';
export { duplexToTransport, transportToDuplex, cleartextHandshakeInfo, mapNodeError } from './duplex.js';
export type { DuplexTransportOptions } from './duplex.js';
export { AcceptQueue } from './accept-queue.js';
export { connectTcp, listenTcp, closeListening, formatAddress } from './net-connect.js';
export { selectAlpn, validateAlpnList } from './alpn.js';
export type { AlpnOutcome } from './alpn.js';
