/**
 * TLS 1.3 client (RFC 8446 section 2 message flow, client side). One state per message awaited;
 * each handler takes its state and returns the next, dispatched by an exhaustive ts-pattern match.
 */
import { match } from 'ts-pattern';
import type { KeyShare, NamedGroupName, SignatureSchemeName } from '../crypto/provider.js';
import {
  EarlySecretStage,
  type CipherSuite,
  type HandshakeSecretStage,
  Transcript,
  cipherSuiteById,
  cipherSuiteByName,
  computeFinished,
  finishedKey,
  pskBinder,
  resumptionPsk,
  verifyFinished,
} from '../key-schedule.js';
import { ContentType, HandshakeType, ProtocolVersion, PskKeyExchangeMode } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';
import { extensionCode, findExtension, type ClientHelloExtension } from '../wire/extensions.js';
import type { RawHandshake } from '../wire/handshake-reassembly.js';
import {
  encodeClientHelloForBinders,
  encodeHandshake,
  withPskBinders,
  type CertificateRequest,
  type ClientHello,
  type HelloRetryRequest,
  type NewSessionTicket,
  type ServerHello,
} from '../wire/messages.js';
import { parseCertificate } from '../x509/index.js';
import type { CertifiedKeyHandle, ClientEngineConfig } from './config.js';
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
  isIpLiteral,
  newKeyShare,
  schemeId,
  schemeName,
  schemeNames,
  sharedSecret,
  utf8,
  verifyPeerChain,
} from './common.js';
import { TlsEngine, type ExpectTraffic, type TrafficSecrets } from './engine.js';
import type { SessionTicket } from './events.js';
import { concatBytes } from '../../../src/bytes.js';

/** What our ClientHello offered (derived from the final message). */
interface Offered {
  readonly suites: readonly CipherSuite[];
  readonly schemes: readonly SignatureSchemeName[];
  /** Schemes accepted in the server's chain: signature_algorithms_cert, else `schemes` (4.2.3). */
  readonly certSchemes: readonly SignatureSchemeName[];
  readonly alpn: readonly string[];
  readonly serverName: string | null;
  readonly sessionId: Uint8Array;
  readonly groups: readonly NamedGroupName[];
  /** The record_size_limit we advertised (RFC 8449), null when the ClientHello carried none. */
  readonly recordSizeLimit: number | null;
  /** Extension code points the ClientHello carried (a server may answer only those, 4.2). */
  readonly extensionCodes: ReadonlySet<number>;
}

/** Everything a handshake carries once the ServerHello is in. */
interface Negotiated {
  readonly offered: Offered;
  readonly suite: CipherSuite;
  readonly group: NamedGroupName;
  readonly transcript: Transcript;
  readonly hs: HandshakeSecretStage;
  readonly clientSecret: Uint8Array;
  readonly serverSecret: Uint8Array;
  readonly resumed: SessionTicket | null;
  readonly helloRetry: boolean;
}

interface Start {
  readonly kind: 'Start';
}
interface ExpectServerHello {
  readonly kind: 'ExpectServerHello';
  readonly offered: Offered;
  readonly ch: ClientHello;
  readonly chRaw: Uint8Array;
  readonly shares: readonly KeyShare[];
  readonly ticket: SessionTicket | null;
  /** Set after a HelloRetryRequest: the suite it chose and the transcript so far (incl. ClientHello2). */
  readonly retry: { readonly suite: CipherSuite; readonly transcript: Transcript } | null;
}
interface ExpectEncryptedExtensions {
  readonly kind: 'ExpectEncryptedExtensions';
  readonly n: Negotiated;
}
interface ExpectCertificateOrCertRequest {
  readonly kind: 'ExpectCertificateOrCertRequest';
  readonly n: Negotiated;
  readonly alpn: string | null;
}
interface ExpectCertificate {
  readonly kind: 'ExpectCertificate';
  readonly n: Negotiated;
  readonly alpn: string | null;
  readonly certRequest: CertificateRequest;
}
interface ExpectCertificateVerify {
  readonly kind: 'ExpectCertificateVerify';
  readonly n: Negotiated;
  readonly alpn: string | null;
  readonly certRequest: CertificateRequest | null;
  readonly chain: readonly Uint8Array[];
}
interface ExpectFinished {
  readonly kind: 'ExpectFinished';
  readonly n: Negotiated;
  readonly alpn: string | null;
  readonly certRequest: CertificateRequest | null;
  readonly chain: readonly Uint8Array[];
  readonly peerScheme: SignatureSchemeName | null;
}

