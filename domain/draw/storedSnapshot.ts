// A snapshot back from its stored form (canonicalParts.mjs: the canonical JSON in compressed parts), to run or
// verify the draw: the parts are decompressed one at a time and the targets' records read from the bytes
// straight into SnapshotBuilder's batches, so a million targets never exist as a 140 MB string or a million
// objects. The builder hashes what it was given afresh: a stored form that does not hold the committed snapshot,
// or that this reader misread, shows as another hash (the caller compares it with the published one).
//
// The reader takes canonical JSON only (keys in order, no whitespace) and throws on anything else; strings with
// escapes are decoded by JSON.parse.

import { SnapshotBuilder, TargetBatchWriter, type SnapshotBuilderOptions } from './builder';
import { latin1, type BuiltSnapshot } from './canonical';
import { decompressPart } from './canonicalParts.mjs';
import { invalidDraw } from './errors';
import { riskFlags, type DrawConflict, type DrawOfficer } from './types';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;

const key = (text: string) => Buffer.from(text, 'latin1');
const CATEGORY = key('{"category":');
const ID = key(',"id":');
const INSPECTIONS = key(',"inspectionsThisYear":');
const FLAGS = key(',"riskFlags":[');
const STREET = key(',"street":');
const USCC = key(',"uscc":');

/** A record ran past the bytes at hand: read it again once the next part has come. */
const INCOMPLETE = -1;

function unreadable(detail: string): Error {
  return invalidDraw([{ field: 'snapshot', message: `存储的名录快照无法读取 / the stored snapshot cannot be read: ${detail}` }]);
}

/** Reads the targets' records, in pieces, into batches for the builder. */
class TargetReader {
  readonly categories: string[] = [];
  readonly streets: string[] = [];
  private readonly categoryIndex = new Map<string, number>();
  private readonly streetIndex = new Map<string, number>();
  private readonly flagBits = new Map(riskFlags.map((flag, bit) => [JSON.stringify(flag), 1 << bit]));
  private carry: Buffer | undefined;
  private first = true;
  private done = false;
  // Where the last string read lies, and whether it holds escapes.
  private start = 0;
  private end = 0;
  private escaped = false;

  constructor(private readonly writer: TargetBatchWriter) {}

  /** The next bytes of the canonical JSON after the targets' opening bracket. */
  push(chunk: Buffer): void {
    const bytes = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = undefined;
    let at = 0;
    while (at < bytes.length) {
      if (this.done) throw unreadable('bytes after the end');
      const resume = at;
      if (!this.first) {
        if (bytes[at] === CLOSE_BRACKET) {
          if (at + 1 >= bytes.length) break;
          if (bytes[at + 1] !== CLOSE_BRACE || at + 2 !== bytes.length) throw unreadable('bytes after the end');
          this.done = true;
          return;
        }
        if (bytes[at] !== COMMA) throw unreadable(`a comma expected at byte ${at}`);
        at += 1;
      } else if (bytes[at] === CLOSE_BRACKET) {
        this.first = false;
        continue;
      }
      const next = this.record(bytes, at);
      if (next === INCOMPLETE) {
        at = resume;
        break;
      }
      this.first = false;
      at = next;
    }
    if (at < bytes.length) this.carry = Buffer.from(bytes.subarray(at));
  }

  finish(): void {
    if (!this.done) throw unreadable('the targets do not end');
    this.writer.flush();
  }

  /** One target's record at `at`; where it ends, or INCOMPLETE. */
  private record(bytes: Buffer, at: number): number {
    at = this.literal(bytes, at, CATEGORY);
    if ((at = this.string(bytes, at)) === INCOMPLETE) return INCOMPLETE;
    const category = this.indexOf(bytes, this.categories, this.categoryIndex);
    if ((at = this.literal(bytes, at, ID)) === INCOMPLETE || (at = this.string(bytes, at)) === INCOMPLETE) return INCOMPLETE;
    const [idBytes, idStart, idEnd] = this.bytesOf(bytes);
    if ((at = this.literal(bytes, at, INSPECTIONS)) === INCOMPLETE) return INCOMPLETE;
    let inspections = 0;
    const digits = at;
    while (at < bytes.length && bytes[at]! >= 48 && bytes[at]! <= 57) inspections = 10 * inspections + bytes[at++]! - 48;
    if (at >= bytes.length) return INCOMPLETE;
    if (at === digits || at - digits > 9) throw unreadable(`a count expected at byte ${digits}`);
    if ((at = this.literal(bytes, at, FLAGS)) === INCOMPLETE) return INCOMPLETE;
    let mask = 0;
    for (;;) {
      if (at >= bytes.length) return INCOMPLETE;
      if (bytes[at] === CLOSE_BRACKET) break;
      if (mask !== 0) {
        if (bytes[at] !== COMMA) throw unreadable(`a comma expected at byte ${at}`);
        at += 1;
      }
      if ((at = this.string(bytes, at)) === INCOMPLETE) return INCOMPLETE;
      const bit = this.flagBits.get(bytes.toString('utf8', this.start - 1, this.end + 1));
      if (bit === undefined || (mask & bit) !== 0) throw unreadable(`an unknown or repeated risk flag at byte ${this.start}`);
      mask |= bit;
    }
    at += 1;
    if ((at = this.literal(bytes, at, STREET)) === INCOMPLETE || (at = this.string(bytes, at)) === INCOMPLETE) return INCOMPLETE;
    const street = this.indexOf(bytes, this.streets, this.streetIndex);
    if ((at = this.literal(bytes, at, USCC)) === INCOMPLETE || (at = this.string(bytes, at)) === INCOMPLETE) return INCOMPLETE;
    const [usccBytes, usccStart, usccEnd] = this.bytesOf(bytes);
    if (at >= bytes.length) return INCOMPLETE;
    if (bytes[at] !== CLOSE_BRACE) throw unreadable(`a record's end expected at byte ${at}`);
    this.writer.add(idBytes, idStart, idEnd, usccBytes, usccStart, usccEnd, category, street, inspections, mask);
    return at + 1;
  }

