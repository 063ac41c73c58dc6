/**
 * HTTP semantics of field blocks (RFC 9113 8.1 - 8.3): validating what the peer sent, and turning
 * what the user gave into HPACK fields.
 *
 * Received blocks: a violation makes the message malformed, which 8.1.1 requires be "treated as
 * a stream error ... of type PROTOCOL_ERROR": the validators throw `StreamError(PROTOCOL_ERROR)`.
 * User input: invalid names, values or connection-specific fields are a TypeError before
 * anything is sent (8.2.2: "An endpoint MUST NOT generate an HTTP/2 message containing
 * connection-specific header fields").
 */
import { ErrorCode, StreamError } from './errors.js';
import type { HeaderField } from './hpack/index.js';

/** What users pass as headers. Names are lowercased; arrays give repeated fields. */
export type HeadersInit = Record<string, string | number | readonly string[] | undefined> | ReadonlyArray<readonly [string, string]>;

/** Headers as users read them: lowercase names; `set-cookie` always an array, other repeats joined. */
export type IncomingHeaders = Record<string, string | string[]>;

// ---- character classes ----

/** RFC 9110 5.6.2 tchar, lowercase only (8.2.1: names MUST NOT contain uppercase). */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** A regular field name as 8.2.1 and RFC 9110 allow it: non-empty lowercase token. */
export function isValidFieldName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/**
 * 8.2.1: "A field value MUST NOT contain the zero value (ASCII NUL, 0x00), line feed (ASCII LF,
 * 0x0a), or carriage return (ASCII CR, 0x0d) at any position" and "MUST NOT start or end with an
 * ASCII whitespace character (ASCII SP or HTAB, 0x20 or 0x09)". Values are latin1 byte strings.
 */
export function isValidFieldValue(value: string): boolean {
  const n = value.length;
  if (n === 0) return true;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0xff) return false;
  }
  return true;
}

/** 8.2.2: connection-specific fields ("te" is handled apart: only "trailers" is allowed). */
const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function malformed(streamId: number, why: string): StreamError {
  return new StreamError(streamId, ErrorCode.PROTOCOL_ERROR, `malformed message: ${why} (RFC 9113 8.1.1)`);
}

// ---- received blocks ----

export interface RequestHead {
  method: string;
  /** Undefined only for CONNECT (8.5). */
  scheme: string | undefined;
  authority: string | undefined;
  path: string | undefined;
  /** -1 when absent. */
  contentLength: number;
}

export interface ResponseHead {
  status: number;
  contentLength: number;
}

/**
 * Checks one regular field of a received block; returns its content-length value (or -2 if it is
 * not content-length). Throws for names or values 8.2 forbids.
 */
function checkRegularField(streamId: number, f: HeaderField, isRequest: boolean): number {
  const { name, value } = f;
  if (!isValidFieldName(name)) throw malformed(streamId, `invalid field name ${JSON.stringify(name)}`);
  if (!isValidFieldValue(value)) throw malformed(streamId, `invalid value for ${name}`);
  if (CONNECTION_SPECIFIC.has(name)) throw malformed(streamId, `connection-specific field ${name} (8.2.2)`);
  if (name === 'te') {
    // 8.2.2: TE "MAY be present in an HTTP/2 request; when it is, it MUST NOT contain any value other than trailers".
    if (!isRequest || value !== 'trailers') throw malformed(streamId, `te: ${value} (8.2.2)`);
  }
  if (name === 'content-length') return parseContentLength(streamId, value);
  return -2;
}

