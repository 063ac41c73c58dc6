/**
 * `tcp`: plain TCP, no TLS. It carries cleartext HTTP/2 with prior knowledge (h2c, RFC 9113
 * section 3.3), and it is the worked example of docs/writing-a-backend.md: a whole backend is
 * a socket wrapped by `duplexToTransport` plus a listener built on `AcceptQueue`.
 */
import net from 'node:net';
import { AcceptQueue } from '../../src/accept-queue.js';
import { duplexToTransport } from '../../src/duplex.js';
import { closeListening, connectTcp, formatAddress, listenTcp } from '../../src/net-connect.js';
import type { Backend, ConnectOptions, Listener, ListenOptions, Transport } from '../../src/transport.js';

function wrap(name: string, socket: net.Socket, role: 'client' | 'server', options: ConnectOptions | ListenOptions): Transport {
  return duplexToTransport(socket, {
    backend: name,
    role,
    remoteAddress: formatAddress(socket.remoteAddress, socket.remotePort),
    highWaterMark: options.highWaterMark,
    idleTimeoutMs: options.idleTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs,
    // A TCP reset is how the peer learns we aborted (PEER_RESET on its side).
    abort: () => { if (!socket.destroyed) socket.resetAndDestroy(); },
  });
}

/** A plain-TCP backend under any name (a plugin reusing it reports its own name). */
export function createTcpBackend(name = 'tcp', description = 'Plain TCP, no TLS (cleartext h2c with prior knowledge)'): Backend {
  return {
    name,
    description,
    secure: false,
    async connect(options: ConnectOptions): Promise<Transport> {
      return wrap(name, await connectTcp(options), 'client', options);
    },
    async listen(options: ListenOptions): Promise<Listener> {
      const queue = new AcceptQueue();
      const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => queue.push(wrap(name, socket, 'server', options)));
      const address = await listenTcp(server, options.host ?? '127.0.0.1', options.port ?? 0);
      return {
        backend: name,
        address,
        accept: () => queue.accept(),
        [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
        close: async () => { queue.close(); closeListening(server); },
      };
    },
  };
}

export const backend: Backend = createTcpBackend();
