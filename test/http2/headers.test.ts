// Field validation (RFC 9113 8.1 - 8.3) and user header conversion.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, StreamError } from '../../src/http2/errors.js';
import { appendUserHeaders, fieldsToRecord, isValidFieldName, isValidFieldValue, validateRequest, validateResponse, validateTrailers } from '../../src/http2/headers.js';
import type { HeaderField } from '../../src/http2/hpack/index.js';

const f = (pairs: Array<[string, string]>): HeaderField[] => pairs.map(([name, value]) => ({ name, value }));
const req = (extra: Array<[string, string]> = []): HeaderField[] => f([[':method', 'GET'], [':scheme', 'https'], [':authority', 'a.test'], [':path', '/'], ...extra]);
const malformed = (e: unknown): boolean => e instanceof StreamError && e.code === ErrorCode.PROTOCOL_ERROR && e.streamId === 1;

describe('field syntax (8.2.1)', () => {
  it('names: lowercase tokens only', () => {
    for (const ok of ['a', 'x-y', 'content-length', "!#$%&'*+-.^_`|~09az"]) assert.ok(isValidFieldName(ok), ok);
    for (const bad of ['', 'A', 'x y', 'x:y', 'x\0', 'é', '"q"']) assert.ok(!isValidFieldName(bad), bad);
  });

  it('values: no NUL/CR/LF, no leading or trailing whitespace', () => {
    for (const ok of ['', 'a b', 'x\ty', '\x80\xff']) assert.ok(isValidFieldValue(ok), JSON.stringify(ok));
    for (const bad of [' a', 'a ', '\ta', 'a\r', 'a\nb', 'a\0b', 'Ā']) assert.ok(!isValidFieldValue(bad), JSON.stringify(bad));
  });
});

describe('requests (8.3.1)', () => {
  it('accepts a normal request and reads content-length', () => {
    const head = validateRequest(1, req([['content-length', '42']]));
    assert.deepEqual(head, { method: 'GET', scheme: 'https', authority: 'a.test', path: '/', contentLength: 42 });
  });

  it('accepts OPTIONS *, CONNECT with only :authority, and host equal to :authority', () => {
    validateRequest(1, f([[':method', 'OPTIONS'], [':scheme', 'https'], [':path', '*']]));
    validateRequest(1, f([[':method', 'CONNECT'], [':authority', 'h:443']]));
    validateRequest(1, req([['host', 'A.test']]));
    assert.equal(validateRequest(1, f([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], ['host', 'h']])).authority, 'h');
  });

  const bad: Array<[string, HeaderField[]]> = [
    ['missing :method', f([[':scheme', 'https'], [':path', '/']])],
    ['missing :scheme', f([[':method', 'GET'], [':path', '/']])],
    ['missing :path', f([[':method', 'GET'], [':scheme', 'https']])],
    ['empty :path', f([[':method', 'GET'], [':scheme', 'https'], [':path', '']])],
    ['relative :path', f([[':method', 'GET'], [':scheme', 'https'], [':path', 'x']])],
    ['duplicate pseudo', req([[':method', 'GET']])],
    ['pseudo after regular', f([[':method', 'GET'], ['x', '1'], [':scheme', 'https'], [':path', '/']])],
    [':status in a request', req([[':status', '200']])],
    ['unknown pseudo', req([[':foo', 'x']])],
    ['uppercase name', req([['X', '1']])],
    ['connection', req([['connection', 'close']])],
    ['keep-alive', req([['keep-alive', '1']])],
    ['proxy-connection', req([['proxy-connection', '1']])],
    ['upgrade', req([['upgrade', 'h2c']])],
    ['transfer-encoding', req([['transfer-encoding', 'chunked']])],
    ['te: gzip', req([['te', 'gzip']])],
    ['bad content-length', req([['content-length', '1x']])],
    ['conflicting content-length', req([['content-length', '1'], ['content-length', '2']])],
    ['host differs from :authority', req([['host', 'b.test']])],
    ['CONNECT with :path', f([[':method', 'CONNECT'], [':authority', 'h:1'], [':path', '/']])],
    ['CONNECT without :authority', f([[':method', 'CONNECT']])],
  ];
  for (const [name, fields] of bad) {
    it(`malformed: ${name}`, () => assert.throws(() => validateRequest(1, fields), malformed));
  }

  it('te: trailers is allowed', () => {
    validateRequest(1, req([['te', 'trailers']]));
  });
});

describe('responses (8.3.2) and trailers (8.1)', () => {
  it('reads :status and content-length', () => {
    assert.deepEqual(validateResponse(1, f([[':status', '204'], ['content-length', '0']]), true), { status: 204, contentLength: 0 });
  });

  for (const [name, fields, end] of [
    ['missing :status', f([['x', '1']]), false],
    ['two :status', f([[':status', '200'], [':status', '200']]), false],
    ['bad :status', f([[':status', '20']]), false],
    ['request pseudo', f([[':status', '200'], [':path', '/']]), false],
    ['101', f([[':status', '101']]), false],
    ['1xx with END_STREAM', f([[':status', '103']]), true],
    ['te in a response', f([[':status', '200'], ['te', 'trailers']]), false],
  ] as const) {
    it(`malformed response: ${name}`, () => assert.throws(() => validateResponse(1, fields, end), malformed));
  }

  it('trailers: no pseudo-headers', () => {
    validateTrailers(1, f([['x-checksum', 'abc']]));
    assert.throws(() => validateTrailers(1, f([[':status', '200']])), malformed);
    assert.throws(() => validateTrailers(1, f([['Upper', '1']])), malformed);
  });
});

describe('conversion', () => {
  it('joins repeats, keeps set-cookie apart, joins cookies with "; " (8.2.3)', () => {
    const r = fieldsToRecord(f([[':status', '200'], ['a', '1'], ['a', '2'], ['set-cookie', 'x'], ['set-cookie', 'y'], ['cookie', 'p=1'], ['cookie', 'q=2']]));
    assert.equal(r['a'], '1, 2');
    assert.deepEqual(r['set-cookie'], ['x', 'y']);
    assert.equal(r['cookie'], 'p=1; q=2');
    assert.equal(r[':status'], undefined);
  });

  it('lowercases user headers, refuses connection-specific ones, takes host as authority', () => {
    const out: HeaderField[] = [];
    const host = appendUserHeaders(out, { 'X-A': '1', accept: ['a', 'b'], n: 5, host: 'h.test', skip: undefined }, { request: true, sensitive: ['X-A'] });
    assert.equal(host, 'h.test');
    assert.deepEqual(out, [{ name: 'x-a', value: '1', sensitive: true }, { name: 'accept', value: 'a' }, { name: 'accept', value: 'b' }, { name: 'n', value: '5' }]);
    assert.throws(() => appendUserHeaders([], { connection: 'close' }), TypeError);
    assert.throws(() => appendUserHeaders([], { te: 'trailers' }), TypeError, 'te only in requests');
    assert.throws(() => appendUserHeaders([], [[':path', '/']]), TypeError);
    assert.throws(() => appendUserHeaders([], { a: 'x\ny' }), TypeError);
  });
});
