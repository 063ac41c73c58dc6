/**
 * In-memory listeners, keyed by host and port in a process-wide table, so `connect()` anywhere
 * in the process finds what `listen()` registered. Port 0 draws a fresh fake port from a
 * counter; nothing touches the operating system.
 */
import {
  TRANSPORT_DEFAULTS,
  TransportError,
  type Listener,
  type ListenerAddress,
  type Transport,
} from '../../src/transport.js';
import type { LoopbackTransport } from './endpoint.js';
import { Fifo } from '../../src/fifo.js';
import type { LoopbackListenOptions } from './options.js';

const table = new Map<string, LoopbackListener>();
const FIRST_PORT = 49152; // the IANA dynamic range, so fake ports look like ephemeral ones
let nextPort = FIRST_PORT;

const keyOf = (host: string, port: number): string => `${host}|${port}`;

/** A port no listener on `host` holds; the counter only wraps after 16k listeners. */
export function freshPort(host?: string): number {
  for (let tries = 0; tries <= 65535 - FIRST_PORT; tries += 1) {
    const port = nextPort;
    nextPort = nextPort >= 65535 ? FIRST_PORT : nextPort + 1;
    if (host === undefined || !table.has(keyOf(host, port))) return port;
  }
  throw new TransportError('INVALID_ARGUMENT', `no free loopback port left on ${host}`);
}

/** The listener for host:port; one bound to a wildcard address accepts any host name. */
export function findListener(host: string, port: number): LoopbackListener | undefined {
  return table.get(keyOf(host, port)) ?? table.get(keyOf('0.0.0.0', port)) ?? table.get(keyOf('::', port));
}

export class LoopbackListener implements Listener {
  readonly backend = 'loopback';
  readonly address: ListenerAddress;
  readonly options: LoopbackListenOptions;
  private readonly ready = new Fifo<LoopbackTransport>();
  private readonly waiting = new Fifo<(transport: Transport | null) => void>();
  private readonly handshaking = new Set<LoopbackTransport>();
  private isClosed = false;

  /** Registers the listener; INVALID_ARGUMENT when the address is taken. */
  constructor(options: LoopbackListenOptions) {
    const host = options.host ?? '127.0.0.1';
    const port = options.port === undefined || options.port === 0 ? freshPort(host) : options.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TransportError('INVALID_ARGUMENT', `port must be an integer from 0 to 65535, got ${options.port}`);
    }
    if (table.has(keyOf(host, port))) {
      throw new TransportError('INVALID_ARGUMENT', `loopback address ${host}:${port} is already in use`);
    }
    this.options = options;
    this.address = Object.freeze({ host, port });
    table.set(keyOf(host, port), this);
  }

  get highWaterMark(): number {
    return this.options.highWaterMark ?? TRANSPORT_DEFAULTS.highWaterMark;
  }

  /** Takes the server end of a new connection; it reaches accept() once its handshake succeeds. */
  incoming(server: LoopbackTransport): void {
    this.handshaking.add(server);
    server.handshake().then(
      () => {
        this.handshaking.delete(server);
        if (this.isClosed) {
          server.destroy();
          return;
        }
        const waiter = this.waiting.shift();
        if (waiter) waiter(server);
        else this.ready.push(server);
      },
      (error: unknown) => {
        this.handshaking.delete(server);
        this.report(error);
      },
    );
  }

  accept(): Promise<Transport | null> {
    const next = this.ready.shift();
    if (next) return Promise.resolve(next);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Transport> {
    for (;;) {
      const transport = await this.accept();
      if (transport === null) return;
      yield transport;
    }
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    if (table.get(keyOf(this.address.host, this.address.port)) === this) {
      table.delete(keyOf(this.address.host, this.address.port));
    }
    for (const waiter of this.waiting.drain()) waiter(null);
    // Connections nobody accepted yet have no owner to close them: reset them, as a TCP stack
    // resets its accept backlog when the listening socket closes.
    for (const server of this.ready.drain()) server.destroy();
    for (const server of [...this.handshaking]) server.destroy();
    return Promise.resolve();
  }

  private report(error: unknown): void {
    const callback = this.options.onHandshakeError;
    if (!callback) return;
    const transportError = error instanceof TransportError
      ? error
      : new TransportError('HANDSHAKE_FAILED', 'incoming handshake failed', { cause: error });
    try {
      callback(transportError);
    } catch (thrown) {
      // Throwing here would become an unhandled rejection far from its cause; a warning names it.
      process.emitWarning(`loopback onHandshakeError callback threw: ${String(thrown)}`);
    }
  }
}
