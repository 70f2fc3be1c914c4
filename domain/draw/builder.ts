// Building a snapshot from the bytes a reader already holds (rows of a binary COPY, say), instead of handing
// runDraw a million targets as strings that it would encode to UTF-8 again, one character at a time, to hash
// them. The reader hands the targets over in id order as batches of bytes (TargetBatch; TargetBatchWriter
// packs them). The builder keeps each batch as it is (TargetRows: a target becomes an object only when
// asked for) and hashes the very same bytes, laid out as canonical JSON by targetJson.mjs, optionally in a
// worker thread of its own, so that the hashing runs beside the reading. Both sides are this module's code
// working on one batch, so the hash is the snapshot's by construction; the hasher also checks, on the
// bytes, that the ids come in strictly ascending order.
//
// The result is what prepareSnapshot gives for the same records, sealed with the hash snapshotHash
// computes; runDraw takes it without preparing or hashing it again, and with the targets' inspections and
// risk flags as columns and the conflicts by entity, worked out here while the targets were coming.
// Anything out of the ordinary (a faulty officer or conflict, targets out of id order, an id or credit code
// that is not plain ASCII) sends build() to exactly prepareSnapshot and the general hash instead, so the
// outcome never depends on which way was taken.

import { Worker } from 'node:worker_threads';
import type { FieldProblem } from '../errors';
import {
  hashPreparedSnapshot,
  inIdOrder,
  prepareConflicts,
  prepareOfficers,
  prepareSnapshot,
  sealSnapshot,
  snapshotHead,
  type BuiltSnapshot,
} from './canonical';
import { createPartWriter, type CanonicalParts } from './canonicalParts.mjs';
import { createTargetHasher } from './targetJson.mjs';
import { TargetRows } from './targetRows';
import { conflictOfficersByEntity } from './teams';
import { riskFlags, type DrawConflict, type DrawOfficer } from './types';

/**
 * Targets as bytes. Each is, big-endian: the id's length in bytes (u16) and the id in UTF-8, the credit
 * code's length (u16) and the credit code in UTF-8, the category and the street as indices into the lists
 * given with the batch (u32 each), the inspections this year (u32), and the risk flags as a mask (u8, bit i
 * standing for riskFlags[i]). They lie one after another in id order, or anywhere in `bytes` with `offsets`
 * saying where each starts, in id order (so that a reader can sort targets without moving them). The
 * builder may take the ArrayBuffers over (transfer them to its thread): they are not to be used again. Bytes in
 * a SharedArrayBuffer are shared with that thread and kept by the snapshot as they are, without a copy: they
 * are not to be written again.
 */
export interface TargetBatch {
  bytes: Uint8Array;
  count: number;
  offsets?: Uint32Array;
}

/** Packs targets into TargetBatches of about `batchBytes` each, handing each one on when it is full. */
export class TargetBatchWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private at = 0;
  private count = 0;

  constructor(
    private readonly onBatch: (batch: TargetBatch) => void,
    private readonly batchBytes = 1 << 18,
  ) {
    [this.bytes, this.view] = this.fresh(batchBytes);
  }

  /** A target: id and credit code as UTF-8 bytes, category and street as indices, the flags as a mask. */
  add(
    id: Uint8Array,
    idStart: number,
    idEnd: number,
    uscc: Uint8Array,
    usccStart: number,
    usccEnd: number,
    category: number,
    street: number,
    inspectionsThisYear: number,
    flagMask: number,
  ): void {
    const size = 17 + idEnd - idStart + usccEnd - usccStart;
    if (this.at + size > this.bytes.length) {
      this.flush();
      if (size > this.bytes.length) [this.bytes, this.view] = this.fresh(size);
    }
    const { bytes, view } = this;
    let at = this.at;
    view.setUint16(at, idEnd - idStart);
    at += 2;
    for (let from = idStart; from < idEnd; from += 1) bytes[at++] = id[from]!;
    view.setUint16(at, usccEnd - usccStart);
    at += 2;
    for (let from = usccStart; from < usccEnd; from += 1) bytes[at++] = uscc[from]!;
    view.setUint32(at, category);
    view.setUint32(at + 4, street);
    view.setUint32(at + 8, inspectionsThisYear);
    bytes[at + 12] = flagMask;
    this.at = at + 13;
    this.count += 1;
  }

  /** Hands on what has been packed so far, if anything. */
  flush(): void {
    if (this.count === 0) return;
    this.onBatch({ bytes: this.bytes.subarray(0, this.at), count: this.count });
    [this.bytes, this.view] = this.fresh(this.batchBytes);
    this.at = 0;
    this.count = 0;
  }

  /** Shared memory: the builder's hashing thread reads it and the snapshot keeps it, neither copying it. */
  private fresh(size: number): [Uint8Array, DataView] {
    const buffer = new SharedArrayBuffer(size);
    return [new Uint8Array(buffer), new DataView(buffer)];
  }
}

