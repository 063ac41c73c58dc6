/**
 * Server-side session tickets for node-tls: turning them off, and sharing their keys.
 *
 * What node:tls (Node 20, OpenSSL 3) does, measured: after a full handshake a server sends two
 * tickets with TLS 1.3 (one with TLS 1.2), and none after a resumed handshake; the number cannot
 * be set. `SSL_OP_NO_TICKET` turns resumption off: the server then gives clients sessions that
 * name an entry in a server-side session cache instead of tickets that carry the session (with
 * TLS 1.3 still sent as two NewSessionTicket messages), and node:tls keeps no such cache (no
 * `resumeSession` handler here), so they never resume.
 */
import { constants, createHash } from 'node:crypto';
import type tls from 'node:tls';
import { TransportError, type ListenOptions, type PemOrDer } from '../../src/transport.js';

/** Listen options node-tls adds for session tickets. */
export interface NodeTlsTicketOptions {
  /**
   * 0 turns session resumption off (OpenSSL's `SSL_OP_NO_TICKET`: TLS 1.3 clients still receive
   * NewSessionTicket messages, but none of them resumes). Leave it out for node:tls's default:
   * tickets on. Other counts are refused (INVALID_ARGUMENT): node:tls cannot set how many
   * tickets it sends.
   */
  ticketCount?: number;
  /**
   * 48 random bytes that encrypt and authenticate the tickets, instead of keys of this listener's
   * own. Listeners given the same keys (in this process or another) resume each other's sessions,
   * as long as they also agree on client certificates (`requestCert`, `rejectUnauthorized`, `ca`):
   * a session from a listener with another policy is not resumed, it gets a full handshake.
   * Keep them secret and replace them now and then: whoever holds them can open every ticket
   * sealed with them.
   */
  ticketKeys?: Uint8Array;
}

const TICKET_KEYS_LENGTH = 48;

/** The node:tls server options for `options`' ticket settings; throws INVALID_ARGUMENT on bad ones. */
export function ticketServerOptions(options: ListenOptions & NodeTlsTicketOptions): Pick<tls.TlsOptions, 'secureOptions' | 'ticketKeys' | 'sessionIdContext'> {
  const { ticketCount, ticketKeys } = options;
  if (ticketCount !== undefined && ticketCount !== 0) {
    throw new TransportError('INVALID_ARGUMENT', `node-tls cannot set the number of session tickets (got ticketCount ${String(ticketCount)}): 0 turns them off, leave it out to keep them on`);
  }
  if (ticketKeys === undefined) return ticketCount === 0 ? { secureOptions: constants.SSL_OP_NO_TICKET } : {};
  if (ticketCount === 0) throw new TransportError('INVALID_ARGUMENT', 'ticketKeys has no use with ticketCount 0 (tickets off)');
  if (!(ticketKeys instanceof Uint8Array) || ticketKeys.byteLength !== TICKET_KEYS_LENGTH) {
    throw new TransportError('INVALID_ARGUMENT', `ticketKeys must be ${TICKET_KEYS_LENGTH} bytes`);
  }
  return {
    ticketKeys: Buffer.from(ticketKeys),
    sessionIdContext: clientAuthContext(options),
  };
}

/**
 * A session id context naming the listener's client-certificate policy. OpenSSL resumes a session
 * only where the context matches. Without it, sharing ticket keys let a client that connected
 * without a certificate to one listener resume, authorized, at a listener that requires one
 * (measured on Node 20). It also replaces node's default context, derived from process.argv, so
 * processes with different command lines can share keys.
 */
function clientAuthContext(options: ListenOptions): string {
  const hash = createHash('sha256');
  const requestCert = options.requestCert ?? false;
  hash.update(`tlsport node-tls; requestCert=${requestCert}; rejectUnauthorized=${options.rejectUnauthorized ?? true}`);
  if (requestCert) for (const anchor of asList(options.ca)) hash.update(anchor);
  // OpenSSL allows at most 32 bytes of context.
  return hash.digest('hex').slice(0, 32);
}

function asList(value: PemOrDer | readonly PemOrDer[] | undefined): readonly PemOrDer[] {
  if (value === undefined) return [];
  return typeof value === 'string' || value instanceof Uint8Array ? [value] : value;
}