  /** Past `text` at `at` (INCOMPLETE stays so); throws when other bytes are there. */
  private literal(bytes: Buffer, at: number, text: Buffer): number {
    if (at === INCOMPLETE) return INCOMPLETE;
    if (at + text.length > bytes.length) return INCOMPLETE;
    // A loop, not Buffer.compare: a call into the runtime per field costs more than comparing a few bytes.
    for (let index = 0; index < text.length; index += 1) {
      if (bytes[at + index] !== text[index]) throw unreadable(`${text.toString('latin1')} expected at byte ${at}`);
    }
    return at + text.length;
  }

  /** A JSON string at `at`: its contents' bounds go to start/end; answers where it ends. */
  private string(bytes: Buffer, at: number): number {
    if (at === INCOMPLETE || at >= bytes.length) return INCOMPLETE;
    if (bytes[at] !== QUOTE) throw unreadable(`a string expected at byte ${at}`);
    let escaped = false;
    for (let to = at + 1; to < bytes.length; to += 1) {
      const byte = bytes[to];
      if (byte === BACKSLASH) {
        escaped = true;
        to += 1;
      } else if (byte === QUOTE) {
        this.start = at + 1;
        this.end = to;
        this.escaped = escaped;
        return to + 1;
      }
    }
    return INCOMPLETE;
  }

  /** The last string as UTF-8 bytes and their bounds: where they lie, or decoded when they hold escapes. */
  private bytesOf(bytes: Buffer): [Uint8Array, number, number] {
    if (!this.escaped) return [bytes, this.start, this.end];
    const decoded = Buffer.from(JSON.parse(bytes.toString('utf8', this.start - 1, this.end + 1)) as string, 'utf8');
    return [decoded, 0, decoded.length];
  }

  /** The last string's index in `values`, added when new (a directory repeats a few hundred categories and streets). */
  private indexOf(bytes: Buffer, values: string[], index: Map<string, number>): number {
    const raw = latin1(bytes, this.start, this.end);
    let found = index.get(raw);
    if (found === undefined) {
      found = values.length;
      values.push(this.escaped ? (JSON.parse(bytes.toString('utf8', this.start - 1, this.end + 1)) as string) : bytes.toString('utf8', this.start, this.end));
      index.set(raw, found);
    }
    return found;
  }
}

export interface StoredSnapshotSource {
  /** How many parts hold the canonical JSON up to the targets' opening bracket (canonicalParts.mjs). */
  headParts: number;
  /** The compressed parts, in order. */
  parts: AsyncIterable<Uint8Array>;
  /** How many targets there are, if known. */
  targets?: number;
}

/** The snapshot a stored form holds, built afresh (its hash recomputed from what was read). */
export async function snapshotFromParts(source: StoredSnapshotSource, options: Pick<SnapshotBuilderOptions, 'hashInWorker'> = {}): Promise<BuiltSnapshot> {
  const head: Buffer[] = [];
  let builder: SnapshotBuilder | undefined;
  let reader: TargetReader | undefined;
  let number = 0;
  for await (const compressed of source.parts) {
    const part = decompressPart(compressed);
    if (number++ < source.headParts) {
      head.push(part);
      continue;
    }
    if (reader === undefined) [builder, reader] = startTargets(head, source, options);
    reader.push(part);
  }
  if (number < source.headParts) throw unreadable(`${number} parts of at least ${source.headParts}`);
  if (reader === undefined) [builder, reader] = startTargets(head, source, options);
  reader.finish();
  return builder!.build();
}

/** The builder, given the officers and conflicts the head holds, and the reader for the targets after it. */
function startTargets(head: Buffer[], source: StoredSnapshotSource, options: Pick<SnapshotBuilderOptions, 'hashInWorker'>): [SnapshotBuilder, TargetReader] {
  let parsed: { conflicts: DrawConflict[]; officers: DrawOfficer[] };
  try {
    parsed = JSON.parse(`${Buffer.concat(head).toString('utf8')}]}`) as typeof parsed;
  } catch (error) {
    throw unreadable(`officers and conflicts: ${(error as Error).message}`);
  }
  const builder = new SnapshotBuilder(parsed.officers, parsed.conflicts, { hashInWorker: options.hashInWorker, expectedTargets: source.targets });
  const reader: TargetReader = new TargetReader(new TargetBatchWriter((batch) => builder.addTargets(batch, reader.categories, reader.streets), 1 << 20));
  return [builder, reader];
}
