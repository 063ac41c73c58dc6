/**
 * Seeing inside (and forging) protected records of an in-memory engine pair, for tests that need
 * a peer to do what our engine never does: sign CertificateVerify with PKCS#1 v1.5, send a record
 * over the limit it was given. The keys come from the engines' own key log events (the NSS
 * format, as Wireshark reads it), the record protection from backends/forge-tls13.
 */
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';
import type { EngineEvent } from '../../backends/forge-tls13/engine/index.js';
import type { KeylogLabel } from '../../backends/forge-tls13/engine/keylog.js';
import type { CipherSuite } from '../../backends/forge-tls13/key-schedule.js';
import { RecordOpener, RecordSealer } from '../../backends/forge-tls13/record-protection.js';

export interface WireRecord {
  readonly type: number;
  readonly header: Uint8Array;
  readonly body: Uint8Array;
}

/** The records of a chunk an engine emitted (engines emit whole records). */
export function splitRecords(bytes: Uint8Array): WireRecord[] {
  const out: WireRecord[] = [];
  for (let i = 0; i + 5 <= bytes.length; ) {
    const length = (bytes[i + 3]! << 8) | bytes[i + 4]!;
    out.push({ type: bytes[i]!, header: bytes.subarray(i, i + 5), body: bytes.subarray(i + 5, i + 5 + length) });
    i += 5 + length;
  }
  return out;
}

/** Whole handshake messages (4-byte header included) of a handshake byte stream. */
export function splitMessages(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 4 <= stream.length; ) {
    const length = (stream[i + 1]! << 16) | (stream[i + 2]! << 8) | stream[i + 3]!;
    out.push(stream.subarray(i, i + 4 + length));
    i += 4 + length;
  }
  return out;
}

/** The secret a side logged under `label`. */
export function keylogSecret(events: readonly EngineEvent[], label: KeylogLabel): Uint8Array {
  for (const e of events) {
    if (e.type === 'keylog' && e.line.startsWith(`${label} `)) return new Uint8Array(Buffer.from(e.line.split(' ')[2]!, 'hex'));
  }
  throw new Error(`no ${label} in the key log`);
}

/** The handshake plaintext of protected records under `secret` (first record at sequence 0). */
export async function openHandshake(p: CryptoProvider, suite: CipherSuite, secret: Uint8Array, records: readonly WireRecord[]): Promise<Uint8Array> {
  const opener = await RecordOpener.create(p, suite, secret);
  const parts: Uint8Array[] = [];
  for (const r of records) {
    const opened = await opener.open(r.header, r.body);
    if (!opened) throw new Error('a record did not open under the logged secret');
    if (opened.contentType === 22) parts.push(opened.plaintext);
  }
  return Buffer.concat(parts);
}

/** A sealer under a logged secret: records it makes continue the sender's sequence from 0. */
export function sealerFor(p: CryptoProvider, suite: CipherSuite, secret: Uint8Array): Promise<RecordSealer> {
  return RecordSealer.create(p, suite, secret);
}
