/**
 * The peer's connection preface (RFC 9113 3.4), checked as it arrives: a server first expects the
 * client's 24-octet magic, and both sides expect SETTINGS (not an ACK) as the first frame.
 *
 * A gate in front of the frame dispatch that matters only until the first frame is through; kept
 * out of the connection core so the steady-state path does not carry start-up rules. Violations
 * throw PROTOCOL_ERROR, which the connection answers like any other connection error.
 */
import { ConnectionError, ErrorCode } from './errors.js';
import { CONNECTION_PREFACE, type Frame } from './frame/index.js';

export class PrefaceCheck {
  /** Octets of the client magic still expected (a server starts at 24, a client at 0). */
  private magicLeft: number;
  private settingsSeen = false;

  constructor(role: 'client' | 'server') {
    this.magicLeft = role === 'server' ? CONNECTION_PREFACE.length : 0;
  }

  /** Some of the client magic is still to come, so bytes go through `consumeMagic` first. */
  get awaitingMagic(): boolean {
    return this.magicLeft > 0;
  }

  /** The peer's first SETTINGS has arrived: its limits are known, no longer the RFC's defaults. */
  get settingsReceived(): boolean {
    return this.settingsSeen;
  }

  /** Checks the magic octets at the start of `chunk` and returns what follows them. */
  consumeMagic(chunk: Uint8Array): Uint8Array {
    const offset = CONNECTION_PREFACE.length - this.magicLeft;
    const n = Math.min(this.magicLeft, chunk.length);
    for (let i = 0; i < n; i++) {
      if (chunk[i] !== CONNECTION_PREFACE[offset + i]) {
        // 3.4: "Clients and servers MUST treat an invalid connection preface as a connection
        // error ... of type PROTOCOL_ERROR."
        this.magicLeft = 0;
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'invalid connection preface (RFC 9113 3.4)');
      }
    }
    this.magicLeft -= n;
    return chunk.subarray(n);
  }

  /** Lets every frame through once the first one was SETTINGS. */
  checkFrame(frame: Frame): void {
    if (this.settingsSeen) return;
    // 3.4: the preface's SETTINGS "MUST be the first frame"; "invalid connection preface" otherwise.
    if (frame.type !== 'SETTINGS' || frame.ack) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `first frame is ${frame.type}, not SETTINGS (RFC 9113 3.4)`);
    }
    this.settingsSeen = true;
  }
}
