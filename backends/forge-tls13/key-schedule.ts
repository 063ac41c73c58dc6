/**
 * The TLS 1.3 key schedule (RFC 8446 section 7.1), cipher suites (B.4), Finished (4.4.4), PSK
 * binders (4.2.11.2), KeyUpdate (7.2), traffic keys (7.3), resumption PSKs (4.6.1), exporters
 * (7.5) and the transcript hash (4.4.1).
 *
 * The schedule is a chain of stages. Each stage holds one secret privately; moving to the next
 * stage (`toHandshake`, `toMaster`) consumes and wipes the current one, so a secret cannot be used
 * after the schedule has moved past it:
 *
 *   EarlySecretStage.create(p, hash, psk?)       binderKey, clientEarlyTrafficSecret, earlyExporterMasterSecret
 *     .toHandshake(ecdheSharedSecret | null)  -> HandshakeSecretStage: trafficSecrets(Hash(CH..SH))
 *     .toMaster()                             -> MasterSecretStage: applicationSecrets / exporterSecret(Hash(CH..SF)),
 *                                                resumptionMasterSecret(Hash(CH..CF))
 *
 * Every function takes the transcript *hash* (Transcript-Hash of the messages), never messages.
 */

import { constantTimeEqual, hashLength } from './crypto/keys.js';
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm } from './crypto/provider.js';
import { deriveSecret, hkdfExpandLabel, hkdfExtract } from './hkdf.js';

// ---------------------------------------------------------------------------------------------
// Cipher suites (RFC 8446 B.4)
// ---------------------------------------------------------------------------------------------

export type CipherSuiteName = 'TLS_AES_128_GCM_SHA256' | 'TLS_AES_256_GCM_SHA384' | 'TLS_CHACHA20_POLY1305_SHA256';

export interface CipherSuite {
  readonly id: number;
  readonly name: CipherSuiteName;
  readonly hash: HashAlgorithm;
  readonly hashLength: number;
  readonly aead: AeadAlgorithm;
  readonly keyLength: number;
  /** iv_length: the AEAD nonce length (RFC 8446 5.3). */
  readonly ivLength: number;
  readonly tagLength: number;
  /**
   * Records one key may protect (RFC 8446 5.5): 2^24.5 full-size records for AES-GCM. For
   * ChaCha20-Poly1305 the limit is above the sequence number space, so it is the largest safe
   * integer here.
   */
  readonly recordLimit: number;
  /** After this many records the engine should send KeyUpdate (half the limit, rounded down). */
  readonly keyUpdateAfter: number;
}

const AES_GCM_RECORD_LIMIT = Math.floor(2 ** 24.5); // 23,726,566

export const TLS_AES_128_GCM_SHA256: CipherSuite = Object.freeze({
  id: 0x1301,
  name: 'TLS_AES_128_GCM_SHA256',
  hash: 'SHA-256',
  hashLength: 32,
  aead: 'AES-128-GCM',
  keyLength: 16,
  ivLength: 12,
  tagLength: 16,
  recordLimit: AES_GCM_RECORD_LIMIT,
  keyUpdateAfter: 2 ** 23,
});

export const TLS_AES_256_GCM_SHA384: CipherSuite = Object.freeze({
  id: 0x1302,
  name: 'TLS_AES_256_GCM_SHA384',
  hash: 'SHA-384',
  hashLength: 48,
  aead: 'AES-256-GCM',
  keyLength: 32,
  ivLength: 12,
  tagLength: 16,
  recordLimit: AES_GCM_RECORD_LIMIT,
  keyUpdateAfter: 2 ** 23,
});

export const TLS_CHACHA20_POLY1305_SHA256: CipherSuite = Object.freeze({
  id: 0x1303,
  name: 'TLS_CHACHA20_POLY1305_SHA256',
  hash: 'SHA-256',
  hashLength: 32,
  aead: 'CHACHA20-POLY1305',
  keyLength: 32,
  ivLength: 12,
  tagLength: 16,
  recordLimit: Number.MAX_SAFE_INTEGER,
  keyUpdateAfter: 2 ** 52,
});

/** Our preference order. */
export const CIPHER_SUITES: readonly CipherSuite[] = Object.freeze([
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
]);

export function cipherSuiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}

export function cipherSuiteByName(name: CipherSuiteName): CipherSuite {
  const suite = CIPHER_SUITES.find((s) => s.name === name);
  if (!suite) throw new Error(`unknown cipher suite ${String(name)}`);
  return suite;
}

// ---------------------------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------------------------

async function emptyHash(p: CryptoProvider, hash: HashAlgorithm): Promise<Uint8Array> {
  return p.hash(hash, new Uint8Array(0));
}

