/**
 * TLS 1.3 server (RFC 8446 section 2 message flow, server side): ClientHello → [HelloRetryRequest]
 * → ServerHello .. Finished → [client Certificate, CertificateVerify] → client Finished → tickets.
 * One state per message awaited, dispatched by an exhaustive ts-pattern match.
 */
import { match } from 'ts-pattern';
import { selectAlpn } from '../../../src/alpn.js';
import type { KeyShare, NamedGroupName, SignatureSchemeName } from '../crypto/provider.js';
import {
  EarlySecretStage,
  type CipherSuite,
  type MasterSecretStage,
  Transcript,
  cipherSuiteById,
  computeFinished,
  finishedKey,
  pskBinder,
  resumptionPsk,
  verifyFinished,
} from '../key-schedule.js';
import { ContentType, HandshakeType, ProtocolVersion, PskKeyExchangeMode } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';
import {
  findExtension,
  type EncryptedExtensionsExtension,
  type KeyShareEntry,
  type ServerHelloExtension,
} from '../wire/extensions.js';
import type { RawHandshake } from '../wire/handshake-reassembly.js';
import { encodeHandshake, truncateReceivedClientHello, type ClientHello, type ServerHello } from '../wire/messages.js';
import { parseCertificate } from '../x509/index.js';
import type { CertifiedKeyHandle, ServerEngineConfig } from './config.js';
import {
  DEFAULT_VERIFY_SCHEMES,
  GROUP_IDS,
  bytesEqual,
  certificateVerifyContent,
  chooseCertificate,
  configuredGroups,
  configuredRecordSizeLimit,
  configuredSuites,
  decodeExpected,
  groupName,
  isHandshakeScheme,
  newKeyShare,
  schemeId,
  schemeName,
  sharedSecret,
  utf8,
  verifyPeerChain,
} from './common.js';
import { TlsEngine, type ExpectTraffic, type TrafficSecrets } from './engine.js';
import { openTicket, sealTicket, type TicketState } from './tickets.js';
import { concatBytes } from '../../../src/bytes.js';

interface Retry {
  readonly suite: CipherSuite;
  readonly group: NamedGroupName;
  /** message_hash(ClientHello1) + HelloRetryRequest. */
  readonly transcript: Transcript;
  readonly cookie: Uint8Array;
  readonly sessionId: Uint8Array;
}

interface Negotiated {
  readonly suite: CipherSuite;
  readonly group: NamedGroupName;
  readonly transcript: Transcript;
  readonly master: MasterSecretStage;
  readonly clientHandshakeSecret: Uint8Array;
  readonly app: { readonly client: Uint8Array; readonly server: Uint8Array };
  readonly exporterSecret: Uint8Array;
  readonly serverName: string | null;
  readonly alpn: string | null;
  readonly resumed: boolean;
  readonly helloRetry: boolean;
  /** The client allows psk_dhe_ke resumption, so tickets are worth sending. */
  readonly sendTickets: boolean;
  readonly requestedSchemes: readonly SignatureSchemeName[];
  /** What our CertificateRequest allowed in the client's chain (signature_algorithms_cert). */
  readonly requestedCertSchemes: readonly SignatureSchemeName[];
}

interface ExpectClientHello {
  readonly kind: 'ExpectClientHello';
  readonly retry: Retry | null;
}
interface ExpectClientCertificate {
  readonly kind: 'ExpectClientCertificate';
  readonly n: Negotiated;
}
interface ExpectClientCertificateVerify {
  readonly kind: 'ExpectClientCertificateVerify';
  readonly n: Negotiated;
  readonly chain: readonly Uint8Array[];
}
interface ExpectClientFinished {
  readonly kind: 'ExpectClientFinished';
  readonly n: Negotiated;
  readonly chain: readonly Uint8Array[];
  readonly peerScheme: SignatureSchemeName | null;
}

export type ServerState = ExpectClientHello | ExpectClientCertificate | ExpectClientCertificateVerify | ExpectClientFinished | ExpectTraffic;

const DEFAULT_TICKET_LIFETIME = 7200;

export class TlsServer extends TlsEngine<ServerState> {
  readonly role = 'server' as const;
  protected state: ServerState = { kind: 'ExpectClientHello', retry: null };
  readonly #config: ServerEngineConfig;
  readonly #ticketKey: Uint8Array;

