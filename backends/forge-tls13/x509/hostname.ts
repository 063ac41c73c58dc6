/**
 * Server identity check against subjectAltName (RFC 6125 section 6, as profiled for TLS by
 * RFC 9110 section 4.3.4).
 *
 * - The reference identity is a DNS name or an IP literal (IPv4 dotted quad, or IPv6 with or
 *   without brackets).
 * - DNS names compare case-insensitively (RFC 6125 section 6.4.1); one trailing dot is ignored;
 *   internationalised names are compared in A-label form.
 * - A wildcard is honoured only as the complete left-most label ("*.example.com"), matches exactly
 *   one non-empty label, and needs at least two labels after it (so "*.com" matches nothing)
 *   (RFC 6125 sections 6.4.3 and 7.2). Partial-label wildcards ("f*.example.com") never match.
 * - IP literals match only iPAddress entries, byte for byte (RFC 6125 section 6.2.1 / RFC 5280
 *   section 4.2.1.6); they never match a dNSName, wildcard or not.
 * - No fallback to the subject's Common Name, whether or not SANs are present: RFC 6125 section
 *   6.4.4 allows it only without DNS SANs and marks it legacy; browsers, Go and our own
 *   certificates (src/certs.ts) all rely on SANs only.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { Certificate } from './parse.js';

/** Canonical text of an IP literal (WHATWG URL host serialisation), or undefined. */
function canonicalIp(text: string): string | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(bare);
  if (family === 0) return undefined;
  try {
    return new URL(family === 6 ? `http://[${bare}]/` : `http://${bare}/`).hostname;
  } catch {
    return undefined; // e.g. an IPv6 zone identifier
  }
}

function ipBytesToCanonical(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return canonicalIp(Array.from(bytes).join('.'));
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return canonicalIp(groups.join(':'));
  }
  return undefined;
}

function normaliseDns(name: string): string | undefined {
  let n = name.endsWith('.') ? name.slice(0, -1) : name;
  // Non-ASCII input (a U-label) is converted to its A-label form (RFC 6125 section 6.4.2).
  if (/[^\x21-\x7e]/.test(n)) {
    n = domainToASCII(n);
    if (n === '') return undefined;
  }
  n = n.toLowerCase();
  if (n === '' || n.split('.').some((label) => label === '')) return undefined;
  return n;
}

function dnsMatches(pattern: string, host: string): boolean {
  const p = normaliseDns(pattern);
  if (p === undefined) return false;
  if (!p.includes('*')) return p === host;
  if (!p.startsWith('*.')) return false;
  const rest = p.slice(2);
  if (rest.includes('*') || !rest.includes('.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === rest;
}

export function matchesHostname(cert: Certificate, hostname: string): boolean {
  const ip = canonicalIp(hostname);
  if (ip !== undefined) return cert.subjectAltNames.ip.some((entry) => ipBytesToCanonical(entry) === ip);
  const host = normaliseDns(hostname);
  if (host === undefined) return false;
  return cert.subjectAltNames.dns.some((pattern) => dnsMatches(pattern, host));
}
