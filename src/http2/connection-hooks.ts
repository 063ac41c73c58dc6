/**
 * What the connection tells the layer above it (client.ts, server.ts, driver.ts): new requests
 * and promises, the peer's SETTINGS and GOAWAY, free stream slots, output to write, and the end.
 *
 * In a file of its own so that the helpers beside the connection (recv-headers.ts,
 * settings-sync.ts) can name the hooks they call without importing the connection itself.
 */
import type { Http2Error } from './errors.js';
import type { GoawayInfo } from './goaway.js';
import type { RequestHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import type { Http2Settings } from './limits.js';
import type { Stream } from './stream.js';

export interface ConnectionHooks {
  /** Server: a request head passed validation on a new stream. */
  onRequest?(stream: Stream, head: RequestHead, fields: HeaderField[], endStream: boolean): void;
  /** Client with push enabled: a promise passed validation; `promised` is reserved (remote). */
  onPushPromise?(parent: Stream | undefined, promised: Stream, head: RequestHead, fields: HeaderField[]): boolean;
  onRemoteSettings?(settings: Readonly<Http2Settings>): void;
  onGoaway?(info: GoawayInfo): void;
  /** A stream we opened closed, or the peer raised MAX_CONCURRENT_STREAMS: queued requests may go. */
  onStreamSlot?(): void;
  /** There is output to write. */
  onOutput(): void;
  /** The connection is done; the driver flushes (unless destroyed) and closes the transport. */
  onClose(error: Http2Error | null, how: CloseHow): void;
}

/** graceful: GOAWAY(NO_ERROR) sent, all streams done. error: GOAWAY(code) sent. destroyed: drop everything. transport: it is already gone. */
export type CloseHow = 'graceful' | 'error' | 'destroyed' | 'transport';