interface HasherResult {
  hash: string;
  /** Targets (by number in id order) whose id or credit code is not plain ASCII, with those bytes. */
  notPlain: { index: number; id: Uint8Array; uscc: Uint8Array }[];
  /** Whether the ids came in strictly ascending order. */
  inOrder: boolean;
  /** The bytes hashed, in compressed parts, when asked to keep them. */
  canonical?: CanonicalParts;
}

/** targetJson.mjs's hasher, here or in a worker thread. Batches given to it are handed over. */
interface Hasher {
  /** The canonical JSON before the first target, in pieces (handed over: not to be used again). */
  head(pieces: readonly Uint8Array[]): void;
  strings(categories: readonly string[], streets: readonly string[]): void;
  batch(bytes: Uint8Array, count: number, offsets: Uint32Array | undefined): void;
  finish(): Promise<HasherResult>;
  /** Stops without a result (its thread, if it has one, ends). */
  abandon(): void;
}

function hasherHere(keepCanonical: boolean): Hasher {
  const parts = keepCanonical ? createPartWriter() : undefined;
  const hasher = createTargetHasher(riskFlags, parts);
  return {
    head: (pieces) => {
      for (const bytes of pieces) hasher.head(bytes);
    },
    strings: (categories, streets) => hasher.strings(categories, streets),
    batch: (bytes, count, offsets) => hasher.batch(bytes, count, offsets),
    finish: async () => ({ ...(hasher.finish() as HasherResult), canonical: await parts?.finish() }),
    abandon: () => undefined,
  };
}

/** The hashing thread's old-space limit, in MB. */
const HASHER_HEAP_LIMIT_MB = 64;

function hasherInWorker(keepCanonical: boolean): Hasher {
  // No execArgv of the parent's: the worker runs plain JavaScript and needs no loader (a TypeScript loader
  // the parent runs under would cost the worker's start some 0.1–0.2 s of CPU to load and compile).
  // Its own heap limit too: without the parent's flags a thread's heap may grow, as Node's default allows, to
  // gigabytes of garbage before it is collected, and the process's memory with it. What it keeps is small.
  const worker = new Worker(new URL('./targetJsonWorker.mjs', import.meta.url), {
    workerData: { flagNames: riskFlags, keepCanonical },
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: HASHER_HEAP_LIMIT_MB },
  });
  // Idle, it must not keep the process alive (a builder may be dropped); waiting for the result, it must.
  worker.unref();
  let failure: unknown;
  worker.on('error', (error) => (failure ??= error));
  return {
    head: (pieces) => {
      for (const bytes of pieces) worker.postMessage({ head: bytes }, [bytes.buffer as ArrayBuffer]);
    },
    strings: (categories, streets) => worker.postMessage({ categories, streets }),
    batch: (bytes, count, offsets) => {
      // Shared memory is shared with the thread, not handed over.
      const buffers = [...new Set([bytes.buffer, offsets?.buffer])].filter((buffer) => buffer instanceof ArrayBuffer);
      worker.postMessage({ batch: bytes, count, offsets }, buffers);
    },
    finish: () =>
      new Promise<HasherResult>((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        worker.ref();
        worker.once('error', reject);
        // Before the result come the hashed batches' buffers, given back to be collected here.
        worker.on('message', (message: HasherResult | { spent: ArrayBuffer[] }) => 'hash' in message && resolve(message));
        worker.postMessage({ finish: true });
      }).finally(() => void worker.terminate()),
    abandon: () => void worker.terminate(),
  };
}

export interface SnapshotBuilderOptions {
  /**
   * Hash in a worker thread, beside the decoding. Not in a process whose native modules cannot share it
   * with worker threads (the Temporal worker's, say).
   */
  hashInWorker?: boolean;
  /** About how many targets will come, so that the builder's arrays seldom have to grow. */
  expectedTargets?: number;
  /**
   * Keep the canonical JSON the hash covers, compressed in parts (canonicalParts.mjs), for `canonicalParts()`:
   * the form a committed draw stores its snapshot in. Written while hashing, beside the decoding.
   */
  keepCanonical?: boolean;
}

/**
 * Takes officers and conflicts first (the canonical form begins with them), then the targets in batches, in
 * id order, and builds the snapshot. `build()` throws DomainError 'invalid' where prepareSnapshot would.
 */
