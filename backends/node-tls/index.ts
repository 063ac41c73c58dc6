/**
 * `node-tls`: TLS 1.2/1.3 from node:tls (OpenSSL). Each side owns the raw TCP socket under the
 * TLS socket, so `destroy()` can reset it (the peer sees PEER_RESET) and the handshake timeout
 * covers the whole connection set-up. Session resumption: `ticketStore` on the client
 * (sessions.ts), `ticketCount` and `ticketKeys` on the server (server-tickets.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import { appendFileSync } from 'node:fs';
import { AcceptQueue } from '../../src/accept-queue.js';
import { selectAlpn, validateAlpnList } from '../../src/alpn.js';
import { duplexToTransport, mapNodeError } from '../../src/duplex.js';
import { closeListening, connectTcp, formatAddress, listenTcp } from '../../src/net-connect.js';
import {
  TRANSPORT_DEFAULTS,
  TransportError,
  type Backend,
  type ConnectOptions,
  type HandshakeInfo,
  type Listener,
  type ListenOptions,
  type PemOrDer,
  type TlsOptions,
  type Transport,
} from '../../src/transport.js';
import { keepSessions, takeSession, type TicketStore } from './sessions.js';
import { ticketServerOptions, type NodeTlsTicketOptions } from './server-tickets.js';

export { MemoryTicketStore, type MemoryTicketStoreOptions, type TicketStore } from './sessions.js';
export type { NodeTlsTicketOptions } from './server-tickets.js';

const NAME = 'node-tls';

export interface NodeTlsConnectOptions extends ConnectOptions {
  /**
   * Where sessions are kept for resumption (see `TicketStore`; `MemoryTicketStore` keeps them in
   * memory). Each connection offers one session taken from it, and puts every session the server
   * gives it back in; with TLS 1.3 they arrive with the first data read after the handshake, so
   * a connection closed before reading anything may keep none. Without a store nothing is kept
   * and nothing resumed.
   */
  ticketStore?: TicketStore;
}

export type NodeTlsListenOptions = ListenOptions & NodeTlsTicketOptions;

function pemList(value: PemOrDer | readonly PemOrDer[] | undefined): Array<string | Buffer> | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value as PemOrDer];
  return list.map((item) => (typeof item === 'string' ? item : Buffer.from(item.buffer, item.byteOffset, item.byteLength)));
}

/** The chain the peer sent, leaf first, in DER. */
function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cert = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

function handshakeInfo(socket: tls.TLSSocket, serverName: string | null): HandshakeInfo {
  return {
    backend: NAME,
    alpnProtocol: socket.alpnProtocol || null,
    tlsVersion: socket.getProtocol(),
    cipherSuite: socket.getCipher()?.standardName ?? null,
    serverName,
    peerCertificates: peerChain(socket),
    resumed: socket.isSessionReused(),
  };
}

/** NSS key log lines go to the caller's callback, else to $SSLKEYLOGFILE when set. */
function attachKeylog(socket: tls.TLSSocket, options: TlsOptions): void {
  const file = process.env['SSLKEYLOGFILE'];
  if (!options.keylog && !file) return;
  socket.on('keylog', (line: Buffer) => writeKeylog(line, options));
}

function writeKeylog(line: Buffer, options: TlsOptions): void {
  const file = process.env['SSLKEYLOGFILE'];
  if (options.keylog) options.keylog(line.toString('latin1').trimEnd());
  else if (file) appendFileSync(file, line);
}

function tlsVersionOptions(options: TlsOptions): Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion'> {
  const result: Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion'> = {};
  if (options.minVersion) result.minVersion = options.minVersion;
  if (options.maxVersion) result.maxVersion = options.maxVersion;
  return result;
}

function checkAlpn(options: ConnectOptions | ListenOptions): void {
  const problem = validateAlpnList(options.alpn);
  if (problem) throw new TransportError('INVALID_ARGUMENT', problem);
}

