/**
 * forge-tls13 wire codecs: record framing, handshake reassembly, handshake messages and
 * extensions, alerts, and the TlsError type. Pure data, no crypto, no I/O.
 */
export * from './constants.js';
export * from './errors.js';
export { CLOSE_NOTIFY, alertFor, decodeAlert, encodeAlert, isClosureAlert, type Alert } from './alert.js';
export * from './reader.js';
export * from './writer.js';
export * from './record.js';
export * from './handshake-reassembly.js';
export * from './extensions.js';
export * from './messages.js';