function checkTranscriptHash(hash: HashAlgorithm, transcriptHash: Uint8Array): void {
  if (transcriptHash.length !== hashLength(hash)) {
    throw new RangeError(`transcript hash must be ${hashLength(hash)} bytes for ${hash}`);
  }
}

/** Holds one stage secret; `take()` hands it to the next stage and wipes this copy. */
abstract class Stage {
  #secret: Uint8Array | null;

  protected constructor(
    readonly provider: CryptoProvider,
    readonly hash: HashAlgorithm,
    secret: Uint8Array,
    private readonly stageName: string,
  ) {
    this.#secret = secret;
  }

  protected get current(): Uint8Array {
    if (!this.#secret) throw new Error(`the ${this.stageName} has already been used up (key schedule moved on)`);
    return this.#secret;
  }

  /** Whether the schedule has moved past this stage. */
  get consumed(): boolean {
    return this.#secret === null;
  }

  /**
   * A copy of this stage's secret, for tests and key logging. The protocol never needs it.
   */
  get secret(): Uint8Array {
    return this.current.slice();
  }

  protected async derive(label: string, transcriptHash: Uint8Array): Promise<Uint8Array> {
    checkTranscriptHash(this.hash, transcriptHash);
    return deriveSecret(this.provider, this.hash, this.current, label, transcriptHash);
  }

  /** Derive-Secret(., "derived", "") and wipe: the salt for the next stage. */
  protected async takeDerived(): Promise<Uint8Array> {
    const secret = this.current;
    this.#secret = null; // consumed from here on, even while the derivation is in flight
    try {
      return await deriveSecret(this.provider, this.hash, secret, 'derived', await emptyHash(this.provider, this.hash));
    } finally {
      secret.fill(0);
    }
  }

  /** Wipes the secret; the stage can no longer be used. */
  dispose(): void {
    this.#secret?.fill(0);
    this.#secret = null;
  }
}

export class EarlySecretStage extends Stage {
  private constructor(
    p: CryptoProvider,
    hash: HashAlgorithm,
    secret: Uint8Array,
    /** Whether a PSK went in (otherwise the early secret is the all-zero-PSK one). */
    readonly hasPsk: boolean,
  ) {
    super(p, hash, secret, 'early secret');
  }

  /** Early Secret = HKDF-Extract(0, PSK), with PSK = HashLen zeros when there is none. */
  static async create(p: CryptoProvider, hash: HashAlgorithm, psk?: Uint8Array | null): Promise<EarlySecretStage> {
    const len = hashLength(hash);
    const secret = await hkdfExtract(p, hash, new Uint8Array(len), psk ?? new Uint8Array(len));
    return new EarlySecretStage(p, hash, secret, psk != null);
  }

  /** binder_key: Derive-Secret(Early Secret, "ext binder" | "res binder", ""). */
  async binderKey(kind: 'resumption' | 'external'): Promise<Uint8Array> {
    if (!this.hasPsk) throw new Error('no PSK, so no binder key');
    return this.derive(kind === 'resumption' ? 'res binder' : 'ext binder', await emptyHash(this.provider, this.hash));
  }

  /** client_early_traffic_secret: Derive-Secret(Early Secret, "c e traffic", ClientHello). */
  async clientEarlyTrafficSecret(transcriptHashClientHello: Uint8Array): Promise<Uint8Array> {
    return this.derive('c e traffic', transcriptHashClientHello);
  }

  /** early_exporter_master_secret: Derive-Secret(Early Secret, "e exp master", ClientHello). */
  async earlyExporterMasterSecret(transcriptHashClientHello: Uint8Array): Promise<Uint8Array> {
    return this.derive('e exp master', transcriptHashClientHello);
  }

  /**
   * Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE), with
   * (EC)DHE = HashLen zeros for psk_ke (pass null). Consumes this stage.
   */
  async toHandshake(ecdheSharedSecret: Uint8Array | null): Promise<HandshakeSecretStage> {
    const salt = await this.takeDerived();
    const ikm = ecdheSharedSecret ?? new Uint8Array(hashLength(this.hash));
    return HandshakeSecretStage.fromSecret(this.provider, this.hash, await hkdfExtract(this.provider, this.hash, salt, ikm));
  }
}

export interface TrafficSecrets {
  readonly client: Uint8Array;
  readonly server: Uint8Array;
}

export class HandshakeSecretStage extends Stage {
  private constructor(p: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array) {
    super(p, hash, secret, 'handshake secret');
  }

  /** @internal Used by EarlySecretStage.toHandshake. */
  static fromSecret(p: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array): HandshakeSecretStage {
    return new HandshakeSecretStage(p, hash, secret);
  }

