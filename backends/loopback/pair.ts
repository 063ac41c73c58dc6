/**
 * Building a connected pair of endpoints and running the simulated handshake between them.
 *
 * The handshake is one round trip, like TLS 1.3's first flight: the client's hello (its ALPN
 * offer and server name) reaches the server after the client-to-server latency; the server
 * decides with the shared ALPN rule (src/alpn.ts) and is established at once, and its answer
 * (or fatal alert) reaches the client after the server-to-client latency. Handshake messages are
 * out of band: they take latency but not bandwidth, and they cannot be fragmented.
 */
import { isIP } from 'node:net';
import { selectAlpn } from '../../src/alpn.js';
import {
  TRANSPORT_DEFAULTS,
  TransportError,
  type AlpnOptions,
  type HandshakeInfo,
  type Transport,
  type TimeoutOptions,
} from '../../src/transport.js';
import { LoopbackTransport } from './endpoint.js';
import { Link, type LinkOptions } from './link.js';
import { checkOptions, type LoopbackPairOptions } from './options.js';

export interface SideConfig extends TimeoutOptions {
  readonly highWaterMark?: number;
  readonly remoteAddress: string;
}

export interface PairConfig {
  readonly clientToServer: LinkOptions;
  readonly serverToClient: LinkOptions;
  readonly client: SideConfig;
  readonly server: SideConfig;
}

export function buildPair(config: PairConfig): { client: LoopbackTransport; server: LoopbackTransport } {
  // Each link is limited by its reader's buffer: the server's limit bounds what the client can
  // have unread on the way to it, and the other way round.
  const c2s = new Link(config.clientToServer, config.server.highWaterMark ?? TRANSPORT_DEFAULTS.highWaterMark);
  const s2c = new Link(config.serverToClient, config.client.highWaterMark ?? TRANSPORT_DEFAULTS.highWaterMark);
  const side = (role: 'client' | 'server', options: SideConfig, inbound: Link, outbound: Link) =>
    new LoopbackTransport({
      role,
      remoteAddress: options.remoteAddress,
      inbound,
      outbound,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? TRANSPORT_DEFAULTS.handshakeTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? TRANSPORT_DEFAULTS.idleTimeoutMs,
      closeTimeoutMs: options.closeTimeoutMs ?? TRANSPORT_DEFAULTS.closeTimeoutMs,
    });
  const client = side('client', config.client, s2c, c2s);
  const server = side('server', config.server, c2s, s2c);
  client.peer = server;
  server.peer = client;
  return { client, server };
}

export interface HandshakeConfig {
  /** The client's offer, most preferred first. */
  readonly offer: readonly string[];
  readonly serverName: string | null;
  readonly server: AlpnOptions;
  /** Test-only: the server never answers. */
  readonly stall?: boolean;
  readonly clientToServerMs: number;
  readonly serverToClientMs: number;
}

/**
 * Runs `fn` after `ms` of simulated time: a timer, or a microtask for an ideal link. Node timers
 * can fire a fraction of a millisecond early by `performance.now()`; re-arming for the rest keeps
 * the handshake, like the link, from ever completing before its latency.
 */
function after(ms: number, fn: () => void): void {
  if (ms <= 0) {
    queueMicrotask(fn);
    return;
  }
  const due = performance.now() + ms;
  const wait = (): void => {
    const left = due - performance.now();
    if (left > 0) setTimeout(wait, Math.ceil(left));
    else fn();
  };
  setTimeout(wait, Math.ceil(ms));
}

export function runHandshake(client: LoopbackTransport, server: LoopbackTransport, config: HandshakeConfig): void {
  after(config.clientToServerMs, () => {
    if (!server.handshaking || config.stall) return;
    let outcome: ReturnType<typeof selectAlpn>;
    try {
      outcome = selectAlpn(config.offer, config.server, config.serverName);
    } catch (cause) {
      // A throwing alpnSelect is a server bug; TLS stacks answer it with internal_error.
      server.failHandshake(new TransportError('HANDSHAKE_FAILED', 'alpnSelect threw', { cause, alert: 'internal_error' }));
      after(config.serverToClientMs, () =>
        client.failHandshake(new TransportError('HANDSHAKE_FAILED', 'server failed the handshake', { alert: 'internal_error' })));
      return;
    }
    if (outcome.kind === 'mismatch') {
      const message = `no application protocol in common (client offered ${JSON.stringify(config.offer)})`;
      server.failHandshake(new TransportError('ALPN_MISMATCH', message, { alert: 'no_application_protocol' }));
      after(config.serverToClientMs, () =>
        client.failHandshake(new TransportError('ALPN_MISMATCH', message, { alert: 'no_application_protocol' })));
      return;
    }
    const info: HandshakeInfo = Object.freeze({
      backend: 'loopback',
      alpnProtocol: outcome.kind === 'selected' ? outcome.protocol : null,
      tlsVersion: null,
      cipherSuite: null,
      serverName: config.serverName,
      peerCertificates: Object.freeze([]),
      resumed: false,
    });
    server.establish(info);
    after(config.serverToClientMs, () => client.establish(info));
  });
}

/** SNI as TLS clients send it: the explicit name, else the host unless it is an IP literal. */
export function sniFor(host: string, serverName: string | undefined): string | null {
  if (serverName !== undefined) return serverName === '' ? null : serverName;
  return isIP(host) === 0 && host !== '' ? host : null;
}

/**
 * A connected client/server pair with no listener, for tests. The server's handshake fails
 * like a listener's would (e.g. ALPN_MISMATCH from `handshake()`), but is reported nowhere else.
 */
export function createLoopbackPair(options: LoopbackPairOptions = {}): { client: Transport; server: Transport } {
  const clientToServer = options.clientToServer ?? options.link ?? {};
  const serverToClient = options.serverToClient ?? options.link ?? {};
  checkOptions(options, [clientToServer, serverToClient]);
  checkOptions(options.server ?? {}, []);
  const sideOptions = {
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs,
    highWaterMark: options.highWaterMark,
  };
  const { client, server } = buildPair({
    clientToServer,
    serverToClient,
    client: { ...sideOptions, remoteAddress: 'loopback-pair:server' },
    server: { ...sideOptions, remoteAddress: 'loopback-pair:client' },
  });
  runHandshake(client, server, {
    offer: options.alpn ?? [],
    serverName: options.serverName ?? null,
    server: options.server ?? {},
    clientToServerMs: clientToServer.latencyMs ?? 0,
    serverToClientMs: serverToClient.latencyMs ?? 0,
  });
  return { client, server };
}
