/**
 * Handshake message reassembly (RFC 8446 section 5.1): handshake messages may be coalesced into one
 * record or split across several. Feed it the (decrypted) content of every handshake record; it
 * yields whole messages with the 4-byte header kept for the transcript hash (section 4.4.1).
 *
 *   struct { HandshakeType msg_type; uint24 length; ... } Handshake;   (section 4)
 *
 * Decisions:
 *  - An unknown msg_type, and message_hash (254, synthetic, never sent), are unexpected_message,
 *    detected from the first byte.
 *  - A declared length above `maxMessageLength` (default 64 KiB; raise it for large certificate
 *    chains) is decode_error: RFC 8446 section 6.2 defines decode_error as "some field was out of
 *    the specified range or the length of the message was incorrect", which is what a length
 *    beyond what we accept is. Detected from the header, before buffering the body.
 *  - The engine must call isEmpty() before every key change: a handshake message must not span a
 *    key change, otherwise unexpected_message (5.1). `assertEmptyAtKeyChange()` does just that.
 *  - Errors are sticky.
 */

import { HANDSHAKE_HEADER_LENGTH, HandshakeType, handshakeTypeName, isHandshakeType } from './constants.js';
import { ByteQueue } from './byte-queue.js';
import { TlsError } from './errors.js';

export interface RawHandshake {
  readonly type: HandshakeType;
  /** The body without the 4-byte header. */
  readonly body: Uint8Array;
  /** Header + body, exactly as received: what goes into the transcript hash. */
  readonly raw: Uint8Array;
}

export interface HandshakeReassemblerOptions {
  /** Largest accepted body length. Default 65536. */
  readonly maxMessageLength?: number;
}

export const DEFAULT_MAX_HANDSHAKE_MESSAGE_LENGTH = 1 << 16;

export class HandshakeReassembler {
  readonly #queue = new ByteQueue();
  #error: TlsError | undefined;
  /** Settable at any time. */
  maxMessageLength: number;

  constructor(options: HandshakeReassemblerOptions = {}) {
    this.maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_MESSAGE_LENGTH;
  }

  /** The fragment of one handshake record. */
  push(fragment: Uint8Array): void {
    if (this.#error) throw this.#error;
    this.#queue.push(fragment);
  }

  /** True when no partial message is buffered. */
  isEmpty(): boolean {
    return this.#queue.length === 0;
  }

  get bufferedLength(): number {
    return this.#queue.length;
  }

  /** RFC 8446 section 5.1: handshake messages MUST NOT span key changes. */
  assertEmptyAtKeyChange(): void {
    if (!this.isEmpty()) {
      throw TlsError.unexpectedMessage('handshake message spans a key change');
    }
  }

  /** The next whole message, or null if more bytes are needed. */
  next(): RawHandshake | null {
    if (this.#error) throw this.#error;
    try {
      return this.#next();
    } catch (e) {
      this.#error = e instanceof TlsError ? e : TlsError.internalError('handshake reassembly failure', e);
      throw this.#error;
    }
  }

  #next(): RawHandshake | null {
    const q = this.#queue;
    if (q.length < 1) return null;
    const type = q.at(0);
    if (!isHandshakeType(type) || type === HandshakeType.message_hash) {
      throw TlsError.unexpectedMessage(`unexpected handshake message type ${handshakeTypeName(type)}`);
    }
    if (q.length < HANDSHAKE_HEADER_LENGTH) return null;
    const length = (q.at(1) << 16) | (q.at(2) << 8) | q.at(3);
    if (length > this.maxMessageLength) {
      throw TlsError.decodeError(`${handshakeTypeName(type)} of ${length} bytes exceeds the limit of ${this.maxMessageLength}`);
    }
    if (q.length < HANDSHAKE_HEADER_LENGTH + length) return null;
    const raw = q.take(HANDSHAKE_HEADER_LENGTH + length);
    return { type, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw };
  }
}
