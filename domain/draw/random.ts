// The draw's random numbers: a deterministic cryptographic stream, so that the same mixed seed gives
// the same numbers on any machine and nobody can predict them without the seed.
//
// Construction: key = HMAC-SHA256(key: seedMix bytes, message: "ssj-draw/1:stream:<purpose>"), one
// independent stream per purpose; the stream is the AES-256-CTR keystream under that key with a zero
// 16-byte initial counter block (what `openssl enc -aes-256-ctr -K <key> -iv 0` makes of zeros), read as
// big-endian 64-bit chunks. AES-CTR rather than SHA-256 in counter mode because a draw over a million
// targets needs a million numbers, and Node pays ~1.5 µs per hash call but ~0.01 µs per AES block; both are
// standard generators (AES-CTR is the core of NIST SP 800-90A CTR_DRBG).
//
// From each chunk only the top 53 bits are used (x), so every value is an exact double:
// - float in [0, 1): x / 2^53;
// - integer in [0, n): x mod n, drawing again while x ≥ 2^53 − (2^53 mod n), so no value is favoured.

import { createCipheriv, createHmac, type Cipher } from 'node:crypto';
import { ALGORITHM_VERSION } from './types';

const TWO_POW_53 = 2 ** 53;
const TWO_POW_21 = 2 ** 21;
// Keystream is made in blocks that start small (most draws are small) and double up to 64 KiB.
const ZEROS = Buffer.alloc(64 * 1024);
const FIRST_BLOCK_BYTES = 512;

export type StreamPurpose = 'targets' | 'teams';

export function streamKey(seedMix: string, purpose: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(seedMix)) throw new TypeError('seedMix must be 64 lower-case hex digits');
  return createHmac('sha256', Buffer.from(seedMix, 'hex')).update(`${ALGORITHM_VERSION}:stream:${purpose}`, 'utf8').digest();
}

export class DrawRandom {
  private readonly cipher: Cipher;
  private view = new DataView(new ArrayBuffer(0));
  private offset = 0;
  private blockBytes = FIRST_BLOCK_BYTES;

  constructor(seedMix: string, purpose: StreamPurpose) {
    this.cipher = createCipheriv('aes-256-ctr', streamKey(seedMix, purpose), Buffer.alloc(16));
  }

  /** The top 53 bits of the next 64-bit chunk. */
  nextUint53(): number {
    if (this.offset === this.view.byteLength) {
      const block = this.cipher.update(ZEROS.subarray(0, this.blockBytes));
      this.blockBytes = Math.min(this.blockBytes * 2, ZEROS.length);
      this.view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      this.offset = 0;
    }
    const high = this.view.getUint32(this.offset);
    const low = this.view.getUint32(this.offset + 4);
    this.offset += 8;
    return high * TWO_POW_21 + (low >>> 11);
  }

  /** Uniform in [0, 1), 53 bits. */
  nextFloat(): number {
    return this.nextUint53() / TWO_POW_53;
  }

  /** Uniform in [0, n) by rejection sampling; always consumes at least one chunk, even for n = 1. */
  nextInt(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`nextInt needs a positive safe integer, got ${n}`);
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    for (;;) {
      const x = this.nextUint53();
      if (x < limit) return x % n;
    }
  }
}
