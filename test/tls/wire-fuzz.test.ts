/**
 * Property tests (fast-check, fixed seeds): random and mutated bytes into the record reader, the
 * reassembler and decodeHandshake never throw anything but TlsError; whatever decodes re-encodes
 * and decodes to the same value; chunking never changes the result.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as F from './fixtures-wire.js';
import {
  HandshakeReassembler,
  HandshakeType,
  RecordReader,
  TlsError,
  decodeHandshake,
  encodeHandshake,
  type RawHandshake,
  type Role,
  type TlsRecord,
} from '../../backends/forge-tls13/wire/index.js';

const RUNS = 2000;

const messages: Uint8Array[] = Object.entries(F)
  .filter(([name, v]) => v instanceof Uint8Array && !/RECORD|PUBLIC|BINDER|PREFIX|PAYLOAD/.test(name))
  .map(([, v]) => v as Uint8Array);
const records: Uint8Array[] = [F.S3_CLIENT_HELLO_RECORD, F.S3_SERVER_HELLO_RECORD, F.S7_SERVER_CHANGE_CIPHER_SPEC_RECORD, F.S3_SERVER_FLIGHT_RECORD];

const concat = (xs: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

/** undefined 3 times out of 4. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** Byte edits, a possible truncation and a possible insertion applied to a base string. */
function mutated(bases: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      base: fc.constantFrom(...bases),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: rarely(fc.nat()),
      insert: rarely(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }))),
    })
    .map(({ base, edits, cut, insert }) => {
      let b: Uint8Array = base.slice();
      for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
      if (insert !== undefined) {
        const at = insert[0] % (b.length + 1);
        b = concat([b.subarray(0, at), insert[1], b.subarray(at)]);
      }
      if (cut !== undefined) b = b.subarray(0, cut % (b.length + 1));
      return b;
    });
}

const bytesArb = (bases: readonly Uint8Array[]) => fc.oneof(fc.uint8Array({ maxLength: 700 }), mutated(bases));
const chunkSizes = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 });

function split(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  for (let k = 0; i < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Runs fn; anything thrown must be a TlsError. Returns the error if any. */
function onlyTlsErrors(fn: () => void): TlsError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof TlsError)) throw new Error(`non-TlsError thrown: ${String(e)}`, { cause: e });
    return e;
  }
}

function readRecords(parts: readonly Uint8Array[]): { out: TlsRecord[]; err: number | undefined } {
  const rr = new RecordReader();
  const out: TlsRecord[] = [];
  const err = onlyTlsErrors(() => {
    for (const p of parts) {
      rr.push(p);
      for (let r = rr.next(); r; r = rr.next()) out.push(r);
    }
  });
  return { out, err: err?.alert };
}

function reassemble(parts: readonly Uint8Array[]): { out: RawHandshake[]; err: number | undefined } {
  const h = new HandshakeReassembler();
  const out: RawHandshake[] = [];
  const err = onlyTlsErrors(() => {
    for (const p of parts) {
      h.push(p);
      for (let m = h.next(); m; m = h.next()) out.push(m);
    }
  });
  return { out, err: err?.alert };
}

const roleArb = fc.constantFrom<Role>('client', 'server');
const handshakeTypes = Object.values(HandshakeType) as number[];

/** Decodes; if that works, encoding must work and decoding the encoding must give the same value. */
function checkDecode(type: number, body: Uint8Array, role: Role, hashLength: number | undefined): void {
  const ctx = hashLength === undefined ? { role } : { role, hashLength };
  let msg;
  const err = onlyTlsErrors(() => {
    msg = decodeHandshake(type, body, ctx);
  });
  if (err !== undefined || msg === undefined) return;
  const enc = encodeHandshake(msg); // must not throw for anything we decoded
  assert.equal(enc[0], type);
  assert.deepEqual(decodeHandshake(type, enc.subarray(4), ctx), msg);
}

describe('wire property tests', () => {
  it('RecordReader: random / mutated streams only ever throw TlsError, whatever the chunking', () => {
    fc.assert(
      fc.property(bytesArb([concat(records), ...records]), chunkSizes, (bytes, sizes) => {
        const whole = readRecords([bytes]);
        const chunked = readRecords(split(bytes, sizes));
        assert.deepEqual(chunked, whole);
      }),
      { seed: 0x7153_0001, numRuns: RUNS },
    );
  });

  it('HandshakeReassembler: random / mutated input only ever throws TlsError, whatever the chunking', () => {
    fc.assert(
      fc.property(bytesArb([concat(messages.slice(0, 12)), F.S3_SERVER_FLIGHT_PAYLOAD, ...messages]), chunkSizes, (bytes, sizes) => {
        const whole = reassemble([bytes]);
        assert.deepEqual(reassemble(split(bytes, sizes)), whole);
      }),
      { seed: 0x7153_0002, numRuns: RUNS },
    );
  });

  it('decodeHandshake: random / mutated bodies only ever throw TlsError; decoded values round-trip', () => {
    const bodies = messages.map((m) => m.subarray(4));
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...handshakeTypes), fc.integer({ min: 0, max: 255 })),
        bytesArb(bodies),
        roleArb,
        fc.option(fc.constantFrom(32, 48), { nil: undefined }),
        (type, body, role, hashLength) => checkDecode(type, body, role, hashLength),
      ),
      { seed: 0x7153_0003, numRuns: RUNS },
    );
  });

  it('decodeHandshake: mutated trace messages with their own type', () => {
    fc.assert(
      fc.property(mutated(messages), roleArb, (raw, role) => {
        if (raw.length < 4) return;
        checkDecode(raw[0]!, raw.subarray(4), role, undefined);
      }),
      { seed: 0x7153_0004, numRuns: RUNS },
    );
  });

  it('full pipeline: mutated record streams through reader, reassembler and decoder', () => {
    const plain = concat([F.S3_CLIENT_HELLO_RECORD, F.S3_SERVER_HELLO_RECORD, F.S4_CLIENT_HELLO_RECORD]);
    fc.assert(
      fc.property(mutated([plain]), chunkSizes, roleArb, (bytes, sizes, role) => {
        const rr = new RecordReader();
        const h = new HandshakeReassembler();
        onlyTlsErrors(() => {
          for (const p of split(bytes, sizes)) {
            rr.push(p);
            for (let r = rr.next(); r; r = rr.next()) {
              if (r.type !== 22) continue;
              h.push(r.fragment);
              for (let m = h.next(); m; m = h.next()) decodeHandshake(m.type, m.body, { role });
            }
          }
        });
      }),
      { seed: 0x7153_0005, numRuns: RUNS },
    );
  });

  it('the unmutated trace messages all decode and re-encode byte for byte', () => {
    for (const raw of messages) {
      const role: Role = [1, 5].includes(raw[0]!) || raw === F.S6_CLIENT_CERTIFICATE || raw === F.S6_CLIENT_CERTIFICATE_VERIFY ? 'server' : 'client';
      const msg = decodeHandshake(raw[0]!, raw.subarray(4), { role });
      assert.deepEqual(encodeHandshake(msg), raw);
    }
  });
});
