/**
 * The accepting half of a Listener: transports handed in by a backend's server, taken out by
 * `accept()` in order. Shared by the socket backends so they close and iterate alike.
 */
import type { Transport } from './transport.js';

export class AcceptQueue {
  #ready: Transport[] = [];
  #waiters: Array<(transport: Transport | null) => void> = [];
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** A transport whose handshake succeeded. After close() it is closed instead of queued. */
  push(transport: Transport): void {
    if (this.#closed) { void transport.close(); return; }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(transport); else this.#ready.push(transport);
  }

  accept(): Promise<Transport | null> {
    const ready = this.#ready.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Pending accept() calls get null; transports accepted but never taken are closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(null);
    for (const transport of this.#ready.splice(0)) void transport.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Transport> {
    for (;;) {
      const transport = await this.accept();
      if (transport === null) return;
      yield transport;
    }
  }
}
