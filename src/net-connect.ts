/**
 * Opening a TCP connection with the Transport contract's rules: CONNECT_FAILED when nothing
 * answers, TIMEOUT after the handshake budget, abort through an AbortSignal. Used by the socket
 * backends (node-tls, tcp, forge-tls13's driver), never by the protocol layers.
 */
import net from 'node:net';
import { TRANSPORT_DEFAULTS, TransportError, type ConnectOptions } from './transport.js';
import { mapNodeError } from './duplex.js';

export function connectTcp(options: ConnectOptions): Promise<net.Socket> {
  const timeoutMs = options.handshakeTimeoutMs ?? TRANSPORT_DEFAULTS.handshakeTimeoutMs;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TransportError('CONNECT_FAILED', 'connect aborted', { cause: options.signal.reason }));
      return;
    }
    // allowHalfOpen: a peer's end of stream must not end our side (the Transport contract's
    // half-close); close() and the close timeout release the socket instead.
    const socket = net.connect({ host: options.host, port: options.port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => fail(new TransportError('TIMEOUT', `connecting to ${options.host}:${options.port} took over ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const onAbort = () => fail(new TransportError('CONNECT_FAILED', 'connect aborted', { cause: options.signal?.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const fail = (err: TransportError) => { cleanup(); socket.destroy(); reject(err); };
    const onError = (err: unknown) => {
      const mapped = mapNodeError(err, 'handshake');
      fail(mapped.code === 'HANDSHAKE_FAILED' || mapped.code === 'PEER_RESET'
        ? new TransportError('CONNECT_FAILED', `cannot connect to ${options.host}:${options.port}: ${mapped.message}`, { cause: err })
        : mapped);
    };
    const onConnect = () => { cleanup(); resolve(socket); };
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

export function formatAddress(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Listens on host:port (port 0 = any) and resolves with the bound address. */
export function listenTcp(server: net.Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown) => reject(new TransportError('INVALID_ARGUMENT', `cannot listen on ${formatAddress(host, port)}: ${(err as Error).message}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}

/**
 * Stops accepting at once. net.Server#close's callback waits for every open connection, but a
 * Listener's close leaves accepted transports open, so nothing waits for it.
 */
export function closeListening(server: net.Server): void {
  if (server.listening) server.close();
}
