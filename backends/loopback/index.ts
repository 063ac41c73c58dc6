/**
 * The `loopback` backend: connections that never leave the process. No TLS, but the handshake
 * negotiates ALPN by the same rule as the TLS backends and fails the same way, and the link can
 * simulate latency, bandwidth and fragmentation (link.ts), so everything above the Transport
 * interface can be tested fast and deterministically.
 */
import {
  TransportError,
  type Backend,
  type Listener,
  type Transport,
} from '../../src/transport.js';
import { findListener, freshPort, LoopbackListener } from './listener.js';
import { checkOptions, type LoopbackConnectOptions, type LoopbackListenOptions } from './options.js';
import { buildPair, runHandshake, sniFor } from './pair.js';

export type { LinkOptions } from './link.js';
export type { LoopbackConnectOptions, LoopbackListenOptions, LoopbackPairOptions } from './options.js';
export { createLoopbackPair } from './pair.js';

export interface LoopbackBackend extends Backend {
  connect(options: LoopbackConnectOptions): Promise<Transport>;
  listen(options: LoopbackListenOptions): Promise<Listener>;
}

async function connect(options: LoopbackConnectOptions): Promise<Transport> {
  checkOptions(options, [options.link]);
  const { host, port, signal } = options;
  if (signal?.aborted) {
    throw new TransportError('CONNECT_FAILED', 'connection attempt aborted', { cause: signal.reason });
  }
  const listener = findListener(host, port);
  if (!listener) throw new TransportError('CONNECT_FAILED', `nothing listens on loopback ${host}:${port}`);

  const link = options.link ?? listener.options.link ?? {};
  const serverOptions = listener.options;
  const { client, server } = buildPair({
    clientToServer: link,
    serverToClient: link,
    client: { ...options, remoteAddress: `${host}:${port}` },
    server: {
      handshakeTimeoutMs: serverOptions.handshakeTimeoutMs,
      idleTimeoutMs: serverOptions.idleTimeoutMs,
      closeTimeoutMs: serverOptions.closeTimeoutMs,
      highWaterMark: serverOptions.highWaterMark,
      // The fake source port only labels the connection in logs.
      remoteAddress: `loopback:${freshPort()}`,
    },
  });
  listener.incoming(server);

  if (signal) {
    // Aborting only concerns the connection attempt, so the hook goes once the handshake settles.
    const onAbort = (): void =>
      client.destroy(new TransportError('HANDSHAKE_FAILED', 'connection attempt aborted', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    const unhook = (): void => signal.removeEventListener('abort', onAbort);
    client.handshake().then(unhook, unhook);
  }

  runHandshake(client, server, {
    offer: options.alpn ?? [],
    serverName: sniFor(host, options.serverName),
    server: { alpn: serverOptions.alpn, alpnSelect: serverOptions.alpnSelect },
    stall: serverOptions.stallHandshake === true,
    clientToServerMs: link.latencyMs ?? 0,
    serverToClientMs: link.latencyMs ?? 0,
  });
  return client;
}

async function listen(options: LoopbackListenOptions): Promise<Listener> {
  checkOptions(options, [options.link]);
  return new LoopbackListener(options);
}

export const backend: LoopbackBackend = {
  name: 'loopback',
  description: 'In-memory pair with simulated latency, bandwidth and fragmentation',
  secure: false,
  connect,
  listen,
};