export class SnapshotBuilder {
  private readonly hasher: Hasher;
  /** The targets as they came, with room for the expected number made at once rather than grown. */
  private readonly rows: TargetRows;
  private readonly officers: readonly DrawOfficer[];
  private readonly conflicts: readonly DrawConflict[];
  private readonly conflictOfficers: ReadonlyMap<string, readonly number[]> | undefined;
  /** True while officers and conflicts are well-formed. */
  private readonly fast: boolean;
  private categoriesSent = 0;
  private streetsSent = 0;
  private built = false;
  private readonly keepCanonical: boolean;
  private canonical: CanonicalParts | undefined;

  constructor(
    private readonly givenOfficers: DrawOfficer[],
    private readonly givenConflicts: DrawConflict[],
    options: SnapshotBuilderOptions = {},
  ) {
    const problems: FieldProblem[] = [];
    this.officers = inIdOrder('officers', prepareOfficers(givenOfficers, problems), problems);
    this.conflicts = prepareConflicts(givenConflicts, problems);
    this.fast = problems.length === 0;
    this.keepCanonical = options.keepCanonical === true;
    this.hasher = options.hashInWorker ? hasherInWorker(this.keepCanonical) : hasherHere(this.keepCanonical);
    this.rows = new TargetRows(Math.max(16, Math.min(options.expectedTargets ?? 0, 1 << 26)));
    if (this.fast) {
      this.hasher.head(snapshotHead(this.officers, this.conflicts));
      this.conflictOfficers = conflictOfficersByEntity(this.officers, this.conflicts);
    }
  }

  /** The next targets; `categories` and `streets` are what the batch's indices refer to, and may only grow. */
  addTargets(batch: TargetBatch, categories: readonly string[], streets: readonly string[]): void {
    if (this.built) throw new Error('SnapshotBuilder: targets added after build()');
    this.sendStrings(categories, streets);
    this.rows.add(batch.bytes, batch.count, batch.offsets, categories, streets);
    // Offsets count from the start of `bytes`, which a copy keeps.
    const whole = batch.bytes.byteOffset === 0 ? batch.bytes : batch.bytes.slice();
    this.hasher.batch(whole, batch.count, batch.offsets);
  }

  async build(): Promise<BuiltSnapshot> {
    if (this.built) throw new Error('SnapshotBuilder: build() called twice');
    this.built = true;
    const { snapshot, canonical } = this.finish(await this.hasher.finish());
    this.canonical = await canonical;
    return snapshot;
  }

  /** Gives up before build(): what was added goes, and the hashing thread with it. */
  abandon(): void {
    this.built = true;
    this.hasher.abandon();
  }

  /** The canonical JSON of the snapshot built, compressed in parts: with `keepCanonical`, once built. */
  canonicalParts(): CanonicalParts {
    if (this.canonical === undefined) throw new Error('SnapshotBuilder: no canonical parts (keepCanonical, and build() first)');
    return this.canonical;
  }

  /** The snapshot, once the hasher has done: the targets as they came when all went as it should, else the slow way. */
  private finish({ hash, notPlain, inOrder, canonical }: HasherResult): { snapshot: BuiltSnapshot; canonical?: Promise<CanonicalParts> } {
    if (this.fast && inOrder && notPlain.length === 0) return { snapshot: this.seal(hash), canonical: canonical && Promise.resolve(canonical) };
    const prepared = prepareSnapshot({ targets: this.rows.all(), officers: this.givenOfficers, conflicts: this.givenConflicts });
    const parts = this.keepCanonical ? createPartWriter() : undefined;
    const snapshot = sealSnapshot(prepared, hashPreparedSnapshot(prepared, parts));
    return { snapshot, canonical: parts?.finish() };
  }

  /** The draw reads the targets from their rows; the snapshot's `targets` are made only if someone asks. */
  private seal(hash: string): BuiltSnapshot {
    const rows = this.rows;
    return sealSnapshot({ targets: () => rows.all(), officers: this.officers, conflicts: this.conflicts }, hash, {
      targetSource: rows,
      targetColumns: { inspections: rows.inspections, flagMasks: rows.flagMasks },
      conflictOfficersByEntity: this.conflictOfficers,
    });
  }

  private sendStrings(categories: readonly string[], streets: readonly string[]): void {
    if (categories.length === this.categoriesSent && streets.length === this.streetsSent) return;
    const newCategories = categories.slice(this.categoriesSent);
    const newStreets = streets.slice(this.streetsSent);
    if (![...newCategories, ...newStreets].every((value) => typeof value === 'string')) {
      throw new TypeError('SnapshotBuilder: categories and streets must be strings');
    }
    this.hasher.strings(newCategories, newStreets);
    this.categoriesSent = categories.length;
    this.streetsSent = streets.length;
  }
}
