/**
 * The stream store: live streams by id, stream-id rules (RFC 9113 5.1.1), concurrency counts
 * (5.1.2), and a bounded memory of recently closed ids for the "closed" state's tolerance (5.1).
 */
import { Fifo } from '../fifo.js';
import type { Stream } from './stream.js';

/** How a stream we no longer track ended, to judge frames that still arrive for it. */
export type ClosedHow =
  /** We sent RST_STREAM: the peer may not know yet, late frames are ignored (5.1 "closed"). */
  | 'reset-by-us'
  /** Both sides ended or the peer reset it: the peer knows, more frames are errors. */
  | 'closed';


export class StreamStore {
  private readonly live = new Map<number, Stream>();
  /** Streams we initiated / the peer initiated that count toward MAX_CONCURRENT_STREAMS. */
  activeLocal = 0;
  activeRemote = 0;
  /** Next id we will use: odd for a client, even for a server (5.1.1). */
  nextLocalId: number;
  /** Highest id the peer has opened or reserved (for GOAWAY's last-stream-id, and idleness). */
  lastRemoteId = 0;

  private readonly recentIds: Int32Array;
  private readonly recentHow = new Map<number, ClosedHow>();
  private recentNext = 0;

  constructor(
    readonly role: 'client' | 'server',
    maxRecentlyClosed: number,
  ) {
    this.nextLocalId = role === 'client' ? 1 : 2;
    this.recentIds = new Int32Array(Math.max(1, maxRecentlyClosed));
  }

  get size(): number {
    return this.live.size;
  }

  get(id: number): Stream | undefined {
    return this.live.get(id);
  }

  add(stream: Stream): void {
    this.live.set(stream.id, stream);
  }

  delete(stream: Stream, how: ClosedHow): void {
    if (this.live.get(stream.id) === stream) this.live.delete(stream.id);
    this.rememberClosed(stream.id, how);
  }

  values(): IterableIterator<Stream> {
    return this.live.values();
  }

  /** 5.1.1: "Streams initiated by a client MUST use odd-numbered stream identifiers". */
  isLocalId(id: number): boolean {
    return (id & 1) === (this.role === 'client' ? 1 : 0);
  }

  /** Still idle: never opened, reserved, or skipped over (5.1.1). */
  isIdle(id: number): boolean {
    return this.isLocalId(id) ? id >= this.nextLocalId : id > this.lastRemoteId;
  }

  /** How a recently closed stream ended, if we still remember it. */
  closedHow(id: number): ClosedHow | undefined {
    return this.recentHow.get(id);
  }

  /** Records a closed id, forgetting the oldest one beyond the bound. */
  rememberClosed(id: number, how: ClosedHow): void {
    if (this.recentHow.has(id)) {
      if (how === 'reset-by-us') this.recentHow.set(id, how);
      return;
    }
    const slot = this.recentNext;
    const old = this.recentIds[slot]!;
    if (old !== 0) this.recentHow.delete(old);
    this.recentIds[slot] = id;
    this.recentHow.set(id, how);
    this.recentNext = (slot + 1) % this.recentIds.length;
  }

  /** Allocates the next local id, or -1 when the 31-bit space is exhausted (5.1.1). */
  allocateLocalId(): number {
    const id = this.nextLocalId;
    if (id > 0x7fffffff) return -1;
    this.nextLocalId += 2;
    return id;
  }
}