function parseContentLength(streamId: number, value: string): number {
  // RFC 9110 8.6: Content-Length = 1*DIGIT; a list of identical values may be folded by the sender.
  if (!/^\d{1,15}$/.test(value)) {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.length > 1 && parts.every((p) => p === parts[0]) && /^\d{1,15}$/.test(parts[0]!)) return Number(parts[0]);
    throw malformed(streamId, `invalid content-length ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function mergeLength(streamId: number, previous: number, next: number): number {
  if (previous >= 0 && previous !== next) throw malformed(streamId, 'conflicting content-length values');
  return next;
}

/** A request header block (8.3.1), as the server receives it. */
export function validateRequest(streamId: number, fields: readonly HeaderField[]): RequestHead {
  let method: string | undefined;
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string | undefined;
  let host: string | undefined;
  let contentLength = -1;
  let regular = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const name = f.name;
    if (name.charCodeAt(0) === 0x3a /* ':' */) {
      // 8.3: "All pseudo-header fields MUST appear in a field block before all regular field lines"
      if (regular) throw malformed(streamId, `pseudo-header ${name} after a regular field (8.3)`);
      // 8.3: "The same pseudo-header field name MUST NOT appear more than once in a field block"
      switch (name) {
        case ':method':
          if (method !== undefined) throw malformed(streamId, 'repeated :method (8.3)');
          method = f.value;
          break;
        case ':scheme':
          if (scheme !== undefined) throw malformed(streamId, 'repeated :scheme (8.3)');
          scheme = f.value;
          break;
        case ':authority':
          if (authority !== undefined) throw malformed(streamId, 'repeated :authority (8.3)');
          authority = f.value;
          break;
        case ':path':
          if (path !== undefined) throw malformed(streamId, 'repeated :path (8.3)');
          path = f.value;
          break;
        default:
          // 8.3: "Endpoints MUST treat a request or response that contains undefined or invalid
          // pseudo-header fields as malformed" (:status is a response field, :protocol needs RFC 8441).
          throw malformed(streamId, `pseudo-header ${name} not allowed in a request (8.3)`);
      }
      if (!isValidFieldValue(f.value)) throw malformed(streamId, `invalid value for ${name}`);
      continue;
    }
    regular = true;
    const length = checkRegularField(streamId, f, true);
    if (length !== -2) contentLength = mergeLength(streamId, contentLength, length);
    else if (name === 'host') host = f.value;
  }
  if (method === undefined || method === '') throw malformed(streamId, 'missing :method (8.3.1)');
  if (method === 'CONNECT') {
    // 8.5: "The :scheme and :path pseudo-header fields MUST be omitted"; ":authority ... contains the host and port".
    if (scheme !== undefined || path !== undefined) throw malformed(streamId, 'CONNECT with :scheme or :path (8.5)');
    if (authority === undefined || authority === '') throw malformed(streamId, 'CONNECT without :authority (8.5)');
  } else {
    // 8.3.1: "All HTTP/2 requests MUST include exactly one valid value for the :method, :scheme,
    // and :path pseudo-header fields, unless they are CONNECT requests"
    if (scheme === undefined || scheme === '') throw malformed(streamId, 'missing :scheme (8.3.1)');
    if (path === undefined || path === '') throw malformed(streamId, 'missing or empty :path (8.3.1)');
    if ((scheme === 'http' || scheme === 'https') && path.charCodeAt(0) !== 0x2f && !(path === '*' && method === 'OPTIONS')) {
      throw malformed(streamId, `:path ${JSON.stringify(path.slice(0, 64))} is not origin-form (8.3.1)`);
    }
  }
  // 8.3.1: "A server SHOULD treat a request as malformed if it contains a Host header field that
  // identifies an entity that differs from the entity in the :authority pseudo-header field."
  if (host !== undefined && authority !== undefined && host.toLowerCase() !== authority.toLowerCase()) {
    throw malformed(streamId, 'host differs from :authority (8.3.1)');
  }
  return { method, scheme, authority: authority ?? host, path, contentLength };
}

/** A response header block (8.3.2), as the client receives it. */
export function validateResponse(streamId: number, fields: readonly HeaderField[], endStream: boolean): ResponseHead {
  let status = -1;
  let contentLength = -1;
  let regular = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.name.charCodeAt(0) === 0x3a) {
      if (regular) throw malformed(streamId, `pseudo-header ${f.name} after a regular field (8.3)`);
      if (f.name !== ':status') throw malformed(streamId, `pseudo-header ${f.name} not allowed in a response (8.3)`);
      if (status !== -1) throw malformed(streamId, 'repeated :status (8.3)');
      if (!/^[1-5]\d\d$/.test(f.value)) throw malformed(streamId, `invalid :status ${JSON.stringify(f.value)}`);
      status = Number(f.value);
      continue;
    }
    regular = true;
    const length = checkRegularField(streamId, f, false);
    if (length !== -2) contentLength = mergeLength(streamId, contentLength, length);
  }
  // 8.3.2: ":status ... MUST be included in all responses, including interim responses"
  if (status === -1) throw malformed(streamId, 'missing :status (8.3.2)');
  // 8.6: "HTTP/2 does not support the 101 (Switching Protocols) informational status code".
  if (status === 101) throw malformed(streamId, ':status 101 is not allowed in HTTP/2 (8.6)');
  // 8.1: "A HEADERS frame with the END_STREAM flag set that carries an informational status code
  // is malformed".
  if (status < 200 && endStream) throw malformed(streamId, 'informational response with END_STREAM (8.1)');
  return { status, contentLength };
}

/** A trailer block: 8.1 "Trailers MUST NOT include pseudo-header fields". */
export function validateTrailers(streamId: number, fields: readonly HeaderField[]): void {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.name.charCodeAt(0) === 0x3a) throw malformed(streamId, `pseudo-header ${f.name} in trailers (8.1)`);
    checkRegularField(streamId, f, false);
  }
}

/** Sum of name + value + 32 per field: the size SETTINGS_MAX_HEADER_LIST_SIZE counts (6.5.2). */
export function headerListSize(fields: readonly HeaderField[]): number {
  let size = 0;
  for (let i = 0; i < fields.length; i++) size += fields[i]!.name.length + fields[i]!.value.length + 32;
  return size;
}

/** Received fields as a record for users (8.2.3: cookies joined with "; "). Pseudo-headers skipped. */
export function fieldsToRecord(fields: readonly HeaderField[]): IncomingHeaders {
  const out: IncomingHeaders = Object.create(null) as IncomingHeaders;
  for (let i = 0; i < fields.length; i++) {
    const { name, value } = fields[i]!;
    if (name.charCodeAt(0) === 0x3a) continue;
    const prev = out[name];
    if (name === 'set-cookie') {
      if (prev === undefined) out[name] = [value];
      else (prev as string[]).push(value);
    } else if (prev === undefined) {
      out[name] = value;
    } else {
      out[name] = `${prev as string}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  return out;
}

// ---- user input ----

/**
 * Appends the user's headers to `out` as HPACK fields: names lowercased and checked, values
 * checked, connection-specific fields refused, pseudo-headers refused (the API sets those).
 * `sensitive` names are sent never-indexed (RFC 7541 6.2.3). Returns the value of `host`, if any,
 * which is dropped (requests carry it as :authority, 8.3.1).
 */
export function appendUserHeaders(
  out: HeaderField[],
  init: HeadersInit | undefined,
  opts: { sensitive?: readonly string[] | undefined; trailers?: boolean; request?: boolean } = {},
): string | undefined {
  if (init === undefined) return undefined;
  let host: string | undefined;
  const sensitive = opts.sensitive !== undefined && opts.sensitive.length > 0 ? new Set(opts.sensitive.map((s) => s.toLowerCase())) : undefined;
  const add = (rawName: string, rawValue: string | number): void => {
    const name = lowerIfNeeded(rawName);
    const value = typeof rawValue === 'number' ? String(rawValue) : rawValue;
    if (!isValidFieldName(name)) throw new TypeError(`invalid header name ${JSON.stringify(rawName)}`);
    if (!isValidFieldValue(value)) throw new TypeError(`invalid value for header ${name}`);
    if (CONNECTION_SPECIFIC.has(name)) throw new TypeError(`connection-specific header ${name} is not allowed in HTTP/2 (RFC 9113 8.2.2)`);
    if (name === 'te' && (opts.request !== true || value !== 'trailers')) throw new TypeError(`te: ${value} is not allowed in HTTP/2 (RFC 9113 8.2.2)`);
    if (name === 'host' && opts.request === true) {
      host = value;
      return;
    }
    if (sensitive?.has(name) === true) out.push({ name, value, sensitive: true });
    else out.push({ name, value });
  };
  if (isPairList(init)) {
    for (const [name, value] of init) add(name, value);
  } else {
    for (const name of Object.keys(init)) {
      const value = init[name];
      if (value === undefined) continue;
      if (typeof value === 'string' || typeof value === 'number') add(name, value);
      else for (const v of value) add(name, v);
    }
  }
  return host;
}

function isPairList(init: HeadersInit): init is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(init);
}

function lowerIfNeeded(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

/** Trailers as users read them. */
export function trailersToRecord(fields: readonly HeaderField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fieldsToRecord(fields))) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
