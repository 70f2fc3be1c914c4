// A snapshot's stored form: its canonical JSON, the very bytes snapshotHash covers, cut into parts of PART_BYTES
// and each part compressed on its own (Brotli at quality 1: a million targets' 140 MB become ~30 MB in about a
// third of a second, half what gzip's fastest level takes). Parts stand alone, so a reader decompresses one at
// a time, in bounded memory, and a download of the targets skips the parts of officers and conflicts. Plain
// JavaScript, like targetJson.mjs, so that the hashing thread writes the parts as it hashes.

import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** Uncompressed bytes per part. */
export const PART_BYTES = 1 << 20;

/**
 * @typedef {{ parts: Buffer[], headParts: number, rawBytes: number }} CanonicalParts
 * `headParts`: how many parts hold the canonical JSON up to and including the targets' opening bracket (the
 * officers and conflicts); the targets start at a part of their own.
 */

/** Parts being compressed on libuv's thread pool at once; the next is compressed in the writer's own thread. */
const IN_FLIGHT = 3;

/** @param {Uint8Array} bytes */
const options = (bytes) => ({
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 1,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
  },
});

/** @param {Uint8Array} part */
export const decompressPart = (part) => brotliDecompressSync(part);

/**
 * Takes the canonical JSON as it is written, in pieces of any size, and compresses it part by part: on libuv's
 * thread pool, beside the thread writing (the hashing), a few parts at a time; when those are all taken, in the
 * writer's thread, which holds the writing back and bounds the memory the parts wait in.
 */
export function createPartWriter() {
  /** @type {(Buffer | Promise<Buffer>)[]} */
  const parts = [];
  let pending = Buffer.allocUnsafeSlow(PART_BYTES);
  let at = 0;
  let rawBytes = 0;
  let inFlight = 0;
  /** @type {number | undefined} */
  let headParts;
  const close = () => {
    if (at === 0) return;
    const bytes = pending.subarray(0, at);
    if (inFlight < IN_FLIGHT) {
      inFlight += 1;
      parts.push(
        new Promise((resolve, reject) =>
          brotliCompress(bytes, options(bytes), (error, compressed) => {
            inFlight -= 1;
            if (error) reject(error);
            else resolve(compressed);
          }),
        ),
      );
      pending = Buffer.allocUnsafeSlow(PART_BYTES);
    } else {
      parts.push(brotliCompressSync(bytes, options(bytes)));
    }
    at = 0;
  };
  return {
    /**
     * The next bytes (copied: the caller may reuse its buffer).
     * @param {Uint8Array} bytes
     */
    write(bytes) {
      rawBytes += bytes.length;
      for (let from = 0; from < bytes.length; ) {
        const take = Math.min(bytes.length - from, PART_BYTES - at);
        pending.set(bytes.subarray(from, from + take), at);
        at += take;
        from += take;
        if (at === PART_BYTES) close();
      }
    },
    /** What was written so far is the head: the targets begin in a part of their own. */
    endHead() {
      close();
      headParts = parts.length;
    },
    /** @returns {Promise<CanonicalParts>} */
    async finish() {
      close();
      return { parts: await Promise.all(parts), headParts: headParts ?? parts.length, rawBytes };
    },
  };
}
