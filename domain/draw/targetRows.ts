// The targets of a built snapshot kept as the bytes they came in (TargetBatch), with the two columns the
// draw walks (inspections, risk-flag masks), rather than as a million objects: a draw reads every target's
// columns but only its picks' ids and records, so a target becomes an object only when something asks for
// it. Making all of them (`all()`) costs what making them while reading did, and is left to whoever needs
// the whole list (a check, an export).

import { latin1 } from './canonical';
import { riskFlagSets } from './targets';
import type { DrawTarget } from './types';

/** The targets of a snapshot in canonical order, one at a time (a plain array of them is one too: see targetsOf). */
export interface TargetSource {
  readonly length: number;
  at(index: number): DrawTarget;
  idAt(index: number): string;
}

export function targetsOf(targets: readonly DrawTarget[]): TargetSource {
  return { length: targets.length, at: (index) => targets[index]!, idAt: (index) => targets[index]!.id };
}

/** UTF-8 bytes as a string; through Latin-1 when they are ASCII, which reads them the same and faster. */
function decodeText(bytes: Buffer, start: number, end: number): string {
  for (let at = start; at < end; at += 1) if (bytes[at]! >= 0x80) return bytes.toString('utf8', start, end);
  return latin1(bytes, start, end);
}

export class TargetRows implements TargetSource {
  private readonly chunks: Buffer[] = [];
  /** Per target: which chunk holds it, and where in it it starts. */
  private chunkOf: Uint32Array;
  private startOf: Uint32Array;
  /** Per target: the inspections this year and the risk-flag mask (TargetColumns). */
  private inspectionColumn: Uint32Array;
  private flagMaskColumn: Uint8Array;
  private count = 0;
  private categories: readonly string[] = [];
  private streets: readonly string[] = [];

  constructor(expected: number) {
    this.chunkOf = new Uint32Array(expected);
    this.startOf = new Uint32Array(expected);
    this.inspectionColumn = new Uint32Array(expected);
    this.flagMaskColumn = new Uint8Array(expected);
  }

  get length(): number {
    return this.count;
  }

  get inspections(): Uint32Array {
    return this.inspectionColumn.subarray(0, this.count);
  }

  get flagMasks(): Uint8Array {
    return this.flagMaskColumn.subarray(0, this.count);
  }

  /**
   * Keeps the batch's bytes after the targets before it: a copy (the batch itself may then be handed over), or
   * the bytes themselves when they are shared memory (which the giver writes no more). `categories` and
   * `streets` are what its indices refer to, and may only grow.
   */
  add(bytes: Uint8Array, count: number, offsets: Uint32Array | undefined, categories: readonly string[], streets: readonly string[]): void {
    const chunk = this.chunks.length;
    const source = bytes.buffer instanceof SharedArrayBuffer ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes);
    this.chunks.push(source);
    this.categories = categories;
    this.streets = streets;
    let number = this.count;
    if (number + count > this.startOf.length) this.grow(number + count);
    const { chunkOf, startOf, inspectionColumn, flagMaskColumn } = this;
    let at = 0;
    for (let index = 0; index < count; index += 1) {
      if (offsets !== undefined) at = offsets[index]!;
      const idEnd = at + 2 + source.readUInt16BE(at);
      const usccEnd = idEnd + 2 + source.readUInt16BE(idEnd);
      const mask = source[usccEnd + 12]!;
      if (source.readUInt32BE(usccEnd) >= categories.length || source.readUInt32BE(usccEnd + 4) >= streets.length || mask >= riskFlagSets.length) {
        throw new RangeError('SnapshotBuilder: a target refers to a category, street or flag mask it was not given');
      }
      chunkOf[number] = chunk;
      startOf[number] = at;
      inspectionColumn[number] = source.readUInt32BE(usccEnd + 8);
      flagMaskColumn[number] = mask;
      number += 1;
      at = usccEnd + 13;
    }
    this.count = number;
  }

  at(index: number): DrawTarget {
    this.check(index);
    const source = this.chunks[this.chunkOf[index]!]!;
    const at = this.startOf[index]!;
    const idEnd = at + 2 + source.readUInt16BE(at);
    const usccEnd = idEnd + 2 + source.readUInt16BE(idEnd);
    return {
      id: decodeText(source, at + 2, idEnd),
      uscc: decodeText(source, idEnd + 2, usccEnd),
      category: this.categories[source.readUInt32BE(usccEnd)]!,
      street: this.streets[source.readUInt32BE(usccEnd + 4)]!,
      inspectionsThisYear: this.inspectionColumn[index]!,
      riskFlags: riskFlagSets[this.flagMaskColumn[index]!]!,
    };
  }

  idAt(index: number): string {
    this.check(index);
    const source = this.chunks[this.chunkOf[index]!]!;
    const at = this.startOf[index]!;
    return decodeText(source, at + 2, at + 2 + source.readUInt16BE(at));
  }

  /** Every target as an object, in order. */
  all(): DrawTarget[] {
    const targets = new Array<DrawTarget>(this.count);
    for (let index = 0; index < this.count; index += 1) targets[index] = this.at(index);
    return targets;
  }

  private check(index: number): void {
    if (!(index >= 0 && index < this.count)) throw new RangeError(`TargetRows: no target ${index} of ${this.count}`);
  }

  private grow(size: number): void {
    const length = Math.max(size, 2 * this.startOf.length);
    const grown = <T extends Uint32Array | Uint8Array>(column: T, make: (length: number) => T): T => {
      const copy = make(length);
      copy.set(column);
      return copy;
    };
    this.chunkOf = grown(this.chunkOf, (n) => new Uint32Array(n));
    this.startOf = grown(this.startOf, (n) => new Uint32Array(n));
    this.inspectionColumn = grown(this.inspectionColumn, (n) => new Uint32Array(n));
    this.flagMaskColumn = grown(this.flagMaskColumn, (n) => new Uint8Array(n));
  }
}