  /** {client,server}_handshake_traffic_secret: "c hs traffic" / "s hs traffic" over ClientHello..ServerHello. */
  async trafficSecrets(transcriptHashThroughServerHello: Uint8Array): Promise<TrafficSecrets> {
    const [client, server] = await Promise.all([
      this.derive('c hs traffic', transcriptHashThroughServerHello),
      this.derive('s hs traffic', transcriptHashThroughServerHello),
    ]);
    return { client, server };
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0). Consumes this stage. */
  async toMaster(): Promise<MasterSecretStage> {
    const salt = await this.takeDerived();
    const secret = await hkdfExtract(this.provider, this.hash, salt, new Uint8Array(hashLength(this.hash)));
    return MasterSecretStage.fromSecret(this.provider, this.hash, secret);
  }
}

export class MasterSecretStage extends Stage {
  private constructor(p: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array) {
    super(p, hash, secret, 'master secret');
  }

  /** @internal Used by HandshakeSecretStage.toMaster. */
  static fromSecret(p: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array): MasterSecretStage {
    return new MasterSecretStage(p, hash, secret);
  }

  /** {client,server}_application_traffic_secret_0: "c ap traffic" / "s ap traffic" over ClientHello..server Finished. */
  async applicationSecrets(transcriptHashThroughServerFinished: Uint8Array): Promise<TrafficSecrets> {
    const [client, server] = await Promise.all([
      this.derive('c ap traffic', transcriptHashThroughServerFinished),
      this.derive('s ap traffic', transcriptHashThroughServerFinished),
    ]);
    return { client, server };
  }

  /** exporter_master_secret: "exp master" over ClientHello..server Finished. */
  async exporterSecret(transcriptHashThroughServerFinished: Uint8Array): Promise<Uint8Array> {
    return this.derive('exp master', transcriptHashThroughServerFinished);
  }

