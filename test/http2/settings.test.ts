// The SETTINGS state machine and parameter handling (RFC 9113 6.5), and config resolution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionError, ErrorCode } from '../../src/http2/errors.js';
import { SettingId } from '../../src/http2/frame/index.js';
import { DEFAULT_SERVER_SETTINGS, RFC_INITIAL_SETTINGS, resolveConfig } from '../../src/http2/limits.js';
import { LocalSettings, applyRemoteSettings, settingsToWire } from '../../src/http2/settings.js';

describe('LocalSettings: to-send -> awaiting-ack -> synced', () => {
  it('starts in to-send with the RFC values acknowledged', () => {
    const s = new LocalSettings(DEFAULT_SERVER_SETTINGS);
    assert.equal(s.state, 'to-send');
    assert.deepEqual(s.acked, RFC_INITIAL_SETTINGS);
    assert.equal(s.latest.maxConcurrentStreams, 100);
  });

  it('send() lists only values that differ from the RFC defaults', () => {
    const s = new LocalSettings({ ...RFC_INITIAL_SETTINGS, maxConcurrentStreams: 10, initialWindowSize: 1 << 20 });
    assert.deepEqual(s.send(), [
      { id: SettingId.MAX_CONCURRENT_STREAMS, value: 10 },
      { id: SettingId.INITIAL_WINDOW_SIZE, value: 1 << 20 },
    ]);
    assert.equal(s.state, 'awaiting-ack');
    assert.equal(s.acked.initialWindowSize, 65535, 'not in force before the ACK');
  });

  it('ack() applies the values and reports what changed', () => {
    const s = new LocalSettings({ ...RFC_INITIAL_SETTINGS, headerTableSize: 0 });
    s.send();
    const changes = s.ack();
    assert.deepEqual(changes, [{ key: 'headerTableSize', previous: 4096, value: 0 }]);
    assert.equal(s.state, 'synced');
    assert.equal(s.acked.headerTableSize, 0);
  });

  it('several SETTINGS in flight are acknowledged in order (6.5.3)', () => {
    const s = new LocalSettings(RFC_INITIAL_SETTINGS);
    s.send();
    s.send({ maxFrameSize: 20000 });
    assert.equal(s.state, 'awaiting-ack');
    assert.deepEqual(s.ack(), []);
    assert.equal(s.state, 'awaiting-ack');
    assert.deepEqual(s.ack(), [{ key: 'maxFrameSize', previous: 16384, value: 20000 }]);
    assert.equal(s.state, 'synced');
  });

  it('an ACK with nothing outstanding is a PROTOCOL_ERROR', () => {
    const s = new LocalSettings(RFC_INITIAL_SETTINGS);
    assert.throws(() => s.ack(), (e: unknown) => e instanceof ConnectionError && e.code === ErrorCode.PROTOCOL_ERROR);
    s.send();
    s.ack();
    assert.throws(() => s.ack(), ConnectionError);
  });
});

describe('applyRemoteSettings', () => {
  it('replaces values in order and reports changes, ignoring unknown ids (6.5.2)', () => {
    const current = { ...RFC_INITIAL_SETTINGS };
    const changes = applyRemoteSettings(current, [
      { id: SettingId.INITIAL_WINDOW_SIZE, value: 1000 },
      { id: 0x99, value: 7 },
      { id: SettingId.INITIAL_WINDOW_SIZE, value: 2000 },
      { id: SettingId.MAX_CONCURRENT_STREAMS, value: 5 },
    ], 'server');
    assert.deepEqual(changes, [
      { key: 'initialWindowSize', previous: 65535, value: 1000 },
      { key: 'initialWindowSize', previous: 1000, value: 2000 },
      { key: 'maxConcurrentStreams', previous: Infinity, value: 5 },
    ]);
    assert.equal(current.initialWindowSize, 2000);
  });

  it('a client rejects ENABLE_PUSH=1 from a server (6.5.2)', () => {
    assert.throws(() => applyRemoteSettings({ ...RFC_INITIAL_SETTINGS }, [{ id: SettingId.ENABLE_PUSH, value: 1 }], 'client'), ConnectionError);
    const current = { ...RFC_INITIAL_SETTINGS };
    applyRemoteSettings(current, [{ id: SettingId.ENABLE_PUSH, value: 0 }], 'server');
    assert.equal(current.enablePush, false);
  });
});

describe('settingsToWire and resolveConfig', () => {
  it('omits unlimited values', () => {
    assert.deepEqual(settingsToWire({ ...RFC_INITIAL_SETTINGS, maxHeaderListSize: Infinity }), []);
  });

  it('fills defaults and derives the header block cap', () => {
    const { settings, limits } = resolveConfig('server', { maxHeaderListSize: 100_000 });
    assert.equal(settings.enablePush, false);
    assert.equal(limits.maxHeaderBlockBytes, 200_000);
    assert.equal(resolveConfig('client').limits.maxHeaderBlockBytes, 128 * 1024);
  });

  it('rejects out-of-range values', () => {
    assert.throws(() => resolveConfig('client', { maxFrameSize: 1000 }), RangeError);
    assert.throws(() => resolveConfig('client', { initialWindowSize: 2 ** 31 }), RangeError);
    assert.throws(() => resolveConfig('client', {}, { connectionWindowSize: 10 }), RangeError);
    assert.throws(() => resolveConfig('client', {}, { idleTimeoutMs: -1 }), RangeError);
  });
});
