/** Loopback-specific options, and the checks every entry point applies to them. */
import { validateAlpnList } from '../../src/alpn.js';
import {
  TransportError,
  type AlpnOptions,
  type ConnectOptions,
  type ListenOptions,
  type TimeoutOptions,
} from '../../src/transport.js';
import { validateLinkOptions, type LinkOptions } from './link.js';

export type { LinkOptions } from './link.js';

export interface LoopbackConnectOptions extends ConnectOptions {
  /** The simulated link, both directions. Default: the listener's `link`, else an ideal link. */
  link?: LinkOptions;
}

export interface LoopbackListenOptions extends ListenOptions {
  /** The simulated link for clients that bring none of their own. */
  link?: LinkOptions;
  /**
   * Test-only: accept connections but never answer their handshake, like a TCP server that
   * never speaks TLS. Clients then fail by their `handshakeTimeoutMs`.
   */
  stallHandshake?: boolean;
}

export interface LoopbackPairOptions extends TimeoutOptions {
  /** What the client offers. */
  alpn?: readonly string[];
  /** SNI the client sends; default none. */
  serverName?: string;
  /** The server's ALPN preference or callback. */
  server?: AlpnOptions;
  /** Both directions, unless overridden by the two below. */
  link?: LinkOptions;
  clientToServer?: LinkOptions;
  serverToClient?: LinkOptions;
  /** Receive buffer limit on both ends (default TRANSPORT_DEFAULTS.highWaterMark). */
  highWaterMark?: number;
}

function invalid(message: string): TransportError {
  return new TransportError('INVALID_ARGUMENT', message);
}

/** Throws INVALID_ARGUMENT for options no loopback entry point can honour. */
export function checkOptions(options: TimeoutOptions & AlpnOptions & { highWaterMark?: number }, links: (LinkOptions | undefined)[]): void {
  const alpnProblem = validateAlpnList(options.alpn);
  if (alpnProblem) throw invalid(alpnProblem);
  for (const key of ['handshakeTimeoutMs', 'idleTimeoutMs', 'closeTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw invalid(`${key} must be a finite number >= 0, got ${value}`);
  }
  const hwm = options.highWaterMark;
  if (hwm !== undefined && !(Number.isInteger(hwm) && hwm >= 1)) throw invalid(`highWaterMark must be an integer >= 1, got ${hwm}`);
  for (const link of links) {
    const linkProblem = validateLinkOptions(link);
    if (linkProblem) throw invalid(linkProblem);
  }
}
