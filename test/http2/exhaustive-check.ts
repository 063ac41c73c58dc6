/**
 * Compile-time check, run by `tsc --noEmit -p .`: the per-frame dispatch in connection.ts uses a
 * `switch` ending in `assertNever(frame)` instead of ts-pattern (hot path). This shows that such a
 * switch with one frame type left out does not compile: if it did, the `@ts-expect-error` below
 * would be unused, which is itself a compile error. (The stream-state table is checked the same
 * way by its `Record<StreamState, Record<StreamEvent, ...>>` type.)
 */
import { assertNever } from '../../src/http2/connection.js';
import type { Frame } from '../../src/http2/frame/index.js';
import type { StreamEvent, StreamState, IllegalTransition } from '../../src/http2/stream-state.js';

export function dispatchMissingUnknown(frame: Frame): string {
  switch (frame.type) {
    case 'DATA':
    case 'HEADERS':
    case 'PRIORITY':
    case 'RST_STREAM':
    case 'SETTINGS':
    case 'PUSH_PROMISE':
    case 'PING':
    case 'GOAWAY':
    case 'WINDOW_UPDATE':
    case 'CONTINUATION':
      return frame.type;
    default:
      // @ts-expect-error -- 'UNKNOWN' is not handled, so `frame` is not `never` here
      return assertNever(frame);
  }
}

// A transition table missing the 'closed' row does not compile either.
// @ts-expect-error -- property 'closed' is missing
export const tableMissingARow: Record<StreamState, Record<StreamEvent, StreamState | IllegalTransition>> = {
  idle: {} as Record<StreamEvent, StreamState>,
  'reserved-local': {} as Record<StreamEvent, StreamState>,
  'reserved-remote': {} as Record<StreamEvent, StreamState>,
  open: {} as Record<StreamEvent, StreamState>,
  'half-closed-local': {} as Record<StreamEvent, StreamState>,
  'half-closed-remote': {} as Record<StreamEvent, StreamState>,
};
