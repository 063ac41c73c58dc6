/**
 * GOAWAY (RFC 9113 6.8): the frame we send, and what one we receive means for our streams.
 *
 * The connection keeps the GOAWAYs sent and received and acts on them (draining, closing,
 * resetting); this file only builds and reads them, so the rules of 6.8 read apart from the
 * state they feed.
 */
import { encodeFrame, type GoawayFrame } from './frame/index.js';
import { RequestRefusedError } from './session-errors.js';
import type { Stream } from './stream.js';

/** A GOAWAY as sent or received: the last stream its sender processed, why, and any debug data. */
export interface GoawayInfo {
  readonly lastStreamId: number;
  readonly errorCode: number;
  readonly debugData: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const textEncoder = new TextEncoder();

/** Ours: `debug` (may be empty) is cut to 200 characters, enough to say what went wrong. */
export function encodeGoaway(lastStreamId: number, errorCode: number, debug: string): { frame: Uint8Array; info: GoawayInfo } {
  const debugData = debug === '' ? EMPTY : textEncoder.encode(debug.slice(0, 200));
  return { frame: encodeFrame({ type: 'GOAWAY', lastStreamId, errorCode, debugData }), info: { lastStreamId, errorCode, debugData } };
}

/**
 * The peer's, merged with any earlier one: 6.8 lets it send several, and "Endpoints MUST NOT
 * increase the value they send in the last stream identifier", so the lowest one stands. The
 * debug data is copied out of the read buffer.
 */
export function mergeGoaway(previous: GoawayInfo | null, f: GoawayFrame): GoawayInfo {
  const lastStreamId = previous === null ? f.lastStreamId : Math.min(previous.lastStreamId, f.lastStreamId);
  return { lastStreamId, errorCode: f.errorCode, debugData: f.debugData.slice() };
}

/**
 * 6.8: "If the receiver of the GOAWAY has sent data on streams with a higher stream identifier
 * than what is indicated in the GOAWAY frame, those streams are not or will not be processed. The
 * receiver ... can treat the streams as though they had never been created". Our streams above
 * `lastStreamId` get a RequestRefusedError (safe to retry) and are returned for the caller to reset.
 */
export function refuseUnprocessed(streams: Iterable<Stream>, lastStreamId: number): Stream[] {
  const refused: Stream[] = [];
  for (const s of streams) {
    if (s.local && s.id > lastStreamId) {
      s.error ??= new RequestRefusedError(s.id, `not processed: above GOAWAY last-stream-id ${lastStreamId} (RFC 9113 6.8)`);
      refused.push(s);
    }
  }
  return refused;
}
