/**
 * HTTP/2 frames as plain data (RFC 9113 4 and 6). Encoding lives in encode.ts, decoding and
 * validation in decode.ts, the incremental byte-stream reader in reader.ts.
 */

/** Frame type codes (RFC 9113 6). Any other type decodes as an UNKNOWN frame. */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

/** Flag bits (RFC 9113 6). ACK shares bit 0x1 with END_STREAM; the frame type tells them apart. */
export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** Client connection preface, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 3.4). */
export const CONNECTION_PREFACE: Uint8Array = new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Every frame starts with a 9-octet header (RFC 9113 4.1). */
export const FRAME_HEADER_LENGTH = 9;
/** Initial SETTINGS_MAX_FRAME_SIZE, 2^14 (RFC 9113 6.5.2). */
export const DEFAULT_MAX_FRAME_SIZE = 16384;
/** Largest SETTINGS_MAX_FRAME_SIZE, 2^24-1 (RFC 9113 4.2). */
export const MAX_ALLOWED_FRAME_SIZE = 16777215;
/** Largest flow-control window and window increment, 2^31-1 (RFC 9113 6.9.1). */
export const MAX_WINDOW = 2 ** 31 - 1;
/** Stream identifiers are 31-bit (RFC 9113 4.1). */
export const MAX_STREAM_ID = 2 ** 31 - 1;

/** Fields of a frame header, RFC 9113 4.1 (reserved bit of the stream id already cleared). */
export interface FrameHeader {
  length: number;
  type: number;
  flags: number;
  streamId: number;
}

/** RFC 7540 priority fields, still carried by HEADERS and PRIORITY (RFC 9113 5.3.2). */
export interface Priority {
  exclusive: boolean;
  dependency: number;
  /** 1..256: the wire carries weight - 1. */
  weight: number;
}

/**
 * Decoded frames. Conventions:
 * - Optional fields (`padLength`, `priority`) are always present as own properties, `undefined`
 *   when absent, so every frame of one type has one object shape.
 * - `padLength` undefined = the PADDED flag was not set; a number = it was set (0 allowed).
 * - Uint8Array fields returned by the decoder may be subarrays of the bytes handed to it (no copy):
 *   copy them if you keep them past the input buffer's lifetime or if the input is reused.
 */
export interface DataFrame {
  type: 'DATA';
  streamId: number;
  data: Uint8Array;
  endStream: boolean;
  padLength?: number;
  /** Whole frame payload length, pad-length octet and padding included (RFC 9113 6.1, 6.9.1). */
  flowControlledLength: number;
}

export interface HeadersFrame {
  type: 'HEADERS';
  streamId: number;
  headerBlock: Uint8Array;
  endStream: boolean;
  endHeaders: boolean;
  priority?: Priority;
  padLength?: number;
}

export interface PriorityFrame {
  type: 'PRIORITY';
  streamId: number;
  priority: Priority;
}

export interface RstStreamFrame {
  type: 'RST_STREAM';
  streamId: number;
  errorCode: number;
}

/** Always on stream 0. Settings are in wire order; unknown ids are kept (the caller ignores them). */
export interface SettingsFrame {
  type: 'SETTINGS';
  ack: boolean;
  settings: Array<{ id: number; value: number }>;
}

export interface PushPromiseFrame {
  type: 'PUSH_PROMISE';
  streamId: number;
  promisedStreamId: number;
  headerBlock: Uint8Array;
  endHeaders: boolean;
  padLength?: number;
}

/** Always on stream 0; `data` is exactly 8 octets. */
export interface PingFrame {
  type: 'PING';
  ack: boolean;
  data: Uint8Array;
}

/** Always on stream 0. */
export interface GoawayFrame {
  type: 'GOAWAY';
  lastStreamId: number;
  errorCode: number;
  debugData: Uint8Array;
}

/** Stream 0 = the connection window. */
export interface WindowUpdateFrame {
  type: 'WINDOW_UPDATE';
  streamId: number;
  increment: number;
}

export interface ContinuationFrame {
  type: 'CONTINUATION';
  streamId: number;
  headerBlock: Uint8Array;
  endHeaders: boolean;
}

/** A frame of a type this library does not know; the connection MUST ignore it (RFC 9113 4.1, 5.5). */
export interface UnknownFrame {
  type: 'UNKNOWN';
  frameType: number;
  flags: number;
  streamId: number;
  payload: Uint8Array;
}

export type Frame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | UnknownFrame;

/**
 * What encodeFrame accepts: any Frame, except that a DATA frame may leave out
 * `flowControlledLength` (the encoder derives the payload length itself and ignores the field).
 */
export type EncodableFrame =
  | Exclude<Frame, DataFrame>
  | (Omit<DataFrame, 'flowControlledLength'> & { flowControlledLength?: number });