/** `raw` is the TCP socket under `socket`, or `socket` itself when it could not be found. */
function wrap(socket: tls.TLSSocket, raw: net.Socket, role: 'client' | 'server', options: ConnectOptions | ListenOptions, handshake: Promise<HandshakeInfo>): Transport {
  return duplexToTransport(socket, {
    backend: NAME,
    role,
    remoteAddress: formatAddress(raw.remoteAddress, raw.remotePort),
    handshake,
    highWaterMark: options.highWaterMark,
    idleTimeoutMs: options.idleTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs,
    exportKeyingMaterial: (length, label, context) => exportKeyingMaterial(socket, length, label, context),
    // Reset the raw TCP socket only: destroying the TLS socket as well would close the same
    // handle twice (a native crash in Node 20). The reset waits one macrotask because a reset
    // issued in the tick the handshake completes can reach the peer as a clean end instead.
    abort: () => {
      setImmediate(() => {
        if (raw !== socket && !raw.destroyed) raw.resetAndDestroy();
        else if (!socket.destroyed) socket.destroy();
      });
    },
  });
}

/**
 * OpenSSL's exporter (RFC 8446 section 7.5 with TLS 1.3, RFC 5705 with TLS 1.2). OpenSSL fails
 * with a bare "internal error" past what TLS 1.3's HKDF-Expand can give (255 hash lengths, RFC
 * 5869 section 2.3), so that bound is checked here, with the suite's hash (SHA-384 or SHA-256).
 */
function exportKeyingMaterial(socket: tls.TLSSocket, length: number, label: string, context: Uint8Array | undefined): Uint8Array {
  if (socket.getProtocol() === 'TLSv1.3') {
    const max = 255 * (socket.getCipher().standardName.endsWith('SHA384') ? 48 : 32);
    if (length > max) throw new TransportError('INVALID_ARGUMENT', `exported keying material must be 1..${max} bytes with ${socket.getCipher().standardName} (got ${length})`);
  }
  // Node documents the context as optional (its types do not): without one OpenSSL is told "no
  // context", which TLS 1.2 distinguishes from an empty one.
  const exporter = socket.exportKeyingMaterial.bind(socket) as (length: number, label: string, context?: Buffer) => Buffer;
  const bytes = exporter(length, label, context && Buffer.from(context.buffer, context.byteOffset, context.byteLength));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkTicketStore(store: unknown): void {
  if (store === undefined || store === null) return;
  const methods = store as { put?: unknown; take?: unknown } | null;
  if (typeof methods?.put !== 'function' || typeof methods.take !== 'function') {
    throw new TransportError('INVALID_ARGUMENT', 'ticketStore must have put() and take() methods');
  }
}

async function connect(options: NodeTlsConnectOptions): Promise<Transport> {
  checkAlpn(options);
  checkTicketStore(options.ticketStore);
  const started = Date.now();
  const timeoutMs = options.handshakeTimeoutMs ?? TRANSPORT_DEFAULTS.handshakeTimeoutMs;
  const raw = await connectTcp(options);
  const serverName = options.serverName ?? (net.isIP(options.host) ? undefined : options.host);
  // Sessions are filed under the name the certificate is checked against: node:tls does not
  // check it again on resumption.
  const sessionKey = serverName ?? options.host;
  let session: Buffer | undefined;
  if (options.ticketStore) {
    try {
      session = await takeSession(options.ticketStore, sessionKey, { timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)), signal: options.signal });
    } catch (err) {
      raw.destroy();
      throw err;
    }
  }
  const socket = tls.connect({
    // Half-open behaviour comes from the raw socket (connectTcp sets allowHalfOpen).
    socket: raw,
    ...(serverName !== undefined ? { servername: serverName } : {}),
    ...(options.alpn ? { ALPNProtocols: [...options.alpn] } : {}),
    ...(options.ca !== undefined ? { ca: pemList(options.ca) } : {}),
    ...(options.cert !== undefined ? { cert: pemList(options.cert) } : {}),
    ...(options.key !== undefined ? { key: pemList(options.key)![0] } : {}),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    ...tlsVersionOptions(options),
    ...(session ? { session } : {}),
  });
  attachKeylog(socket, options);
  if (options.ticketStore) keepSessions(socket, options.ticketStore, sessionKey);
  const budget = Math.max(0, timeoutMs - (Date.now() - started));
  const handshake = new Promise<HandshakeInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TransportError('TIMEOUT', `TLS handshake took over ${timeoutMs} ms`)), budget);
    timer.unref();
    const onAbort = () => reject(new TransportError('HANDSHAKE_FAILED', 'handshake aborted', { cause: options.signal?.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => { clearTimeout(timer); options.signal?.removeEventListener('abort', onAbort); socket.off('error', onError); socket.off('close', onClose); };
    const onError = (err: unknown) => { done(); reject(mapNodeError(err, 'handshake')); };
    const onClose = () => { done(); reject(new TransportError('HANDSHAKE_FAILED', 'connection closed during the TLS handshake')); };
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('secureConnect', () => { done(); resolve(handshakeInfo(socket, serverName ?? null)); });
  });
  return wrap(socket, raw, 'client', options, handshake);
}

