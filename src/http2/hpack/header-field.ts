/**
 * One header field as HPACK sees it.
 *
 * Names and values are byte strings: each UTF-16 code unit holds one octet
 * (latin1). HPACK itself is byte-oriented (RFC 7541 5.2); turning text into
 * bytes is the caller's business.
 */
export interface HeaderField {
  name: string;
  value: string;
  /**
   * On encode: never put this field in a compression table (RFC 7541 6.2.3,
   * 7.1.3). On decode: the peer sent it as "never indexed", so an
   * intermediary must keep it that way.
   */
  sensitive?: boolean;
}

/** Size of a field for table and header-list accounting: RFC 7541 4.1, RFC 9113 6.5.2. */
export const ENTRY_OVERHEAD = 32;
