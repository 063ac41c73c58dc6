/** HTTP/2 frame codec (RFC 9113 4 and 6). Error types live in ../errors.ts. */
export {
  FrameType,
  Flag,
  CONNECTION_PREFACE,
  FRAME_HEADER_LENGTH,
  DEFAULT_MAX_FRAME_SIZE,
  MAX_ALLOWED_FRAME_SIZE,
  MAX_WINDOW,
  MAX_STREAM_ID,
} from './types.js';
export type {
  FrameHeader,
  Priority,
  Frame,
  EncodableFrame,
  DataFrame,
  HeadersFrame,
  PriorityFrame,
  RstStreamFrame,
  SettingsFrame,
  PushPromiseFrame,
  PingFrame,
  GoawayFrame,
  WindowUpdateFrame,
  ContinuationFrame,
  UnknownFrame,
} from './types.js';
export { SettingId, validateSetting } from './settings.js';
export { encodeFrame, encodeFrameHeader } from './encode.js';
export { decodeFrame } from './decode.js';
export { FrameReader, type FrameReaderOptions } from './reader.js';