  /** resumption_master_secret: "res master" over ClientHello..client Finished. */
  async resumptionMasterSecret(transcriptHashThroughClientFinished: Uint8Array): Promise<Uint8Array> {
    return this.derive('res master', transcriptHashThroughClientFinished);
  }
}

// ---------------------------------------------------------------------------------------------
// Finished, binders, KeyUpdate, traffic keys, resumption, exporters
// ---------------------------------------------------------------------------------------------

/** finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 4.4.4). */
export async function finishedKey(p: CryptoProvider, hash: HashAlgorithm, baseKey: Uint8Array): Promise<Uint8Array> {
  return hkdfExpandLabel(p, hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
}

/** verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*)). */
export async function computeFinished(
  p: CryptoProvider,
  hash: HashAlgorithm,
  finishedKeyBytes: Uint8Array,
  transcriptHash: Uint8Array,
): Promise<Uint8Array> {
  checkTranscriptHash(hash, transcriptHash);
  return p.hmac(hash, finishedKeyBytes, transcriptHash);
}

/** Checks a received verify_data (or PSK binder) in constant time. */
export async function verifyFinished(
  p: CryptoProvider,
  hash: HashAlgorithm,
  finishedKeyBytes: Uint8Array,
  transcriptHash: Uint8Array,
  received: Uint8Array,
): Promise<boolean> {
  const expected = await computeFinished(p, hash, finishedKeyBytes, transcriptHash);
  return constantTimeEqual(expected, received);
}

/**
 * A PSK binder (RFC 8446 4.2.11.2): computed like Finished with BaseKey = binder_key, over the
 * transcript hash of the ClientHello truncated before the binders list (after any
 * message_hash/HelloRetryRequest prefix).
 */
export async function pskBinder(
  p: CryptoProvider,
  hash: HashAlgorithm,
  binderKey: Uint8Array,
  truncatedTranscriptHash: Uint8Array,
): Promise<Uint8Array> {
  return computeFinished(p, hash, await finishedKey(p, hash, binderKey), truncatedTranscriptHash);
}

/** application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length) (7.2). */
export async function nextTrafficSecret(p: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array): Promise<Uint8Array> {
  return hkdfExpandLabel(p, hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash));
}

export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** [sender]_write_key / _iv = HKDF-Expand-Label(Secret, "key" | "iv", "", length) (7.3). */
export async function trafficKeys(p: CryptoProvider, suite: CipherSuite, secret: Uint8Array): Promise<TrafficKeys> {
  const [key, iv] = await Promise.all([
    hkdfExpandLabel(p, suite.hash, secret, 'key', new Uint8Array(0), suite.keyLength),
    hkdfExpandLabel(p, suite.hash, secret, 'iv', new Uint8Array(0), suite.ivLength),
  ]);
  return { key, iv };
}

/** The PSK of a ticket: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) (4.6.1). */
export async function resumptionPsk(
  p: CryptoProvider,
  hash: HashAlgorithm,
  resumptionMasterSecret: Uint8Array,
  ticketNonce: Uint8Array,
): Promise<Uint8Array> {
  return hkdfExpandLabel(p, hash, resumptionMasterSecret, 'resumption', ticketNonce, hashLength(hash));
}

/**
 * TLS-Exporter(label, context_value, key_length) = HKDF-Expand-Label(Derive-Secret(Secret,
 * label, ""), "exporter", Hash(context_value), key_length) (RFC 8446 7.5). `secret` is the
 * (early) exporter master secret. No context and an empty context are the same in TLS 1.3.
 */
export async function exportKeyingMaterial(
  p: CryptoProvider,
  hash: HashAlgorithm,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Promise<Uint8Array> {
  const labelSecret = await deriveSecret(p, hash, exporterMasterSecret, label, await emptyHash(p, hash));
  return hkdfExpandLabel(p, hash, labelSecret, 'exporter', await p.hash(hash, context ?? new Uint8Array(0)), length);
}

// ---------------------------------------------------------------------------------------------
// Transcript
// ---------------------------------------------------------------------------------------------

const HANDSHAKE_MESSAGE_HASH = 254;

/**
 * Accumulates handshake messages (each with its 4-byte handshake header, exactly as sent) and
 * computes Transcript-Hash (RFC 8446 4.4.1). The hash may be chosen after messages were added
 * (a client learns it from the ServerHello's cipher suite).
 */
export class Transcript {
  #hash: HashAlgorithm | undefined;
  #messages: Uint8Array[] = [];
  #length = 0;

  constructor(
    readonly provider: CryptoProvider,
    hash?: HashAlgorithm,
  ) {
    this.#hash = hash;
  }

  get hashAlgorithm(): HashAlgorithm | undefined {
    return this.#hash;
  }

  /** Sets the hash once; setting the same one again is a no-op, a different one throws. */
  setHash(hash: HashAlgorithm): void {
    if (this.#hash !== undefined && this.#hash !== hash) throw new Error(`transcript hash is already ${this.#hash}`);
    this.#hash = hash;
  }

  get messageCount(): number {
    return this.#messages.length;
  }

  /** Appends whole handshake messages (copied). */
  add(...messages: Uint8Array[]): void {
    for (const m of messages) {
      if (m.length < 4) throw new RangeError('a handshake message has at least a 4-byte header');
      this.#messages.push(m.slice());
      this.#length += m.length;
    }
  }

  /** All messages so far, concatenated. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const m of this.#messages) {
      out.set(m, offset);
      offset += m.length;
    }
    return out;
  }

  #requireHash(): HashAlgorithm {
    if (this.#hash === undefined) throw new Error('the transcript hash algorithm is not known yet');
    return this.#hash;
  }

  /** Transcript-Hash of every message added so far. */
  async hash(): Promise<Uint8Array> {
    return this.provider.hash(this.#requireHash(), this.bytes());
  }

  /**
   * The hash of the transcript followed by `partial`, without adding it: for PSK binders, whose
   * transcript ends with a ClientHello truncated before the binders (RFC 8446 4.2.11.2).
   */
  async hashWith(partial: Uint8Array): Promise<Uint8Array> {
    const all = new Uint8Array(this.#length + partial.length);
    all.set(this.bytes());
    all.set(partial, this.#length);
    return this.provider.hash(this.#requireHash(), all);
  }

  /**
   * The HelloRetryRequest rule (RFC 8446 4.4.1): replaces ClientHello1 (the only message so far)
   * with message_hash = 254 || 00 00 Hash.length || Hash(ClientHello1). Call it after setting the
   * hash from the HelloRetryRequest's cipher suite and before adding the HelloRetryRequest.
   */
  async replaceClientHelloWithMessageHash(): Promise<void> {
    const hash = this.#requireHash();
    if (this.#messages.length !== 1) throw new Error('message_hash replaces exactly one ClientHello');
    const digest = await this.provider.hash(hash, this.bytes());
    this.#messages = [Transcript.messageHash(digest)];
    this.#length = 4 + digest.length;
  }

  /** The synthetic message_hash handshake message for Hash(ClientHello1). */
  static messageHash(clientHello1Hash: Uint8Array): Uint8Array {
    const out = new Uint8Array(4 + clientHello1Hash.length);
    out[0] = HANDSHAKE_MESSAGE_HASH;
    out[3] = clientHello1Hash.length;
    out.set(clientHello1Hash, 4);
    return out;
  }

  /** An independent copy (e.g. to compute a hash at a point the main transcript has passed). */
  clone(): Transcript {
    const t = new Transcript(this.provider, this.#hash);
    t.add(...this.#messages);
    return t;
  }
}
