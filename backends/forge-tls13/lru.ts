/**
 * A small least-recently-used map, for caches keyed by byte strings: parsed certificates
 * (x509/parse.ts) and imported verification keys (crypto/webcrypto.ts). A peer meets the same
 * certificates on every connection; the bound keeps a peer sending ever-new ones from growing it.
 */
export class LruMap<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly limit: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key); // most recently used goes last
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** One char per byte: an exact, runtime-neutral map key for a byte string. */
export function bytesKey(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < bytes.length; i += 4096) key += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return key;
}
