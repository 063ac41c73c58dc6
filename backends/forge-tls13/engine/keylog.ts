/**
 * NSS key log lines (the SSLKEYLOGFILE format Wireshark reads): `LABEL <client_random hex>
 * <secret hex>`. The engine emits `keylog` events; the driver's `keylogSink` (transport.ts) writes SSLKEYLOGFILE.
 */
export type KeylogLabel =
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0'
  | 'EXPORTER_SECRET';

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function keylogLine(label: KeylogLabel, clientRandom: Uint8Array, secret: Uint8Array): string {
  return `${label} ${hex(clientRandom)} ${hex(secret)}`;
}
