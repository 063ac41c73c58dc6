/** HPACK: header compression for HTTP/2 (RFC 7541). */
export type { HeaderField } from './header-field.js';
export { HpackError, type HpackErrorKind } from './errors.js';
export {
  HpackEncoder,
  ENCODER_TABLE_SIZE_LIMIT,
  type HpackEncoderOptions,
  type HuffmanMode,
  type Representation,
} from './encoder.js';
export { HpackDecoder, type HpackDecoderOptions } from './decoder.js';
