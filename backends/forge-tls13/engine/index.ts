/** The forge-tls13 sans-I/O engine: bytes in, bytes and events out. */
export { TlsClient, createClientEngine, type ClientState } from './client.js';
export { TlsServer, createServerEngine, type ServerState } from './server.js';
export { TlsEngine, type ExpectTraffic, type TrafficSecrets } from './engine.js';
export type { ClientEngineConfig, ServerEngineConfig, CommonEngineConfig, CertifiedKeyHandle } from './config.js';
export type { EngineEvent, EngineListener, EngineHandshakeInfo, SessionTicket } from './events.js';
export { MemoryTicketStore, type TicketState, type TicketStore } from './tickets.js';
export { keylogLine } from './keylog.js';
export { toTlsError, isCertificateAlert } from './alerts.js';
