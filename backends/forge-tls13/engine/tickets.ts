/**
 * Session tickets (RFC 8446 section 4.6.1).
 *
 * Client side: a `TicketStore` keeps tickets per server name; `MemoryTicketStore` is the default
 * the driver uses when the caller gives none. Tickets are taken (removed) when used, so each is
 * offered once (RFC 8446 C.4 recommends against reuse).
 *
 * Server side: tickets are self-contained: the resumption PSK and what the session negotiated,
 * sealed with the listener's ticket key under an AEAD (AES-256-GCM). The server keeps no state.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { ByteReader } from '../wire/reader.js';
import { ByteWriter } from '../wire/writer.js';
import type { SessionTicket } from './events.js';

export interface TicketStore {
  /** Stores a ticket received from `serverName` (null: no SNI). */
  put(serverName: string | null, ticket: SessionTicket): void | Promise<void>;
  /** Removes and returns a ticket for `serverName`, or undefined. */
  take(serverName: string | null): SessionTicket | undefined | Promise<SessionTicket | undefined>;
}

/** Keeps up to `perServer` tickets per name, newest first; expired ones are dropped on take(). */
export class MemoryTicketStore implements TicketStore {
  readonly #tickets = new Map<string, SessionTicket[]>();
  constructor(private readonly perServer = 4) {}

  put(serverName: string | null, ticket: SessionTicket): void {
    const key = serverName ?? '';
    const list = this.#tickets.get(key) ?? [];
    list.unshift(ticket);
    list.length = Math.min(list.length, this.perServer);
    this.#tickets.set(key, list);
  }

  take(serverName: string | null): SessionTicket | undefined {
    const list = this.#tickets.get(serverName ?? '');
    const now = Date.now();
    while (list && list.length > 0) {
      const t = list.shift()!;
      if (now - t.receivedAt < t.lifetime * 1000) return t;
    }
    return undefined;
  }

  get size(): number {
    let n = 0;
    for (const list of this.#tickets.values()) n += list.length;
    return n;
  }
}

/** What a server ticket carries. */
export interface TicketState {
  readonly cipherSuiteId: number;
  readonly psk: Uint8Array;
  readonly ticketAgeAdd: number;
  /** ms since the epoch. */
  readonly issuedAt: number;
  readonly lifetime: number;
  readonly alpnProtocol: string | null;
  readonly serverName: string | null;
}

const TICKET_VERSION = 1;
const NONCE_LENGTH = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function sealTicket(p: CryptoProvider, key: Uint8Array, state: TicketState): Promise<Uint8Array> {
  const w = new ByteWriter();
  w.u8(TICKET_VERSION);
  w.u16(state.cipherSuiteId);
  w.opaque8(state.psk, 1, 255);
  w.u32(state.ticketAgeAdd);
  w.u32(Math.floor(state.issuedAt / 2 ** 32));
  w.u32(state.issuedAt >>> 0);
  w.u32(state.lifetime);
  w.opaque8(encoder.encode(state.alpnProtocol ?? ''), 0, 255);
  w.opaque16(encoder.encode(state.serverName ?? ''), 0, 0xffff);
  const nonce = p.randomBytes(NONCE_LENGTH);
  const aead = await p.aead('AES-256-GCM', key);
  const sealed = await aead.seal(nonce, Uint8Array.of(TICKET_VERSION), w.finish());
  const out = new Uint8Array(NONCE_LENGTH + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_LENGTH);
  return out;
}

/** The state inside a ticket, or undefined when it is not one of ours (or was tampered with). */
export async function openTicket(p: CryptoProvider, key: Uint8Array, ticket: Uint8Array): Promise<TicketState | undefined> {
  if (ticket.length < NONCE_LENGTH + 17) return undefined;
  const aead = await p.aead('AES-256-GCM', key);
  const plain = await aead.open(ticket.subarray(0, NONCE_LENGTH), Uint8Array.of(TICKET_VERSION), ticket.subarray(NONCE_LENGTH));
  if (plain === null) return undefined;
  try {
    const r = new ByteReader(plain, 'ticket');
    if (r.u8() !== TICKET_VERSION) return undefined;
    const cipherSuiteId = r.u16();
    const psk = r.opaque8(1, 255);
    const ticketAgeAdd = r.u32();
    const issuedAt = r.u32() * 2 ** 32 + r.u32();
    const lifetime = r.u32();
    const alpn = decoder.decode(r.opaque8(0, 255));
    const sni = decoder.decode(r.opaque16(0, 0xffff));
    r.end();
    return { cipherSuiteId, psk, ticketAgeAdd, issuedAt, lifetime, alpnProtocol: alpn || null, serverName: sni || null };
  } catch {
    return undefined;
  }
}