async function listen(options: NodeTlsListenOptions): Promise<Listener> {
  checkAlpn(options);
  if (options.cert === undefined || options.key === undefined) {
    throw new TransportError('INVALID_ARGUMENT', 'node-tls listen() needs cert and key (see createTestPki/selfSigned in tlsport for test certificates)');
  }
  const tickets = ticketServerOptions(options);
  const queue = new AcceptQueue();
  const wantsAlpn = options.alpnSelect !== undefined || (options.alpn !== undefined && options.alpn.length > 0);
  const tlsServer = tls.createServer({
    cert: pemList(options.cert),
    key: pemList(options.key)![0],
    ...(options.ca !== undefined ? { ca: pemList(options.ca) } : {}),
    requestCert: options.requestCert ?? false,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    allowHalfOpen: true,
    handshakeTimeout: options.handshakeTimeoutMs ?? TRANSPORT_DEFAULTS.handshakeTimeoutMs,
    ...tlsVersionOptions(options),
    ...tickets,
    // One rule for every backend (src/alpn.ts); OpenSSL sends no_application_protocol when the
    // callback returns undefined.
    ...(wantsAlpn ? {
      ALPNCallback: ({ servername, protocols }: { servername: string; protocols: string[] }) => {
        const outcome = selectAlpn(protocols, options, servername || null);
        return outcome.kind === 'selected' ? outcome.protocol : undefined;
      },
    } : {}),
  });
  // The raw socket of each connection, found again by its peer's address and port.
  const raws = new Map<string, net.Socket>();
  const key = (address: string | undefined, port: number | undefined) => `${address}|${port}`;
  tlsServer.on('secureConnection', (socket: tls.TLSSocket) => {
    const k = key(socket.remoteAddress, socket.remotePort);
    const raw = raws.get(k);
    raws.delete(k);
    const info = handshakeInfo(socket, (socket as tls.TLSSocket & { servername?: string | false }).servername || null);
    queue.push(wrap(socket, raw ?? socket, 'server', options, Promise.resolve(info)));
  });
  tlsServer.on('tlsClientError', (err: Error & { code?: string }, socket: tls.TLSSocket) => {
    raws.delete(key(socket.remoteAddress, socket.remotePort));
    const mapped = err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT'
      ? new TransportError('TIMEOUT', 'TLS handshake timed out', { cause: err })
      : mapNodeError(err, 'handshake');
    options.onHandshakeError?.(mapped);
  });
  // On the server side OpenSSL's key log lines arrive on the server, not the socket.
  tlsServer.on('keylog', (line: Buffer) => writeKeylog(line, options));
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (raw) => {
    raws.set(key(raw.remoteAddress, raw.remotePort), raw);
    raw.once('close', () => raws.delete(key(raw.remoteAddress, raw.remotePort)));
    tlsServer.emit('connection', raw);
  });
  const address = await listenTcp(server, options.host ?? '127.0.0.1', options.port ?? 0);
  return {
    backend: NAME,
    address,
    accept: () => queue.accept(),
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    close: async () => { queue.close(); closeListening(server); },
  };
}

export { connect, listen };

export const backend: Backend = {
  name: NAME,
  description: "TLS 1.2/1.3 from Node's node:tls (OpenSSL)",
  secure: true,
  connect,
  listen,
};
