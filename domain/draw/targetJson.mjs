// The canonical JSON of targets, written from bytes. Plain JavaScript so that the same code runs in a worker
// thread under any loader (builder.ts); canonical.ts writes the same layout from strings.
//
// A target's canonical JSON is
//   {"category":<category>,"id":"<id>","inspectionsThisYear":<n>,"riskFlags":[<flags>],"street":<street>,"uscc":"<uscc>"}
// cut here into the fixed pieces around the id and credit code: the category with the keys up to the id's
// opening quote, the inspections with the keys up to the flags, and the street with the keys up to the
// credit code's opening quote. Each piece is built once per distinct value (JSON.stringify, then UTF-8) and
// copied from then on.

import { createHash } from 'node:crypto';

/** The text around a category's JSON, and around a street's. */
export const CATEGORY_PIECES = /** @type {const} */ (['{"category":', ',"id":"']);
export const STREET_PIECES = /** @type {const} */ (['],"street":', ',"uscc":"']);

/** @param {string} category */
const categorySegment = (category) => Buffer.from(`${CATEGORY_PIECES[0]}${JSON.stringify(category)}${CATEGORY_PIECES[1]}`, 'utf8');
/** @param {string} street */
const streetSegment = (street) => Buffer.from(`${STREET_PIECES[0]}${JSON.stringify(street)}${STREET_PIECES[1]}`, 'utf8');
/**
 * `","inspectionsThisYear":<count>,"riskFlags":[`; a safe integer prints the same in JSON as in String().
 * @param {number} count
 */
export const inspectionSegment = (count) => Buffer.from(`","inspectionsThisYear":${count},"riskFlags":[`, 'latin1');
/**
 * The flags of a mask (bit i: flagNames[i]) as they appear between the brackets, in sorted order.
 * @param {number} mask
 * @param {readonly string[]} flagNames
 */
const flagMaskSegment = (mask, flagNames) =>
  Buffer.from(JSON.stringify(flagNames.filter((_, bit) => (mask >> bit) & 1).sort()).slice(1, -1), 'utf8');

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const BUFFER_BYTES = 1 << 20;

/** 1 for the bytes JSON writes as they are and that read the same as Latin-1 and UTF-8: printable ASCII but `"` and `\`. */
const PLAIN = Uint8Array.from({ length: 256 }, (_, byte) => (byte >= 0x20 && byte < 0x7f && byte !== QUOTE && byte !== BACKSLASH ? 1 : 0));

/**
 * Copies bytes that are all PLAIN; -1 when one is not.
 * @param {Uint8Array} buffer
 * @param {number} at
 * @param {Uint8Array} bytes
 * @param {number} start
 * @param {number} end
 */
function putPlain(buffer, at, bytes, start, end) {
  for (let from = start; from < end; from += 1) {
    const byte = /** @type {number} */ (bytes[from]);
    if (PLAIN[byte] === 0) return -1;
    buffer[at++] = byte;
  }
  return at;
}

/**
 * @param {Uint8Array} buffer
 * @param {number} at
 * @param {Uint8Array} bytes
 */
function putBytes(buffer, at, bytes) {
  buffer.set(bytes, at);
  return at + bytes.length;
}

const INSPECTION_SEGMENTS = Array.from({ length: 16 }, (_, count) => inspectionSegment(count));

/**
 * @typedef {{ index: number, id: Uint8Array, uscc: Uint8Array }} NotPlain
 * @typedef {{ hash: string, notPlain: NotPlain[], inOrder: boolean }} HasherResult
 */

/**
 * Compares the bytes a[aStart..aEnd) and b[bStart..bEnd) as strings are compared (for the PLAIN bytes ids
 * are made of, byte order is UTF-16 code-unit order).
 * @param {Uint8Array} a
 * @param {number} aStart
 * @param {number} aEnd
 * @param {Uint8Array} b
 * @param {number} bStart
 * @param {number} bEnd
 */
