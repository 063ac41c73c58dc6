/**
 * Node's bundled Mozilla root store as DER trust anchors, loaded on first use and cached.
 * node:tls is imported lazily so that merely loading the x509 code does not pull it in.
 */

let cached: Promise<Uint8Array[]> | undefined;

export function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

export function defaultTrustAnchors(): Promise<Uint8Array[]> {
  cached ??= import('node:tls').then((tls) => tls.rootCertificates.flatMap(pemToDer));
  return cached;
}
