/**
 * ALPN selection (RFC 7301 section 3.2), shared by every backend that negotiates in TypeScript
 * (loopback, forge-tls13) so all of them follow the same rule node:tls follows:
 * - a client that offers nothing gets no protocol (null), and no error;
 * - otherwise the server's `alpnSelect` callback decides, or else the first protocol of the
 *   server's preference list that the client offered;
 * - no overlap is a failure: the server answers with the fatal `no_application_protocol` alert.
 */
import type { AlpnOptions } from './transport.js';

export type AlpnOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'selected'; readonly protocol: string }
  | { readonly kind: 'mismatch' };

export function selectAlpn(
  offered: readonly string[],
  server: AlpnOptions,
  serverName: string | null,
): AlpnOutcome {
  if (offered.length === 0) return { kind: 'none' };
  if (server.alpnSelect) {
    const chosen = server.alpnSelect(offered, serverName);
    // A callback that names something the client never offered is a server bug; treating it as
    // no overlap keeps the client from receiving a protocol it did not ask for (RFC 7301 3.2).
    return chosen !== undefined && offered.includes(chosen)
      ? { kind: 'selected', protocol: chosen }
      : { kind: 'mismatch' };
  }
  // A server with no ALPN configuration ignores the extension, as OpenSSL does.
  if (!server.alpn || server.alpn.length === 0) return { kind: 'none' };
  for (const protocol of server.alpn) {
    if (offered.includes(protocol)) return { kind: 'selected', protocol };
  }
  return { kind: 'mismatch' };
}

/** RFC 7301 section 3.1: names are 1 to 255 bytes; an empty list is not allowed on the wire. */
export function validateAlpnList(list: readonly string[] | undefined): string | null {
  if (list === undefined) return null;
  for (const name of list) {
    const length = new TextEncoder().encode(name).length;
    if (length === 0 || length > 255) return `ALPN protocol name must be 1 to 255 bytes, got ${length}`;
  }
  return null;
}