export type ClientState =
  | Start
  | ExpectServerHello
  | ExpectEncryptedExtensions
  | ExpectCertificateOrCertRequest
  | ExpectCertificate
  | ExpectCertificateVerify
  | ExpectFinished
  | ExpectTraffic;

const MAX_TICKET_LIFETIME = 604800;

export class TlsClient extends TlsEngine<ClientState> {
  readonly role = 'client' as const;
  protected state: ClientState = { kind: 'Start' };
  readonly #config: ClientEngineConfig;
  #resumptionSecret: Uint8Array | null = null;
  #suite: CipherSuite | null = null;
  #alpn: string | null = null;
  #peerCertificates: readonly Uint8Array[] = [];

  constructor(config: ClientEngineConfig) {
    super(config);
    this.#config = config;
  }

  get #random(): (n: number) => Uint8Array {
    return this.#config.randomBytes ?? ((n) => this.provider.randomBytes(n));
  }

  // -------------------------------------------------------------------------------------------

  protected async onStart(): Promise<void> {
    if (this.state.kind !== 'Start') return;
    const cfg = this.#config;
    const groups = configuredGroups(cfg.groups);
    const shareGroups = cfg.keyShareGroups ?? cfg.keyShares?.map((s) => s.group) ?? [groups[0]!];
    const shares: KeyShare[] = [];
    for (const g of shareGroups) shares.push(await newKeyShare(this.provider, g, cfg.keyShares));
    this.clientRandom = cfg.clientRandom?.slice() ?? this.#random(32);
    const compat = cfg.middleboxCompat !== false;
    const sessionId = cfg.legacySessionId?.slice() ?? (compat ? this.#random(32) : new Uint8Array(0));
    let ticket: SessionTicket | null = null;
    const serverName = this.#serverName();
    if (cfg.ticketStore) {
      const t = (await cfg.ticketStore.take(serverName)) ?? null;
      const suites = configuredSuites(cfg.cipherSuites);
      if (t && suites.some((s) => s.name === t.cipherSuite)) ticket = t;
    }
    const { ch, raw } = await this.#clientHello({ sessionId, shares, groups, ticket, cookie: null, prefix: null });
    this.rl.ccsAllowed = true;
    await this.rl.send(ContentType.handshake, raw, ProtocolVersion.TLS10);
    this.state = { kind: 'ExpectServerHello', offered: this.#offered(ch, sessionId, serverName), ch, chRaw: raw, shares, ticket, retry: null };
  }

  #serverName(): string | null {
    const name = this.#config.serverName;
    if (!name || isIpLiteral(name)) return null;
    return name.endsWith('.') ? name.slice(0, -1) : name;
  }

  #offered(ch: ClientHello, sessionId: Uint8Array, serverName: string | null): Offered {
    const suites = ch.cipherSuites.map((id) => cipherSuiteById(id)).filter((s): s is CipherSuite => s !== undefined);
    const sa = findExtension(ch.extensions, 'signature_algorithms');
    const sac = findExtension(ch.extensions, 'signature_algorithms_cert');
    const schemes = schemeNames(sa?.schemes ?? []);
    const certSchemes = sac ? schemeNames(sac.schemes) : schemes;
    const alpnExt = findExtension(ch.extensions, 'application_layer_protocol_negotiation');
    const sg = findExtension(ch.extensions, 'supported_groups');
    const groups = (sg?.groups ?? []).map(groupName).filter((g): g is NamedGroupName => g !== undefined);
    const extensionCodes = new Set(ch.extensions.map(extensionCode));
    const recordSizeLimit = findExtension(ch.extensions, 'record_size_limit')?.limit ?? null;
    const alpn = (alpnExt?.protocols ?? []).map(utf8.decode);
    return { suites, schemes, certSchemes, alpn, serverName, sessionId, groups, recordSizeLimit, extensionCodes };
  }

  async #clientHello(o: {
    sessionId: Uint8Array;
    shares: readonly KeyShare[];
    groups: readonly NamedGroupName[];
    ticket: SessionTicket | null;
    cookie: Uint8Array | null;
    prefix: Transcript | null;
  }): Promise<{ ch: ClientHello; raw: Uint8Array }> {
    const cfg = this.#config;
    const suites = configuredSuites(cfg.cipherSuites);
    const serverName = this.#serverName();
    const exts: ClientHelloExtension[] = [];
    if (serverName !== null) exts.push({ type: 'server_name', hostName: serverName });
    exts.push({ type: 'supported_groups', groups: o.groups.map((g) => GROUP_IDS[g]) });
    exts.push({ type: 'key_share', clientShares: o.shares.map((s) => ({ group: GROUP_IDS[s.group], keyExchange: s.publicKey })) });
    exts.push({ type: 'supported_versions', versions: [ProtocolVersion.TLS13] });
    exts.push({ type: 'signature_algorithms', schemes: (cfg.signatureSchemes ?? DEFAULT_VERIFY_SCHEMES).map(schemeId) });
    if (cfg.certificateSignatureSchemes) {
      exts.push({ type: 'signature_algorithms_cert', schemes: cfg.certificateSignatureSchemes.map(schemeId) });
    }
    if (cfg.alpn && cfg.alpn.length > 0) {
      exts.push({ type: 'application_layer_protocol_negotiation', protocols: cfg.alpn.map(utf8.encode) });
    }
    if (o.cookie) exts.push({ type: 'cookie', cookie: o.cookie });
    exts.push({ type: 'psk_key_exchange_modes', modes: [PskKeyExchangeMode.psk_dhe_ke] });
    // RFC 8449 section 4: endpoints SHOULD advertise it even without a need to limit records.
    exts.push({ type: 'record_size_limit', limit: configuredRecordSizeLimit(cfg.recordSizeLimit) });
    let ticketSuite: CipherSuite | null = null;
    if (o.ticket) {
      ticketSuite = cipherSuiteByName(o.ticket.cipherSuite as never);
      const age = (Date.now() - o.ticket.receivedAt + o.ticket.ticketAgeAdd) >>> 0;
      exts.push({
        type: 'pre_shared_key',
        identities: [{ identity: o.ticket.ticket, obfuscatedTicketAge: age }],
        binders: [new Uint8Array(ticketSuite.hashLength)],
      });
    }
    let ch: ClientHello = {
      type: HandshakeType.client_hello,
      legacyVersion: ProtocolVersion.TLS12,
      random: this.clientRandom,
      legacySessionId: o.sessionId,
      cipherSuites: suites.map((s) => s.id),
      legacyCompressionMethods: [0],
      extensions: exts,
    };
    if (cfg.clientHelloHook) ch = cfg.clientHelloHook(ch);
    if (o.ticket && ticketSuite) {
      // RFC 8446 section 4.2.11.2: the binder is a Finished-style MAC over the transcript up to
      // the truncated ClientHello.
      const early = await EarlySecretStage.create(this.provider, ticketSuite.hash, o.ticket.psk);
      const binderKey = await early.binderKey('resumption');
      early.dispose();
      const truncated = encodeClientHelloForBinders(ch);
      const th = o.prefix ? await o.prefix.hashWith(truncated) : await this.provider.hash(ticketSuite.hash, truncated);
      ch = withPskBinders(ch, [await pskBinder(this.provider, ticketSuite.hash, binderKey, th)]);
    }
    return { ch, raw: encodeHandshake(ch) };
  }

  // -------------------------------------------------------------------------------------------

  protected handle(state: ClientState, raw: RawHandshake): Promise<ClientState> {
    return match(state)
      .with({ kind: 'Start' }, (): never => {
        throw TlsError.unexpectedMessage('handshake message before the ClientHello was sent');
      })
      .with({ kind: 'ExpectServerHello' }, (s) => this.#serverHello(s, raw))
      .with({ kind: 'ExpectEncryptedExtensions' }, (s) => this.#encryptedExtensions(s, raw))
      .with({ kind: 'ExpectCertificateOrCertRequest' }, (s) => this.#certificateOrRequest(s, raw))
      .with({ kind: 'ExpectCertificate' }, (s) => this.#certificate(s, raw, s.certRequest))
      .with({ kind: 'ExpectCertificateVerify' }, (s) => this.#certificateVerify(s, raw))
      .with({ kind: 'ExpectFinished' }, (s) => this.#finished(s, raw))
      .with({ kind: 'ExpectTraffic' }, (s) => this.trafficMessage(s, raw))
      .exhaustive();
  }

  async #serverHello(s: ExpectServerHello, raw: RawHandshake): Promise<ClientState> {
    const sh = decodeExpected('client', raw, [HandshakeType.server_hello]);
    if (!bytesEqual(sh.legacySessionIdEcho, s.offered.sessionId)) {
      throw TlsError.illegalParameter('legacy_session_id_echo does not match our session id'); // 4.1.3
    }
    const sv = sh.isHelloRetryRequest ? findExtension(sh.extensions, 'supported_versions') : findExtension(sh.extensions, 'supported_versions');
    if (!sv) throw TlsError.protocolVersion('server does not speak TLS 1.3'); // we offer nothing older
    if (sv.selectedVersion !== ProtocolVersion.TLS13) {
      throw TlsError.illegalParameter(`server selected version 0x${sv.selectedVersion.toString(16)}`); // 4.2.1
    }
    if (sh.legacyVersion !== ProtocolVersion.TLS12) throw TlsError.illegalParameter('ServerHello.legacy_version must be 0x0303');
    const suite = s.offered.suites.find((c) => c.id === sh.cipherSuite);
    if (!suite) throw TlsError.illegalParameter(`server chose a cipher suite we did not offer (0x${sh.cipherSuite.toString(16)})`);
    if (s.retry && s.retry.suite !== suite) throw TlsError.illegalParameter('ServerHello cipher suite differs from the HelloRetryRequest');
    return sh.isHelloRetryRequest ? this.#helloRetry(s, sh, raw, suite) : this.#realServerHello(s, sh, raw, suite);
  }

  async #helloRetry(s: ExpectServerHello, hrr: HelloRetryRequest, raw: RawHandshake, suite: CipherSuite): Promise<ClientState> {
    if (s.retry) throw TlsError.unexpectedMessage('second HelloRetryRequest'); // 4.1.4
    for (const e of hrr.extensions) {
      if (e.type === 'raw') throw TlsError.unsupportedExtension(`HelloRetryRequest with extension ${e.code}`);
    }
    const ks = findExtension(hrr.extensions, 'key_share');
    const cookie = findExtension(hrr.extensions, 'cookie');
    if (!ks && !cookie) throw TlsError.illegalParameter('HelloRetryRequest would not change the ClientHello'); // 4.1.4
    let shares = s.shares;
    if (ks) {
      const group = groupName(ks.selectedGroup);
      if (!group || !s.offered.groups.includes(group)) throw TlsError.illegalParameter('HelloRetryRequest selected a group we did not offer');
      if (s.shares.some((sh) => sh.group === group)) throw TlsError.illegalParameter('HelloRetryRequest selected a group we sent a share for');
      shares = [await this.provider.generateKeyShare(group)];
    }
    const transcript = new Transcript(this.provider, suite.hash);
    transcript.add(s.chRaw);
    await transcript.replaceClientHelloWithMessageHash();
    transcript.add(raw.raw);
    // A ticket whose hash differs from the suite now fixed cannot be offered again (4.2.11).
    const ticket = s.ticket && cipherSuiteByName(s.ticket.cipherSuite as never).hash === suite.hash ? s.ticket : null;
    const { ch, raw: chRaw } = await this.#clientHello({
      sessionId: s.offered.sessionId,
      shares,
      groups: s.offered.groups,
      ticket,
      cookie: cookie?.cookie ?? null,
      prefix: transcript,
    });
    if (this.#config.middleboxCompat !== false) this.rl.sendChangeCipherSpec(); // D.4: before the second flight
    await this.rl.send(ContentType.handshake, chRaw);
    transcript.add(chRaw);
    return { kind: 'ExpectServerHello', offered: s.offered, ch, chRaw, shares, ticket, retry: { suite, transcript } };
  }

  async #realServerHello(s: ExpectServerHello, sh: ServerHello, raw: RawHandshake, suite: CipherSuite): Promise<ClientState> {
    for (const e of sh.extensions) {
      if (e.type === 'raw') throw TlsError.unsupportedExtension(`ServerHello with unsolicited extension ${e.code}`);
    }
    const ks = findExtension(sh.extensions, 'key_share');
    if (!ks) throw TlsError.missingExtension('ServerHello without key_share (we only offer psk_dhe_ke)');
    const share = s.shares.find((x) => GROUP_IDS[x.group] === ks.serverShare.group);
    if (!share) throw TlsError.illegalParameter('ServerHello key_share is for a group we sent no share for'); // 4.2.8
    const pskExt = findExtension(sh.extensions, 'pre_shared_key');
    let resumed: SessionTicket | null = null;
    if (pskExt) {
      if (!s.ticket || pskExt.selectedIdentity !== 0) throw TlsError.illegalParameter('server selected a PSK we did not offer');
      if (cipherSuiteByName(s.ticket.cipherSuite as never).hash !== suite.hash) {
        throw TlsError.illegalParameter('server resumed with a suite of another hash'); // 4.2.11
      }
      resumed = s.ticket;
    }
    const transcript = s.retry?.transcript ?? new Transcript(this.provider, suite.hash);
    if (!s.retry) transcript.add(s.chRaw);
    transcript.add(raw.raw);
    const ecdhe = await sharedSecret(share, ks.serverShare.keyExchange);
    const early = await EarlySecretStage.create(this.provider, suite.hash, resumed?.psk ?? null);
    const hs = await early.toHandshake(ecdhe);
    const secrets = await hs.trafficSecrets(await transcript.hash());
    this.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', secrets.client);
    this.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', secrets.server);
    await this.rl.setReadKey(suite, secrets.server);
    await this.rl.setWriteKey(suite, secrets.client);
    // Middlebox compatibility: our CCS precedes our first protected record (unless sent after HRR).
    this.rl.pendingCcs = this.#config.middleboxCompat !== false && !s.retry;
    this.#suite = suite;
    const n: Negotiated = {
      offered: s.offered,
      suite,
      group: share.group,
      transcript,
      hs,
      clientSecret: secrets.client,
      serverSecret: secrets.server,
      resumed,
      helloRetry: s.retry !== null,
    };
    return { kind: 'ExpectEncryptedExtensions', n };
  }

  async #encryptedExtensions(s: ExpectEncryptedExtensions, raw: RawHandshake): Promise<ClientState> {
    const ee = decodeExpected('client', raw, [HandshakeType.encrypted_extensions]);
    let alpn: string | null = null;
    let peerRecordSizeLimit: number | null = null;
    for (const e of ee.extensions) {
      switch (e.type) {
        case 'server_name':
          if (s.n.offered.serverName === null) throw TlsError.unsupportedExtension('server_name acknowledged but not sent');
          break;
        case 'application_layer_protocol_negotiation': {
          alpn = utf8.decode(e.protocol);
          if (!s.n.offered.alpn.includes(alpn)) throw TlsError.illegalParameter(`server selected ALPN "${alpn}" we did not offer`);
          break;
        }
        case 'supported_groups':
          break; // the server's preferences, informational (4.2.7)
        case 'record_size_limit':
          if (s.n.offered.recordSizeLimit === null) throw TlsError.unsupportedExtension('record_size_limit answered but not sent');
          peerRecordSizeLimit = e.limit;
          break;
        default:
          // Something a ClientHello hook added: solicited, and not ours to interpret.
          if (s.n.offered.extensionCodes.has(extensionCode(e))) break;
          throw TlsError.unsupportedExtension(`EncryptedExtensions with unsolicited ${e.type === 'raw' ? `extension ${e.code}` : e.type}`);
      }
    }
    // RFC 8449: negotiated, it holds for the records after this one (our Finished flight onward; the
    // server's records already respected ours if it implements the extension).
    if (peerRecordSizeLimit !== null && s.n.offered.recordSizeLimit !== null) {
      this.rl.applyRecordSizeLimits(peerRecordSizeLimit, s.n.offered.recordSizeLimit);
    }
    s.n.transcript.add(raw.raw);
    if (s.n.resumed) {
      return { kind: 'ExpectFinished', n: s.n, alpn, certRequest: null, chain: s.n.resumed.peerCertificates, peerScheme: null };
    }
    return { kind: 'ExpectCertificateOrCertRequest', n: s.n, alpn };
  }

  async #certificateOrRequest(s: ExpectCertificateOrCertRequest, raw: RawHandshake): Promise<ClientState> {
    const msg = decodeExpected('client', raw, [HandshakeType.certificate, HandshakeType.certificate_request]);
    if (msg.type === HandshakeType.certificate_request) {
      if (msg.certificateRequestContext.length !== 0) {
        throw TlsError.illegalParameter('CertificateRequest during the handshake must have an empty context'); // 4.3.2
      }
      s.n.transcript.add(raw.raw);
      return { kind: 'ExpectCertificate', n: s.n, alpn: s.alpn, certRequest: msg };
    }
    return this.#certificate(s, raw, null);
  }

  async #certificate(
    s: ExpectCertificateOrCertRequest | ExpectCertificate,
    raw: RawHandshake,
    certRequest: CertificateRequest | null,
  ): Promise<ClientState> {
    const msg = decodeExpected('client', raw, [HandshakeType.certificate]);
    const chain = msg.certificateList.map((e) => e.data);
    const hostname = this.#config.verifyName ?? this.#config.serverName ?? undefined;
    await verifyPeerChain(this.#config, chain, 'serverAuth', hostname ?? undefined, s.n.offered.certSchemes);
    s.n.transcript.add(raw.raw);
    return { kind: 'ExpectCertificateVerify', n: s.n, alpn: s.alpn, certRequest, chain };
  }

  async #certificateVerify(s: ExpectCertificateVerify, raw: RawHandshake): Promise<ClientState> {
    const cv = decodeExpected('client', raw, [HandshakeType.certificate_verify]);
    const scheme = schemeName(cv.algorithm);
    if (!scheme || !isHandshakeScheme(scheme) || !s.n.offered.schemes.includes(scheme)) {
      throw TlsError.illegalParameter(`CertificateVerify with a scheme we did not offer (0x${cv.algorithm.toString(16)})`); // 4.4.3
    }
    const leaf = parseCertificate(s.chain[0]!);
    const content = certificateVerifyContent('server', await s.n.transcript.hash());
    if (!(await this.provider.verify(scheme, leaf.subjectPublicKeyInfo, content, cv.signature))) {
      throw TlsError.decryptError('server CertificateVerify signature does not verify');
    }
    s.n.transcript.add(raw.raw);
    return { kind: 'ExpectFinished', n: s.n, alpn: s.alpn, certRequest: s.certRequest, chain: s.chain, peerScheme: scheme };
  }

  async #finished(s: ExpectFinished, raw: RawHandshake): Promise<ClientState> {
    const { n } = s;
    const hash = n.suite.hash;
    const fin = decodeExpected('client', raw, [HandshakeType.finished], n.suite.hashLength);
    const serverKey = await finishedKey(this.provider, hash, n.serverSecret);
    if (!(await verifyFinished(this.provider, hash, serverKey, await n.transcript.hash(), fin.verifyData))) {
      throw TlsError.decryptError('server Finished does not verify');
    }
    n.transcript.add(raw.raw);
    const master = await n.hs.toMaster();
    const th = await n.transcript.hash();
    const app = await master.applicationSecrets(th);
    const exporter = await master.exporterSecret(th);
    this.keylog('CLIENT_TRAFFIC_SECRET_0', app.client);
    this.keylog('SERVER_TRAFFIC_SECRET_0', app.server);
    this.keylog('EXPORTER_SECRET', exporter);
    await this.rl.setReadKey(n.suite, app.server);
    this.rl.applicationDataAllowed = true;
    this.rl.ccsAllowed = false;

    // Our flight: [Certificate, CertificateVerify,] Finished under the client handshake key.
    const flight: Uint8Array[] = [];
    if (s.certRequest) {
      const chosen = this.#chooseClientCertificate(s.certRequest);
      const certMsg = encodeHandshake({
        type: HandshakeType.certificate,
        certificateRequestContext: s.certRequest.certificateRequestContext,
        certificateList: (chosen?.cert.chain ?? []).map((data) => ({ data, extensions: [] })),
      });
      n.transcript.add(certMsg);
      flight.push(certMsg);
      if (chosen) {
        const content = certificateVerifyContent('client', await n.transcript.hash());
        const signature = await this.provider.sign(chosen.scheme, chosen.cert.key, content);
        const cvMsg = encodeHandshake({ type: HandshakeType.certificate_verify, algorithm: schemeId(chosen.scheme), signature });
        n.transcript.add(cvMsg);
        flight.push(cvMsg);
      }
    }
    const clientKey = await finishedKey(this.provider, hash, n.clientSecret);
    const verifyData = await computeFinished(this.provider, hash, clientKey, await n.transcript.hash());
    const finMsg = encodeHandshake({ type: HandshakeType.finished, verifyData });
    n.transcript.add(finMsg);
    flight.push(finMsg);
    await this.rl.send(ContentType.handshake, concatBytes(flight));
    await this.rl.setWriteKey(n.suite, app.client);
    this.#resumptionSecret = await master.resumptionMasterSecret(await n.transcript.hash());
    master.dispose();

    const traffic: TrafficSecrets = { suite: n.suite, readSecret: app.server, writeSecret: app.client };
    this.#alpn = s.alpn;
    this.#peerCertificates = s.chain;
    await this.handshakeComplete(
      {
        alpnProtocol: s.alpn,
        tlsVersion: 'TLSv1.3',
        cipherSuite: n.suite.name,
        serverName: n.offered.serverName,
        group: n.group,
        peerSignatureScheme: s.peerScheme,
        peerCertificates: s.chain,
        resumed: n.resumed !== null,
        helloRetry: n.helloRetry,
        peerRecordSizeLimit: this.rl.peerRecordSizeLimit,
      },
      traffic,
      exporter,
    );
    return { kind: 'ExpectTraffic', traffic };
  }

  #chooseClientCertificate(cr: CertificateRequest): { cert: CertifiedKeyHandle; scheme: SignatureSchemeName } | null {
    const sa = findExtension(cr.extensions, 'signature_algorithms');
    const chainSchemes = findExtension(cr.extensions, 'signature_algorithms_cert') ?? sa;
    return chooseCertificate(this.#config.certificates ?? [], sa?.schemes ?? [], chainSchemes?.schemes ?? []);
  }

  protected override async onNewSessionTicket(msg: NewSessionTicket): Promise<void> {
    const suite = this.#suite;
    if (!suite || !this.#resumptionSecret) throw TlsError.unexpectedMessage('NewSessionTicket before the handshake completed');
    if (msg.ticketLifetime === 0) return; // 4.6.1: do not use
    const psk = await resumptionPsk(this.provider, suite.hash, this.#resumptionSecret, msg.ticketNonce);
    const early = findExtension(msg.extensions, 'early_data');
    const ticket: SessionTicket = {
      serverName: this.#serverName(),
      ticket: msg.ticket,
      psk,
      cipherSuite: suite.name,
      ticketAgeAdd: msg.ticketAgeAdd,
      receivedAt: Date.now(),
      lifetime: Math.min(msg.ticketLifetime, MAX_TICKET_LIFETIME),
      maxEarlyDataSize: early?.maxEarlyDataSize ?? 0,
      alpnProtocol: this.#alpn,
      peerCertificates: this.#peerCertificates,
    };
    await this.#config.ticketStore?.put(ticket.serverName, ticket);
    this.emit({ type: 'ticket', ticket });
  }
}

export function createClientEngine(config: ClientEngineConfig): TlsClient {
  return new TlsClient(config);
}
