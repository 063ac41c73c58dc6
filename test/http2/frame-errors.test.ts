// Error codes and error classes (RFC 9113 5.4, 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, ErrorCode, Http2Error, StreamError, errorCodeName } from '../../src/http2/errors.js';

test('ErrorCode has the RFC 9113 section 7 values', () => {
  assert.deepEqual(Object.entries(ErrorCode), [
    ['NO_ERROR', 0x0],
    ['PROTOCOL_ERROR', 0x1],
    ['INTERNAL_ERROR', 0x2],
    ['FLOW_CONTROL_ERROR', 0x3],
    ['SETTINGS_TIMEOUT', 0x4],
    ['STREAM_CLOSED', 0x5],
    ['FRAME_SIZE_ERROR', 0x6],
    ['REFUSED_STREAM', 0x7],
    ['CANCEL', 0x8],
    ['COMPRESSION_ERROR', 0x9],
    ['CONNECT_ERROR', 0xa],
    ['ENHANCE_YOUR_CALM', 0xb],
    ['INADEQUATE_SECURITY', 0xc],
    ['HTTP_1_1_REQUIRED', 0xd],
  ]);
});

test('errorCodeName names known codes and passes unknown ones through', () => {
  assert.equal(errorCodeName(0), 'NO_ERROR');
  assert.equal(errorCodeName(ErrorCode.PROTOCOL_ERROR), 'PROTOCOL_ERROR');
  assert.equal(errorCodeName(0xd), 'HTTP_1_1_REQUIRED');
  assert.equal(errorCodeName(0xe), 'UNKNOWN(0xe)');
  assert.equal(errorCodeName(0x1f), 'UNKNOWN(0x1f)');
  assert.equal(errorCodeName(0xffffffff), 'UNKNOWN(0xffffffff)');
});

test('ConnectionError carries code, initiator and a message naming the code', () => {
  const e = new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'window overflow');
  assert.ok(e instanceof Http2Error && e instanceof Error);
  assert.ok(!(e instanceof StreamError));
  assert.equal(e.code, 3);
  assert.equal(e.initiator, 'library');
  assert.equal(e.name, 'ConnectionError');
  assert.equal(e.message, 'FLOW_CONTROL_ERROR: window overflow');
  assert.equal(new ConnectionError(0x42, 'peer said so', 'remote').initiator, 'remote');
  assert.match(new ConnectionError(0x42, 'x').message, /UNKNOWN\(0x42\)/);
});

test('StreamError carries the stream id as well', () => {
  const e = new StreamError(7, ErrorCode.CANCEL, 'cancelled by the app', 'user');
  assert.ok(e instanceof Http2Error);
  assert.ok(!(e instanceof ConnectionError));
  assert.equal(e.streamId, 7);
  assert.equal(e.code, ErrorCode.CANCEL);
  assert.equal(e.initiator, 'user');
  assert.equal(e.name, 'StreamError');
  assert.equal(e.message, 'CANCEL on stream 7: cancelled by the app');
});
