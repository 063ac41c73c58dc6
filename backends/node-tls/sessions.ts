/**
 * Client-side session resumption for node-tls.
 *
 * node:tls hands a client its sessions as opaque blobs (OpenSSL's serialized SSL_SESSION) on the
 * TLSSocket's `session` event, and takes one back as `tls.connect({ session })`. A `TicketStore`
 * keeps those blobs between connections. With TLS 1.3 the blobs arrive after the handshake, as
 * the server's NewSessionTicket messages are read (so with the first data), and one connection
 * can deliver several; with TLS 1.2 there is one, during the handshake.
 *
 * A blob is offered once: `take()` removes it (RFC 8446 C.4 advises clients against reusing a
 * ticket, as a reused one links the connections for an observer).
 */
import type tls from 'node:tls';
import { TransportError } from '../../src/transport.js';

/**
 * Where node-tls keeps session blobs between connections, by server name. Any object with these
 * two methods will do (a shared cache, a file); both may be asynchronous. A store that throws,
 * rejects or gives back something other than bytes costs resumption, never the connection.
 *
 * `serverName` is the name the server's certificate was checked against: the SNI name, or the
 * host when it is an IP literal and no `serverName` was given. node:tls does not check the
 * certificate again when it resumes (it trusts the first connection's check), so a store must
 * give back a session only for the name it was stored under, and one store should serve
 * connections with the same `ca` and `rejectUnauthorized` settings only.
 */
export interface TicketStore {
  /** Keeps a session received from `serverName`. */
  put(serverName: string, session: Uint8Array): void | Promise<void>;
  /** Removes and returns a session for `serverName`, newest first, or undefined when none. */
  take(serverName: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

export interface MemoryTicketStoreOptions {
  /** Sessions kept per server name (0: none); older ones are dropped first. Default 4. */
  perServer?: number;
  /**
   * Sessions older than this are dropped by `take()`. Default 7 days, the longest RFC 8446
   * (section 4.6.1) lets a client keep a ticket. node:tls exposes no ticket lifetime, so this is
   * the store's only age limit; the ticket's own lifetime is still enforced by OpenSSL and the
   * server, and a session past it just resumes nothing (a full handshake).
   */
  maxAgeMs?: number;
}

const RFC8446_MAX_TICKET_AGE_MS = 7 * 24 * 60 * 60 * 1000;

interface KeptSession {
  readonly session: Uint8Array;
  readonly receivedAt: number;
}

/** Keeps sessions in memory, newest first, for the life of the object. */
export class MemoryTicketStore implements TicketStore {
  readonly #sessions = new Map<string, KeptSession[]>();
  readonly #perServer: number;
  readonly #maxAgeMs: number;

  constructor(options: MemoryTicketStoreOptions = {}) {
    this.#perServer = Math.max(0, Math.floor(options.perServer ?? 4));
    this.#maxAgeMs = options.maxAgeMs ?? RFC8446_MAX_TICKET_AGE_MS;
  }

  put(serverName: string, session: Uint8Array): void {
    const list = this.#sessions.get(serverName) ?? [];
    list.unshift({ session, receivedAt: Date.now() });
    list.length = Math.min(list.length, this.#perServer);
    this.#sessions.set(serverName, list);
  }

  take(serverName: string): Uint8Array | undefined {
    const list = this.#sessions.get(serverName);
    if (!list) return undefined;
    const now = Date.now();
    let found: Uint8Array | undefined;
    while (found === undefined && list.length > 0) {
      const kept = list.shift()!;
      if (now - kept.receivedAt < this.#maxAgeMs) found = kept.session;
    }
    if (list.length === 0) this.#sessions.delete(serverName);
    return found;
  }

  /** How many sessions are kept, over all server names. */
  get size(): number {
    let count = 0;
    for (const list of this.#sessions.values()) count += list.length;
    return count;
  }
}

/** How long `takeSession` may wait for an asynchronous store. */
export interface SessionWaitLimits {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * A session to offer to `serverName`, or undefined for a full handshake. A store failure or a
 * value that is not bytes gives undefined. Rejects only when an asynchronous `take()` outlasts
 * the handshake budget (TIMEOUT) or the signal aborts: the connection cannot go on then anyway.
 * Bytes that are not a session are ignored by node:tls; a session whose secret was altered makes
 * the server abort the handshake (its PSK binder no longer matches), which the caller reports.
 */
export async function takeSession(store: TicketStore, serverName: string, limits: SessionWaitLimits): Promise<Buffer | undefined> {
  let taken: unknown;
  try {
    taken = store.take(serverName);
  } catch {
    return undefined;
  }
  if (isThenable(taken)) taken = await settleWithin(taken, limits);
  return taken instanceof Uint8Array && taken.byteLength > 0 ? asBuffer(taken) : undefined;
}

/** Puts every session the connection receives into the store (TLS 1.3 sends several). */
export function keepSessions(socket: tls.TLSSocket, store: TicketStore, serverName: string): void {
  socket.on('session', (session: Buffer) => {
    try {
      const stored = store.put(serverName, session);
      if (isThenable(stored)) Promise.resolve(stored).catch(() => { /* costs resumption only */ });
    } catch {
      /* costs resumption only */
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The value `pending` settles with (undefined if it rejects), unless time runs out or the signal aborts first. */
function settleWithin(pending: PromiseLike<unknown>, limits: SessionWaitLimits): Promise<unknown> {
  const { signal, timeoutMs } = limits;
  const aborted = (): TransportError => new TransportError('HANDSHAKE_FAILED', 'handshake aborted', { cause: signal?.reason });
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(new TransportError('TIMEOUT', `the ticket store took over ${timeoutMs} ms (the handshake budget)`))), timeoutMs);
    // The TCP socket waiting for the session keeps the process alive, not this timer.
    timer.unref();
    const onAbort = (): void => finish(() => reject(aborted()));
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(pending).then(
      (value) => finish(() => resolve(value)),
      () => finish(() => resolve(undefined)),
    );
  });
}
