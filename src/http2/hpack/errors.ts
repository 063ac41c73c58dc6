import type { HeaderField } from './header-field.js';

/**
 * - COMPRESSION: the block is malformed; the decoder's table can no longer be
 *   trusted (HTTP/2: connection error COMPRESSION_ERROR, RFC 9113 4.3).
 * - HEADER_LIST_TOO_LARGE: the block was fully processed and the dynamic table
 *   is still in sync, but the header list was over the local limit
 *   (HTTP/2: stream error / 431).
 * - INVALID_INPUT: the encoder was handed something it cannot encode.
 */
export type HpackErrorKind = 'COMPRESSION' | 'HEADER_LIST_TOO_LARGE' | 'INVALID_INPUT';

export class HpackError extends Error {
  readonly kind: HpackErrorKind;
  /**
   * HEADER_LIST_TOO_LARGE only: the fields decoded before the limit was
   * crossed (for logging or a 431 response). Fields past the limit are
   * counted, never materialised.
   */
  readonly fieldsBeforeLimit: readonly HeaderField[] | undefined;

  constructor(kind: HpackErrorKind, message: string, fieldsBeforeLimit?: readonly HeaderField[]) {
    super(message);
    this.name = 'HpackError';
    this.kind = kind;
    this.fieldsBeforeLimit = fieldsBeforeLimit;
  }
}

/** Shorthand for the decoder's many "this block is broken" exits. */
export function compressionError(message: string): HpackError {
  return new HpackError('COMPRESSION', message);
}