  constructor(config: ServerEngineConfig) {
    super(config);
    this.#config = config;
    this.#ticketKey = config.ticketKey ?? config.provider.randomBytes(32);
  }

  get #random(): (n: number) => Uint8Array {
    return this.#config.randomBytes ?? ((n) => this.provider.randomBytes(n));
  }

  protected async onStart(): Promise<void> {}

  protected handle(state: ServerState, raw: RawHandshake): Promise<ServerState> {
    return match(state)
      .with({ kind: 'ExpectClientHello' }, (s) => this.#clientHello(s, raw))
      .with({ kind: 'ExpectClientCertificate' }, (s) => this.#clientCertificate(s, raw))
      .with({ kind: 'ExpectClientCertificateVerify' }, (s) => this.#clientCertificateVerify(s, raw))
      .with({ kind: 'ExpectClientFinished' }, (s) => this.#clientFinished(s, raw))
      .with({ kind: 'ExpectTraffic' }, (s) => this.trafficMessage(s, raw))
      .exhaustive();
  }

  // -------------------------------------------------------------------------------------------
  // ClientHello

  async #clientHello(s: ExpectClientHello, raw: RawHandshake): Promise<ServerState> {
    const ch = decodeExpected('server', raw, [HandshakeType.client_hello]);
    const cfg = this.#config;
    const retry = s.retry;
    const ourRecordSizeLimit = configuredRecordSizeLimit(cfg.recordSizeLimit);
    if (!retry) this.clientRandom = ch.random;
    this.rl.skipEarlyData = 'no';

    const sv = findExtension(ch.extensions, 'supported_versions');
    if (!sv || !sv.versions.includes(ProtocolVersion.TLS13)) {
      throw TlsError.protocolVersion('client does not offer TLS 1.3'); // we implement nothing older
    }
    if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
      throw TlsError.illegalParameter('legacy_compression_methods must be [null]');
    }

    // Cipher suite: our preference among the client's.
    const suites = configuredSuites(cfg.cipherSuites);
    const suite = retry?.suite ?? suites.find((c) => ch.cipherSuites.includes(c.id));
    if (!suite) throw TlsError.handshakeFailure('no cipher suite in common');

    if (retry) {
      // RFC 8446 section 4.1.2: ClientHello2 repeats ClientHello1 except for the changes the
      // HelloRetryRequest asked for.
      if (!ch.cipherSuites.includes(suite.id)) throw TlsError.illegalParameter('ClientHello2 dropped the cipher suite');
      if (!bytesEqual(ch.legacySessionId, retry.sessionId)) throw TlsError.illegalParameter('ClientHello2 changed legacy_session_id');
      const cookie = findExtension(ch.extensions, 'cookie');
      if (!cookie || !bytesEqual(cookie.cookie, retry.cookie)) throw TlsError.illegalParameter('ClientHello2 without our cookie');
      if (findExtension(ch.extensions, 'early_data')) throw TlsError.illegalParameter('early_data after HelloRetryRequest'); // 4.2.10
    }

    const sni = findExtension(ch.extensions, 'server_name');
    const serverName = sni?.hostName ?? null;

    // Key exchange: groups both support, our order; a share we can use, else HelloRetryRequest.
    const sg = findExtension(ch.extensions, 'supported_groups');
    const ks = findExtension(ch.extensions, 'key_share');
    if (!ks) throw TlsError.missingExtension('ClientHello without key_share (psk_ke is not supported)');
    if (!sg) throw TlsError.missingExtension('key_share without supported_groups'); // 9.2
    for (const share of ks.clientShares) {
      if (!sg.groups.includes(share.group)) throw TlsError.illegalParameter('key_share for a group not in supported_groups'); // 4.2.8
    }
    const ours = configuredGroups(cfg.groups);
    const mutual = ours.filter((g) => sg.groups.includes(GROUP_IDS[g]));
    if (mutual.length === 0) throw TlsError.handshakeFailure('no key exchange group in common');
    const withShare = (g: NamedGroupName): KeyShareEntry | undefined => ks.clientShares.find((e) => e.group === GROUP_IDS[g]);
    let group: NamedGroupName | undefined;
    if (retry) {
      if (ks.clientShares.length !== 1 || !withShare(retry.group)) {
        throw TlsError.illegalParameter('ClientHello2 must carry exactly one share, for the group we asked for'); // 4.2.8
      }
      group = retry.group;
    } else if (cfg.forceHelloRetry) {
      group = mutual.find((g) => !withShare(g));
      if (group) return this.#sendHelloRetry(ch, raw, suite, group);
      group = mutual.find((g) => withShare(g));
    } else {
      group = mutual.find((g) => withShare(g));
      if (!group) return this.#sendHelloRetry(ch, raw, suite, mutual[0]!);
    }
    if (!group) throw TlsError.handshakeFailure('no usable key share');
    const clientShare = withShare(group)!;

    // Resumption (psk_dhe_ke only).
    const transcript = retry?.transcript ?? new Transcript(this.provider, suite.hash);
    const modes = findExtension(ch.extensions, 'psk_key_exchange_modes');
    const dheAllowed = modes?.modes.includes(PskKeyExchangeMode.psk_dhe_ke) ?? false;
    const psk = dheAllowed ? await this.#acceptPsk(ch, raw, suite, transcript) : null;

    // Certificate and signature scheme (full handshakes only).
    let cert: { cert: CertifiedKeyHandle; scheme: SignatureSchemeName } | null = null;
    if (!psk) {
      const sa = findExtension(ch.extensions, 'signature_algorithms');
      if (!sa) throw TlsError.missingExtension('ClientHello without signature_algorithms'); // 9.2
      // 4.2.3: without signature_algorithms_cert, signature_algorithms covers the chain too.
      const chainSchemes = findExtension(ch.extensions, 'signature_algorithms_cert') ?? sa;
      cert = await this.#chooseCertificate(serverName, sa.schemes, chainSchemes.schemes);
    }

    // ALPN: the shared rule of src/alpn.ts.
    const alpnExt = findExtension(ch.extensions, 'application_layer_protocol_negotiation');
    const offered = (alpnExt?.protocols ?? []).map(utf8.decode);
    const outcome = selectAlpn(offered, cfg, serverName);
    if (outcome.kind === 'mismatch') throw TlsError.noApplicationProtocol(`no protocol in common with [${offered.join(', ')}]`);
    const alpn = outcome.kind === 'selected' ? outcome.protocol : null;
    const clientRecordSizeLimit = findExtension(ch.extensions, 'record_size_limit')?.limit ?? null;

    // ServerHello.
    const share: KeyShare = await newKeyShare(this.provider, group, cfg.keyShares);
    const ecdhe = await sharedSecret(share, clientShare.keyExchange);
    const shExts: ServerHelloExtension[] = [
      { type: 'key_share', serverShare: { group: GROUP_IDS[group], keyExchange: share.publicKey } },
      { type: 'supported_versions', selectedVersion: ProtocolVersion.TLS13 },
    ];
    if (psk) shExts.push({ type: 'pre_shared_key', selectedIdentity: 0 });
    let sh: ServerHello = {
      type: HandshakeType.server_hello,
      isHelloRetryRequest: false,
      legacyVersion: ProtocolVersion.TLS12,
      random: cfg.serverRandom?.slice() ?? this.#random(32),
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: suite.id,
      legacyCompressionMethod: 0,
      extensions: shExts,
    };
    if (cfg.serverHelloHook) sh = cfg.serverHelloHook(sh);
    const shRaw = encodeHandshake(sh);
    transcript.add(raw.raw); // ClientHello1, or ClientHello2 after message_hash + HelloRetryRequest
    transcript.add(shRaw);
    const early = await EarlySecretStage.create(this.provider, suite.hash, psk?.psk ?? null);
    const hs = await early.toHandshake(ecdhe);
    const secrets = await hs.trafficSecrets(await transcript.hash());
    this.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', secrets.client);
    this.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', secrets.server);
    await this.rl.send(ContentType.handshake, shRaw);
    // D.4: a compatibility-mode client (non-empty session id) gets a CCS after our first message.
    if (!retry && ch.legacySessionId.length > 0) this.rl.sendChangeCipherSpec();
    this.rl.ccsAllowed = true;
    await this.rl.setWriteKey(suite, secrets.server);
    await this.rl.setReadKey(suite, secrets.client);
    // 0-RTT is always rejected: skip the client's early data (4.2.10).
    if (findExtension(ch.extensions, 'early_data')) this.rl.skipEarlyData = 'trial';

    // EncryptedExtensions .. Finished, one flight.
    const flight: Uint8Array[] = [];
    const add = (m: Uint8Array): void => {
      transcript.add(m);
      flight.push(m);
    };
    const eeExts: EncryptedExtensionsExtension[] = [...(cfg.extraEncryptedExtensions ?? [])];
    if (clientRecordSizeLimit !== null) {
      // RFC 8449 section 4: our answer goes in EncryptedExtensions, and from that message on our
      // records respect the client's limit (the flight below is the first to be protected).
      eeExts.push({ type: 'record_size_limit', limit: ourRecordSizeLimit });
      this.rl.applyRecordSizeLimits(clientRecordSizeLimit, ourRecordSizeLimit);
    }
    if (serverName !== null) eeExts.push({ type: 'server_name' });
    if (alpn !== null) eeExts.push({ type: 'application_layer_protocol_negotiation', protocol: utf8.encode(alpn) });
    add(encodeHandshake({ type: HandshakeType.encrypted_extensions, extensions: eeExts }));
    const requestedSchemes = DEFAULT_VERIFY_SCHEMES.filter(isHandshakeScheme);
    // Certificates may be signed with PKCS#1 v1.5, CertificateVerify may not (4.2.3): two lists.
    const requestedCertSchemes = cfg.certificateSignatureSchemes ?? DEFAULT_VERIFY_SCHEMES;
    const requestCert = !psk && cfg.requestCert === true;
    if (requestCert) {
      add(
        encodeHandshake({
          type: HandshakeType.certificate_request,
          certificateRequestContext: new Uint8Array(0),
          extensions: [
            { type: 'signature_algorithms', schemes: requestedSchemes.map(schemeId) },
            { type: 'signature_algorithms_cert', schemes: requestedCertSchemes.map(schemeId) },
          ],
        }),
      );
    }
    if (cert) {
      add(
        encodeHandshake({
          type: HandshakeType.certificate,
          certificateRequestContext: new Uint8Array(0),
          certificateList: cert.cert.chain.map((data) => ({ data, extensions: [] })),
        }),
      );
      const content = certificateVerifyContent('server', await transcript.hash());
      const signature = await this.provider.sign(cert.scheme, cert.cert.key, content);
      add(encodeHandshake({ type: HandshakeType.certificate_verify, algorithm: schemeId(cert.scheme), signature }));
    }
    const serverFinishedKey = await finishedKey(this.provider, suite.hash, secrets.server);
    add(
      encodeHandshake({
        type: HandshakeType.finished,
        verifyData: await computeFinished(this.provider, suite.hash, serverFinishedKey, await transcript.hash()),
      }),
    );
    await this.rl.send(ContentType.handshake, concatBytes(flight));

    const master = await hs.toMaster();
    const th = await transcript.hash();
    const app = await master.applicationSecrets(th);
    const exporter = await master.exporterSecret(th);
    this.keylog('CLIENT_TRAFFIC_SECRET_0', app.client);
    this.keylog('SERVER_TRAFFIC_SECRET_0', app.server);
    this.keylog('EXPORTER_SECRET', exporter);
    await this.rl.setWriteKey(suite, app.server);

    const n: Negotiated = {
      suite,
      group,
      transcript,
      master,
      clientHandshakeSecret: secrets.client,
      app,
      exporterSecret: exporter,
      serverName,
      alpn: psk ? (alpn ?? null) : alpn,
      resumed: psk !== null,
      helloRetry: retry !== null,
      sendTickets: dheAllowed,
      requestedSchemes,
      requestedCertSchemes,
    };
    return requestCert ? { kind: 'ExpectClientCertificate', n } : { kind: 'ExpectClientFinished', n, chain: [], peerScheme: null };
  }

  async #sendHelloRetry(ch: ClientHello, raw: RawHandshake, suite: CipherSuite, group: NamedGroupName): Promise<ServerState> {
    const cookie = this.#random(32);
    const hrrRaw = encodeHandshake({
      type: HandshakeType.server_hello,
      isHelloRetryRequest: true,
      legacyVersion: ProtocolVersion.TLS12,
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: suite.id,
      legacyCompressionMethod: 0,
      extensions: [
        { type: 'supported_versions', selectedVersion: ProtocolVersion.TLS13 },
        { type: 'key_share', selectedGroup: GROUP_IDS[group] },
        { type: 'cookie', cookie },
      ],
    });
    const transcript = new Transcript(this.provider, suite.hash);
    transcript.add(raw.raw);
    await transcript.replaceClientHelloWithMessageHash();
    transcript.add(hrrRaw);
    await this.rl.send(ContentType.handshake, hrrRaw);
    if (ch.legacySessionId.length > 0) this.rl.sendChangeCipherSpec();
    this.rl.ccsAllowed = true;
    // Early data the client sent with ClientHello1 is skipped until ClientHello2 (4.2.10).
    if (findExtension(ch.extensions, 'early_data')) this.rl.skipEarlyData = 'all';
    return { kind: 'ExpectClientHello', retry: { suite, group, transcript, cookie, sessionId: ch.legacySessionId } };
  }

  /** The ticket's PSK if the first identity is a valid ticket of ours for this suite's hash; binder checked. */
  async #acceptPsk(ch: ClientHello, raw: RawHandshake, suite: CipherSuite, transcript: Transcript): Promise<TicketState | null> {
    const offer = findExtension(ch.extensions, 'pre_shared_key');
    const identity = offer?.identities[0];
    const binder = offer?.binders[0];
    if (!offer || !identity || !binder) return null;
    const decode = this.#config.decodeTicket;
    const state = decode ? await decode(identity.identity) : await openTicket(this.provider, this.#ticketKey, identity.identity);
    if (!state) return null;
    const ticketSuite = cipherSuiteById(state.cipherSuiteId);
    if (!ticketSuite || ticketSuite.hash !== suite.hash) return null;
    const age = Date.now() - state.issuedAt;
    if (age < 0 || age > state.lifetime * 1000) return null;
    if (state.serverName !== (findExtension(ch.extensions, 'server_name')?.hostName ?? null)) return null;
    const early = await EarlySecretStage.create(this.provider, suite.hash, state.psk);
    const binderKey = await early.binderKey('resumption');
    early.dispose();
    const truncated = truncateReceivedClientHello(raw.raw, ch);
    const expected = await pskBinder(this.provider, suite.hash, binderKey, await transcript.hashWith(truncated));
    if (!bytesEqual(expected, binder)) throw TlsError.decryptError('PSK binder does not verify'); // 4.2.11
    return state;
  }

  async #chooseCertificate(
    serverName: string | null,
    clientSchemes: readonly number[],
    chainSchemes: readonly number[],
  ): Promise<{ cert: CertifiedKeyHandle; scheme: SignatureSchemeName }> {
    const cfg = this.#config;
    let candidates: readonly CertifiedKeyHandle[] | undefined;
    if (cfg.sniCallback) {
      const picked = await cfg.sniCallback(serverName);
      if (picked !== undefined) candidates = Array.isArray(picked) ? (picked as readonly CertifiedKeyHandle[]) : [picked as CertifiedKeyHandle];
    }
    candidates ??= cfg.certificates ?? [];
    if (candidates.length === 0) throw TlsError.handshakeFailure(`no certificate for ${serverName ?? 'this connection'}`);
    const chosen = chooseCertificate(candidates, clientSchemes, chainSchemes);
    if (!chosen) throw TlsError.handshakeFailure('no signature scheme in common with the client');
    return chosen;
  }

  // -------------------------------------------------------------------------------------------
  // Client authentication and Finished

  async #clientCertificate(s: ExpectClientCertificate, raw: RawHandshake): Promise<ServerState> {
    const msg = decodeExpected('server', raw, [HandshakeType.certificate]);
    if (msg.certificateRequestContext.length !== 0) throw TlsError.illegalParameter('client Certificate with a wrong context');
    s.n.transcript.add(raw.raw);
    const chain = msg.certificateList.map((e) => e.data);
    if (chain.length === 0) {
      const required = this.#config.requireClientCert ?? this.#config.rejectUnauthorized !== false;
      if (required) throw TlsError.certificateRequired('client sent no certificate'); // 4.4.2.4
      return { kind: 'ExpectClientFinished', n: s.n, chain: [], peerScheme: null };
    }
    await verifyPeerChain(this.#config, chain, 'clientAuth', undefined, s.n.requestedCertSchemes);
    return { kind: 'ExpectClientCertificateVerify', n: s.n, chain };
  }

  async #clientCertificateVerify(s: ExpectClientCertificateVerify, raw: RawHandshake): Promise<ServerState> {
    const cv = decodeExpected('server', raw, [HandshakeType.certificate_verify]);
    const scheme = schemeName(cv.algorithm);
    if (!scheme || !s.n.requestedSchemes.includes(scheme)) {
      throw TlsError.illegalParameter(`client CertificateVerify with a scheme we did not offer (0x${cv.algorithm.toString(16)})`);
    }
    const leaf = parseCertificate(s.chain[0]!);
    const content = certificateVerifyContent('client', await s.n.transcript.hash());
    if (!(await this.provider.verify(scheme, leaf.subjectPublicKeyInfo, content, cv.signature))) {
      throw TlsError.decryptError('client CertificateVerify signature does not verify');
    }
    s.n.transcript.add(raw.raw);
    return { kind: 'ExpectClientFinished', n: s.n, chain: s.chain, peerScheme: scheme };
  }

  async #clientFinished(s: ExpectClientFinished, raw: RawHandshake): Promise<ServerState> {
    const { n } = s;
    const fin = decodeExpected('server', raw, [HandshakeType.finished], n.suite.hashLength);
    const key = await finishedKey(this.provider, n.suite.hash, n.clientHandshakeSecret);
    if (!(await verifyFinished(this.provider, n.suite.hash, key, await n.transcript.hash(), fin.verifyData))) {
      throw TlsError.decryptError('client Finished does not verify');
    }
    n.transcript.add(raw.raw);
    await this.rl.setReadKey(n.suite, n.app.client);
    this.rl.applicationDataAllowed = true;
    this.rl.ccsAllowed = false;
    const resumptionSecret = await n.master.resumptionMasterSecret(await n.transcript.hash());
    n.master.dispose();
    const traffic: TrafficSecrets = { suite: n.suite, readSecret: n.app.client, writeSecret: n.app.server };
    if (n.sendTickets) await this.#sendTickets(n, resumptionSecret);
    await this.handshakeComplete(
      {
        alpnProtocol: n.alpn,
        tlsVersion: 'TLSv1.3',
        cipherSuite: n.suite.name,
        serverName: n.serverName,
        group: n.group,
        peerSignatureScheme: s.peerScheme,
        peerCertificates: s.chain,
        resumed: n.resumed,
        helloRetry: n.helloRetry,
        peerRecordSizeLimit: this.rl.peerRecordSizeLimit,
      },
      traffic,
      n.exporterSecret,
    );
    return { kind: 'ExpectTraffic', traffic };
  }

  async #sendTickets(n: Negotiated, resumptionSecret: Uint8Array): Promise<void> {
    const count = this.#config.ticketCount ?? 2;
    const lifetime = Math.min(this.#config.ticketLifetime ?? DEFAULT_TICKET_LIFETIME, 604800);
    // The tickets are independent: made concurrently (an asynchronous provider overlaps the work).
    const issue = async (i: number): Promise<Uint8Array> => {
      const ticketNonce = Uint8Array.of(i);
      const ageAdd = this.#random(4);
      const ticketAgeAdd = ((ageAdd[0]! << 24) | (ageAdd[1]! << 16) | (ageAdd[2]! << 8) | ageAdd[3]!) >>> 0;
      const psk = await resumptionPsk(this.provider, n.suite.hash, resumptionSecret, ticketNonce);
      const ticket = await sealTicket(this.provider, this.#ticketKey, {
        cipherSuiteId: n.suite.id,
        psk,
        ticketAgeAdd,
        issuedAt: Date.now(),
        lifetime,
        alpnProtocol: n.alpn,
        serverName: n.serverName,
      });
      return encodeHandshake({ type: HandshakeType.new_session_ticket, ticketLifetime: lifetime, ticketAgeAdd, ticketNonce, ticket, extensions: [] });
    };
    const messages = await Promise.all(Array.from({ length: count }, (_, i) => issue(i)));
    if (messages.length > 0) await this.rl.send(ContentType.handshake, concatBytes(messages));
  }
}

export function createServerEngine(config: ServerEngineConfig): TlsServer {
  return new TlsServer(config);
}
