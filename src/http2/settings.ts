/**
 * SETTINGS exchange (RFC 9113 6.5) as two small pieces of state:
 *
 * - `LocalSettings`: what we advertise. A tiny state machine, one instance per connection:
 *
 *       to-send --send()--> awaiting-ack --ack()--> synced
 *                              ^   |                  |
 *                              |   `-- send() again --'  (several SETTINGS may be in flight;
 *                              `------- send() ----------  each ACK confirms the oldest, 6.5.3)
 *
 *   `acked` holds the values the peer has confirmed. Values that only constrain us (our decoder's
 *   table size, our FrameReader's max frame size, our receive windows) switch over on ACK, because
 *   until then the peer may still be using the old ones (6.5.3). Values that are pure local policy
 *   (MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE) are enforced from the start: a peer that opens
 *   streams before reading our SETTINGS gets REFUSED_STREAM, which is safe to retry.
 *
 * - `applyRemoteSettings`: the peer's values, replaced parameter by parameter in frame order
 *   ("Each parameter in a SETTINGS frame replaces any existing value for that parameter", 6.5).
 */
import { ConnectionError, ErrorCode } from './errors.js';
import { SettingId } from './frame/index.js';
import { RFC_INITIAL_SETTINGS, type Http2Settings } from './limits.js';

export type LocalSettingsState = 'to-send' | 'awaiting-ack' | 'synced';

/** One parameter change, as the connection needs to act on it. */
export type SettingChange = { [K in keyof Http2Settings]: { key: K; previous: Http2Settings[K]; value: Http2Settings[K] } }[keyof Http2Settings];

/** The wire form of `settings`, listing only values that differ from `base` (RFC initial values). */
export function settingsToWire(settings: Http2Settings, base: Http2Settings = RFC_INITIAL_SETTINGS): Array<{ id: number; value: number }> {
  const out: Array<{ id: number; value: number }> = [];
  const add = (id: number, value: number, baseValue: number): void => {
    if (value !== baseValue && Number.isFinite(value)) out.push({ id, value });
  };
  add(SettingId.HEADER_TABLE_SIZE, settings.headerTableSize, base.headerTableSize);
  add(SettingId.ENABLE_PUSH, settings.enablePush ? 1 : 0, base.enablePush ? 1 : 0);
  add(SettingId.MAX_CONCURRENT_STREAMS, settings.maxConcurrentStreams, base.maxConcurrentStreams);
  add(SettingId.INITIAL_WINDOW_SIZE, settings.initialWindowSize, base.initialWindowSize);
  add(SettingId.MAX_FRAME_SIZE, settings.maxFrameSize, base.maxFrameSize);
  add(SettingId.MAX_HEADER_LIST_SIZE, settings.maxHeaderListSize, base.maxHeaderListSize);
  return out;
}

export class LocalSettings {
  private stateValue: LocalSettingsState = 'to-send';
  /** Values the peer has acknowledged (the RFC initial values until the first ACK). */
  private ackedValue: Http2Settings = { ...RFC_INITIAL_SETTINGS };
  /** Sent, not yet acknowledged, oldest first. */
  private readonly inFlight: Http2Settings[] = [];
  /** The newest values we decided on (sent or about to be). */
  private latestValue: Http2Settings;

  constructor(initial: Http2Settings) {
    this.latestValue = { ...initial };
  }

  get state(): LocalSettingsState {
    return this.stateValue;
  }

  get acked(): Readonly<Http2Settings> {
    return this.ackedValue;
  }

  /** What we asked for most recently: the limits we enforce as local policy. */
  get latest(): Readonly<Http2Settings> {
    return this.latestValue;
  }

  /** Records that a SETTINGS frame with `next` (all values) goes out now; returns its entries. */
  send(next: Partial<Http2Settings> = {}): Array<{ id: number; value: number }> {
    const base = this.inFlight.length > 0 ? this.inFlight[this.inFlight.length - 1]! : this.ackedValue;
    this.latestValue = { ...this.latestValue, ...next };
    this.inFlight.push({ ...this.latestValue });
    this.stateValue = 'awaiting-ack';
    return settingsToWire(this.latestValue, base);
  }

  /**
   * The peer acknowledged our oldest SETTINGS in flight; returns what changed. An ACK we never
   * asked for is a PROTOCOL_ERROR (6.5.3 makes ACKs answer SETTINGS one to one; nghttp2 does the same).
   */
  ack(): SettingChange[] {
    const confirmed = this.inFlight.shift();
    if (confirmed === undefined) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'SETTINGS ACK without outstanding SETTINGS (RFC 9113 6.5.3)');
    }
    const changes = diff(this.ackedValue, confirmed);
    this.ackedValue = confirmed;
    this.stateValue = this.inFlight.length === 0 ? 'synced' : 'awaiting-ack';
    return changes;
  }
}

function diff(before: Http2Settings, after: Http2Settings): SettingChange[] {
  const out: SettingChange[] = [];
  for (const key of Object.keys(after) as (keyof Http2Settings)[]) {
    if (before[key] !== after[key]) out.push({ key, previous: before[key], value: after[key] } as SettingChange);
  }
  return out;
}

/**
 * Applies a peer's SETTINGS entries (already range-checked by the frame decoder) to `current` in
 * place and returns the changes in order. Unknown ids are ignored (6.5.2: "MUST ignore").
 */
export function applyRemoteSettings(
  current: Http2Settings,
  entries: ReadonlyArray<{ id: number; value: number }>,
  role: 'client' | 'server',
): SettingChange[] {
  const changes: SettingChange[] = [];
  const set = <K extends keyof Http2Settings>(key: K, value: Http2Settings[K]): void => {
    const previous = current[key];
    current[key] = value;
    if (previous !== value) changes.push({ key, previous, value } as SettingChange);
  };
  for (const { id, value } of entries) {
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        set('headerTableSize', value);
        break;
      case SettingId.ENABLE_PUSH:
        // RFC 9113 6.5.2: "A client MUST treat receipt of a SETTINGS frame with
        // SETTINGS_ENABLE_PUSH set to 1 as a connection error ... of type PROTOCOL_ERROR."
        if (role === 'client' && value === 1) {
          throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'server sent SETTINGS_ENABLE_PUSH=1 (RFC 9113 6.5.2)');
        }
        set('enablePush', value === 1);
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        set('maxConcurrentStreams', value);
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        set('initialWindowSize', value);
        break;
      case SettingId.MAX_FRAME_SIZE:
        set('maxFrameSize', value);
        break;
      case SettingId.MAX_HEADER_LIST_SIZE:
        set('maxHeaderListSize', value);
        break;
      case SettingId.ENABLE_CONNECT_PROTOCOL:
        set('enableConnectProtocol', value === 1);
        break;
      default:
        break; // unknown: ignored (6.5.2)
    }
  }
  return changes;
}
