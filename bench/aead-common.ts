/**
 * Measuring helpers shared by bench/aead.ts and bench/tls.ts: the record-sealing rate loop and
 * node-forge's AES-128-GCM on its own (the ceiling for the 'forge' crypto provider).
 */
import * as nodeCrypto from 'node:crypto';
import forge from 'node-forge';

/** Size of one measured record: a full TLS record's worth of plaintext. */
export const RECORD = 16 * 1024;

export interface MeasureOptions {
  /** Measured runs; the median is returned. Default 5. */
  runs?: number;
  /** Each run repeats batches until at least this long passed. Default 400 ms. */
  minRunMs?: number;
}

/**
 * Runs `batch(count)` (which processes `count` records of RECORD bytes) until `minRunMs` passed,
 * `runs` times after a warm-up; returns the median in MB/s (10^6 bytes per second).
 */
export async function measureRecords(batch: (count: number) => Promise<void> | void, options: MeasureOptions = {}): Promise<number> {
  const runs = options.runs ?? 5;
  const minRunMs = options.minRunMs ?? 400;
  await batch(4); // warm-up
  const results: number[] = [];
  for (let run = 0; run < runs; run++) {
    let records = 0;
    let count = 8;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minRunMs) {
      await batch(count);
      records += count;
      elapsed = performance.now() - start;
      count = Math.min(count * 2, 4096);
    }
    results.push((records * RECORD) / 1e6 / (elapsed / 1000));
  }
  return median(results);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The per-record nonce of the benchmarks: `iv` XOR the record index in its low 32 bits. */
export function benchNonce(iv: Uint8Array, i: number): Uint8Array {
  const n = iv.slice();
  n[8] = (n[8] as number) ^ ((i >>> 24) & 0xff);
  n[9] = (n[9] as number) ^ ((i >>> 16) & 0xff);
  n[10] = (n[10] as number) ^ ((i >>> 8) & 0xff);
  n[11] = (n[11] as number) ^ (i & 0xff);
  return n;
}

/** The AAD of a 16 KiB application-data record (header of a 16 KiB + 17 byte TLSCiphertext). */
export const RECORD_AAD = Uint8Array.of(23, 3, 3, 0x40, 0x11);

/**
 * A batch function sealing RECORD-byte records with node-forge's AES-128-GCM directly, on
 * binary strings (no Uint8Array conversion): what the 'forge' provider can at best achieve.
 */
export function forgeGcmAloneBatch(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): (count: number) => void {
  const cipher = forge.cipher.createCipher('AES-GCM', forge.util.binary.raw.encode(key));
  const ptBinary = Buffer.from(plaintext).toString('latin1');
  const aadBinary = Buffer.from(RECORD_AAD).toString('latin1');
  return (count) => {
    for (let i = 0; i < count; i++) {
      cipher.start({ iv: Buffer.from(benchNonce(iv, i)).toString('latin1'), additionalData: aadBinary, tagLength: 128 });
      cipher.update(forge.util.createBuffer(ptBinary));
      cipher.finish();
      cipher.output.getBytes();
      cipher.mode.tag.getBytes();
    }
  };
}

/** node-forge AES-128-GCM sealing alone, 16 KiB records, median MB/s. */
export function forgeGcmAloneMBps(options: MeasureOptions = {}): Promise<number> {
  const key = new Uint8Array(nodeCrypto.randomBytes(16));
  const iv = new Uint8Array(nodeCrypto.randomBytes(12));
  const plaintext = new Uint8Array(nodeCrypto.randomBytes(RECORD));
  return measureRecords(forgeGcmAloneBatch(key, iv, plaintext), options);
}
