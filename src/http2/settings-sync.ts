/**
 * The SETTINGS exchange on a live connection (RFC 9113 6.5): our SETTINGS out and the
 * SETTINGS_TIMEOUT that waits for their ACK (6.5.3); the peer's SETTINGS in and our ACK; and, in
 * one exhaustive `match` per direction, what each changed parameter does to the connection.
 *
 * settings.ts holds the values and their small state machine as plain data; this file is where
 * they reach the streams, the send scheduler, HPACK and the frame reader. It stands apart from the
 * connection core because none of that is stream lifecycle or error mapping: a bad value throws a
 * ConnectionError, and the connection does the rest.
 */
import { match } from 'ts-pattern';
import type { ConnectionHooks } from './connection-hooks.js';
import { ConnectionError, ErrorCode } from './errors.js';
import { encodeFrame, type FrameReader, type SettingsFrame } from './frame/index.js';
import type { HpackDecoder } from './hpack/index.js';
import { startTimer, type Http2Limits, type Http2Settings } from './limits.js';
import type { OutputBuffer } from './output.js';
import type { Sender } from './send.js';
import { applyRemoteSettings, type LocalSettings, type SettingChange } from './settings.js';
import type { StreamStore } from './streams.js';

/** What the SETTINGS exchange needs from its connection. */
export interface SettingsHost {
  readonly role: 'client' | 'server';
  readonly limits: Readonly<Http2Limits>;
  /** Ours: what we advertised and what the peer has acknowledged. */
  readonly localSettings: LocalSettings;
  /** The peer's, as in force: updated in place, since the connection and the sender read it. */
  readonly remoteSettings: Http2Settings;
  readonly streams: StreamStore;
  /** Queues the ACK the peer is owed; false when the connection failed instead (flood of unread control frames). */
  queueControl(frame: Uint8Array): boolean;
  /** Runs a timer's work so that what it throws becomes GOAWAY, as if a frame had caused it. */
  safely(fn: () => void): void;
  /** The peer may allow more streams now: tell whoever waits for a slot. */
  notifySlot(): void;
  readonly hooks: Pick<ConnectionHooks, 'onRemoteSettings'>;
  onOutput(): void;
}

export class SettingsSync {
  private ackTimer: NodeJS.Timeout | undefined;

  /** `sender`, `decoder` and `reader` are what the changed values apply to. */
  constructor(
    private readonly out: OutputBuffer,
    private readonly sender: Sender,
    private readonly decoder: HpackDecoder,
    private readonly reader: FrameReader,
    private readonly host: SettingsHost,
  ) {}

  /** Sends SETTINGS (the preface's, or a later update) and arms SETTINGS_TIMEOUT (6.5.3). */
  send(update?: Partial<Http2Settings>): void {
    const settings = this.host.localSettings.send(update);
    this.out.bytes(encodeFrame({ type: 'SETTINGS', ack: false, settings }));
    if (update?.maxHeaderListSize !== undefined) this.decoder.maxHeaderListSize = update.maxHeaderListSize;
    this.armTimer();
    this.host.onOutput();
  }

  receive(f: SettingsFrame): void {
    const host = this.host;
    if (f.ack) {
      for (const change of host.localSettings.ack()) this.applyAcked(change);
      this.armTimer();
      return;
    }
    const changes = applyRemoteSettings(host.remoteSettings, f.settings, host.role);
    for (const change of changes) this.applyRemote(change);
    host.notifySlot(); // the provisional limit of canOpenStream() is replaced by the real one
    // 6.5.3: "Upon receiving a SETTINGS frame without the ACK flag set, the receiver MUST
    // immediately emit a SETTINGS frame with the ACK flag set"
    if (!host.queueControl(encodeFrame({ type: 'SETTINGS', ack: true, settings: [] }))) return;
    host.hooks.onRemoteSettings?.(host.remoteSettings);
  }

  /** The connection closed: no more waiting for an ACK. */
  stop(): void {
    clearTimeout(this.ackTimer);
  }

  /** Runs while SETTINGS of ours are unacknowledged; each ACK restarts it for the next one in flight. */
  private armTimer(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const ms = this.host.limits.settingsTimeoutMs;
    if (this.host.localSettings.state !== 'awaiting-ack') return;
    this.ackTimer = startTimer(ms, () => {
      // 6.5.3: "If the sender of a SETTINGS frame does not receive an acknowledgment within a
      // reasonable amount of time, it MAY issue a connection error ... of type SETTINGS_TIMEOUT."
      this.host.safely(() => {
        throw new ConnectionError(ErrorCode.SETTINGS_TIMEOUT, `SETTINGS not acknowledged within ${ms} ms (RFC 9113 6.5.3)`);
      });
    });
  }

  /** The peer's new value takes effect now (6.5.3: "the values ... MUST be applied in the order received"). */
  private applyRemote(change: SettingChange): void {
    const { streams } = this.host;
    const sender = this.sender;
    match(change)
      .with({ key: 'initialWindowSize' }, (c) => {
        // 6.9.2: adjust every stream send window by the difference; overflow is a connection
        // FLOW_CONTROL_ERROR ("An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE
        // that causes any flow-control window to exceed the maximum size as a connection error").
        const delta = c.value - c.previous;
        for (const s of streams.values()) {
          if (!s.sendWindow.adjust(delta)) {
            throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE change overflows the window of stream ${s.id} (RFC 9113 6.9.2)`);
          }
          if (delta > 0) sender.schedule(s);
        }
      })
      .with({ key: 'headerTableSize' }, (c) => sender.encoder.setMaxTableSize(c.value))
      .with({ key: 'maxConcurrentStreams' }, () => this.host.notifySlot())
      .with({ key: 'maxFrameSize' }, () => {}) // read when framing
      .with({ key: 'maxHeaderListSize' }, () => {}) // checked before sending a block
      .with({ key: 'enablePush' }, () => {}) // we never push
      .with({ key: 'enableConnectProtocol' }, () => {})
      .exhaustive();
  }

  /** Our value is acknowledged: the peer now uses it, so we switch over too (6.5.3). */
  private applyAcked(change: SettingChange): void {
    const { streams } = this.host;
    const { decoder, reader } = this;
    match(change)
      .with({ key: 'initialWindowSize' }, (c) => {
        const delta = c.value - c.previous;
        for (const s of streams.values()) s.recvWindow.adjust(delta);
      })
      .with({ key: 'headerTableSize' }, (c) => decoder.setMaxTableSize(c.value))
      .with({ key: 'maxFrameSize' }, (c) => (reader.maxFrameSize = c.value))
      .with({ key: 'maxHeaderListSize' }, () => {}) // enforced from the start
      .with({ key: 'maxConcurrentStreams' }, () => {}) // enforced from the start
      .with({ key: 'enablePush' }, () => {})
      .with({ key: 'enableConnectProtocol' }, () => {})
      .exhaustive();
  }
}