function compareBytes(a, aStart, aEnd, b, bStart, bEnd) {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let index = 0; index < length; index += 1) {
    const difference = /** @type {number} */ (a[aStart + index]) - /** @type {number} */ (b[bStart + index]);
    if (difference !== 0) return difference;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/**
 * Where the hashed bytes go as well, when they are to be kept (canonicalParts.mjs's writer): `write` gets each
 * piece synchronously (its buffer is reused afterwards), `endHead` is called before the first target's bytes.
 * @typedef {{ write(bytes: Uint8Array): void, endHead(): void }} CanonicalSink
 */

/**
 * Hashes targets given as batches in id order (see TargetBatch in builder.ts for the layout; flagNames are
 * the risk flags in the order of the mask's bits), after the snapshot's head. A target whose id or credit
 * code is not all PLAIN bytes cannot be written from its bytes: it is listed in `notPlain` with
 * those bytes, and the hash is then not the snapshot's (the builder takes the slow way). `inOrder` says
 * whether the ids came in strictly ascending order (and none is empty), as the snapshot's must.
 * @param {readonly string[]} flagNames
 * @param {CanonicalSink} [sink] also given every byte hashed
 */
export function createTargetHasher(flagNames, sink) {
  const masks = 1 << flagNames.length;
  const flagSegments = Array.from({ length: masks }, (_, mask) => flagMaskSegment(mask, flagNames));
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** @type {Buffer[]} */
  const categories = [];
  /** @type {Buffer[]} */
  const streets = [];
  /** @type {NotPlain[]} */
  const notPlain = [];
  // Between the id and the credit code comes the inspections, the flags and the street: a few hundred
  // combinations in a directory, each kept joined up so that it is one copy. By street, then by the
  // inspections (under 16) and mask.
  /** @type {(Buffer | undefined)[][]} */
  const middles = [];
  /**
   * @param {number} count
   * @param {number} mask
   * @param {number} street
   */
  const middle = (count, mask, street) => {
    const byStreet = middles[street] ?? (middles[street] = new Array(16 * masks).fill(undefined));
    let segment = count < 16 ? byStreet[count * masks + mask] : undefined;
    if (segment === undefined) {
      segment = Buffer.concat([
        INSPECTION_SEGMENTS[count] ?? inspectionSegment(count),
        /** @type {Buffer} */ (flagSegments[mask]),
        /** @type {Buffer} */ (streets[street]),
      ]);
      if (count < 16) byStreet[count * masks + mask] = segment;
    }
    return segment;
  };
  let at = 0;
  let targets = 0;
  let inOrder = true;
  // The previous target's id, to check the order: where it lies, or a copy once its batch has gone.
  /** @type {Uint8Array} */
  let previous = new Uint8Array(0);
  let previousStart = 0;
  let previousEnd = 0;

  let headEnded = false;
  /** @param {Uint8Array} bytes */
  const update = (bytes) => {
    hash.update(bytes);
    sink?.write(bytes);
  };
  const endHead = () => {
    if (headEnded) return;
    headEnded = true;
    sink?.endHead();
  };
  const flush = () => {
    if (at > 0) update(buffer.subarray(0, at));
    at = 0;
  };

  /**
   * One target from `bytes` at `from`; answers where the next one starts.
   * @param {Uint8Array} bytes
   * @param {number} from
   * @param {DataView} view
   */
  const target = (bytes, from, view) => {
    const idStart = from + 2;
    const idEnd = idStart + view.getUint16(from);
    const usccStart = idEnd + 2;
    const usccEnd = usccStart + view.getUint16(idEnd);
    // The first id is compared with an empty one: an empty id is out of order too.
    if (inOrder && compareBytes(previous, previousStart, previousEnd, bytes, idStart, idEnd) >= 0) inOrder = false;
    previous = bytes;
    previousStart = idStart;
    previousEnd = idEnd;
    const category = /** @type {Buffer} */ (categories[view.getUint32(usccEnd)]);
    const between = middle(view.getUint32(usccEnd + 8), /** @type {number} */ (bytes[usccEnd + 12]), view.getUint32(usccEnd + 4));
    const size = 4 + category.length + idEnd - idStart + between.length + usccEnd - usccStart;
    if (size > BUFFER_BYTES) throw new Error(`a target of ${size} bytes`);
    if (at + size > BUFFER_BYTES) flush();
    let to = at;
    if (targets > 0) buffer[to++] = COMMA;
    to = putPlain(buffer, putBytes(buffer, to, category), bytes, idStart, idEnd);
    if (to >= 0) to = putPlain(buffer, putBytes(buffer, to, between), bytes, usccStart, usccEnd);
    if (to >= 0) {
      buffer[to++] = QUOTE;
      buffer[to++] = 125; // }
      at = to;
    } else {
      notPlain.push({ index: targets, id: bytes.slice(idStart, idEnd), uscc: bytes.slice(usccStart, usccEnd) });
    }
    targets += 1;
    return usccEnd + 13;
  };

  return {
    /**
     * The canonical JSON up to the first target's opening brace.
     * @param {Uint8Array} bytes
     */
    head(bytes) {
      update(bytes);
    },
    /**
     * Values that targets from now on may refer to by index, after those given before.
     * @param {readonly string[]} newCategories
     * @param {readonly string[]} newStreets
     */
    strings(newCategories, newStreets) {
      for (const category of newCategories) categories.push(categorySegment(category));
      for (const street of newStreets) streets.push(streetSegment(street));
    },
    /**
     * The next targets; `bytes` is not kept.
     * @param {Uint8Array} bytes
     * @param {number} count
     * @param {Uint32Array} [offsets] where each target starts, in id order (else one after another)
     */
    batch(bytes, count, offsets) {
      endHead();
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let from = 0;
      for (let index = 0; index < count; index += 1) from = target(bytes, offsets === undefined ? from : /** @type {number} */ (offsets[index]), view);
      if (count > 0) {
        previous = bytes.slice(previousStart, previousEnd);
        previousStart = 0;
        previousEnd = previous.length;
      }
    },
    /** @returns {HasherResult} */
    finish() {
      endHead();
      flush();
      update(Buffer.from(']}', 'latin1'));
      return { hash: hash.digest('hex'), notPlain, inOrder };
    },
  };
}
