// One byte string per snapshot, so that its SHA-256 can be published before the draw and recomputed by
// anyone afterwards. The form is UTF-8 JSON with keys sorted and no whitespace (for well-formed strings,
// byte for byte what Python's json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
// writes) over a normalised snapshot: targets and officers sorted by id, conflicts by officerId then
// entityId without duplicates, riskFlags and specialties sorted without duplicates, and only the fields
// the snapshot types name.
// Ids are ordered by UTF-16 code unit (JavaScript's `<`), which is code-point order for ids without
// characters beyond U+FFFF.
//
// The draw reads the normalised snapshot only, so anything that does not change the hash (input order,
// repeated flags, extra fields) cannot change the result either.

import { createHash, type Hash } from 'node:crypto';
import type { FieldProblem } from '../errors';
import { invalidDraw } from './errors';
import { CATEGORY_PIECES, inspectionSegment, STREET_PIECES, type CanonicalSink } from './targetJson.mjs';
import type { TargetSource } from './targetRows';
import { riskFlags, type DrawConflict, type DrawOfficer, type DrawSnapshot, type DrawTarget } from './types';

const TARGET_KEYS = ['category', 'id', 'inspectionsThisYear', 'riskFlags', 'street', 'uscc'] as const;
const OFFICER_KEYS = ['certificateValidUntil', 'id', 'participationsThisYear', 'specialties'] as const;
const CONFLICT_KEYS = ['entityId', 'officerId'] as const;
const MAX_REPORTED_PROBLEMS = 20;

const knownRiskFlags: ReadonlySet<string> = new Set(riskFlags);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted at every depth and no whitespace; refuses what JSON cannot carry exactly. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort(compareIds)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

/** A validated snapshot in canonical order. Records are the caller's own objects unless they needed normalising. */
export interface PreparedSnapshot {
  targets: readonly DrawTarget[];
  officers: readonly DrawOfficer[];
  conflicts: readonly DrawConflict[];
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Sorted without duplicates, reusing the array when it already is (the usual case, so no copying). */
export function sortedSet(values: readonly string[]): string[] | null {
  for (let index = 1; index < values.length; index += 1) {
    if (!(values[index - 1]! < values[index]!)) return [...new Set(values)].sort(compareIds);
  }
  return null;
}

/**
 * Records in id order. Input already in strict id order costs one pass (a query with
 * `ORDER BY id COLLATE "C"` gives it); anything else is sorted, O(n log n): seconds at a million.
 */
export function inIdOrder<T extends { id: string }>(kind: string, records: readonly T[], problems: FieldProblem[]): readonly T[] {
  let index = 1;
  while (index < records.length && records[index - 1]!.id < records[index]!.id) index += 1;
  if (index >= records.length) return records;
  const sorted = [...records].sort((a, b) => compareIds(a.id, b.id));
  for (let at = 1; at < sorted.length && problems.length < MAX_REPORTED_PROBLEMS; at += 1) {
    if (sorted[at - 1]!.id === sorted[at]!.id) problems.push({ field: `${kind}[${sorted[at]!.id}]`, message: 'id 重复 / duplicate id' });
  }
  return sorted;
}

/** What is wrong with a target: the faulty field's path after `targets[id]` and the message; null when nothing is. */
export function targetProblem(target: DrawTarget): FieldProblem | null {
  if (typeof target !== 'object' || target === null || !isText(target.id) || target.id === '') {
    return { field: '', message: '缺少 id / id missing' };
  }
  if (!isText(target.uscc) || !isText(target.category) || !isText(target.street)) {
    return { field: '', message: 'uscc、category、street 应为文字 / uscc, category and street must be strings' };
  }
  if (!isCount(target.inspectionsThisYear)) {
    return { field: '.inspectionsThisYear', message: '应为非负整数 / must be a non-negative integer' };
  }
  if (!Array.isArray(target.riskFlags) || !allKnown(target.riskFlags)) {
    return { field: '.riskFlags', message: `只能取 ${riskFlags.join('、')} / must be among ${riskFlags.join(', ')}` };
  }
  return null;
}

export function allKnown(flags: readonly unknown[]): boolean {
  for (const flag of flags) if (!knownRiskFlags.has(flag as string)) return false;
  return true;
}

function prepareTargets(input: unknown, problems: FieldProblem[]): DrawTarget[] {
  if (!Array.isArray(input)) {
    problems.push({ field: 'targets', message: '应为数组 / must be an array' });
    return [];
  }
  // Copied only if some record has to be normalised; a million-element copy is not free. Likewise the
  // record's name for a problem is only spelt out when there is one.
  let targets = input as DrawTarget[];
  for (let index = 0; index < input.length; index += 1) {
    const target = input[index] as DrawTarget;
    const problem = targetProblem(target);
    if (problem !== null) {
      problems.push({ field: `targets[${isText(target?.id) ? target.id : index}]${problem.field}`, message: problem.message });
      if (problems.length >= MAX_REPORTED_PROBLEMS) break;
      continue;
    }
    const flags = sortedSet(target.riskFlags);
    if (flags !== null) {
      if (targets === input) targets = [...targets];
      targets[index] = { ...target, riskFlags: flags as DrawTarget['riskFlags'] };
    }
  }
  return targets;
}

export function prepareOfficers(input: unknown, problems: FieldProblem[]): DrawOfficer[] {
  if (!Array.isArray(input)) {
    problems.push({ field: 'officers', message: '应为数组 / must be an array' });
    return [];
  }
  let officers = input as DrawOfficer[];
  for (let index = 0; index < input.length; index += 1) {
    const officer = input[index] as DrawOfficer;
    const where = `officers[${isText(officer?.id) ? officer.id : index}]`;
    if (typeof officer !== 'object' || officer === null || !isText(officer.id) || officer.id === '') {
      problems.push({ field: where, message: '缺少 id / id missing' });
    } else if (!isIsoDate(officer.certificateValidUntil)) {
      problems.push({ field: `${where}.certificateValidUntil`, message: '应为 YYYY-MM-DD 日期 / must be a YYYY-MM-DD date' });
    } else if (!isCount(officer.participationsThisYear)) {
      problems.push({ field: `${where}.participationsThisYear`, message: '应为非负整数 / must be a non-negative integer' });
    } else if (!Array.isArray(officer.specialties) || !officer.specialties.every(isText)) {
      problems.push({ field: `${where}.specialties`, message: '应为文字数组 / must be an array of strings' });
    } else {
      const specialties = sortedSet(officer.specialties);
      if (specialties !== null) {
        if (officers === input) officers = [...officers];
        officers[index] = { ...officer, specialties };
      }
    }
    if (problems.length >= MAX_REPORTED_PROBLEMS) break;
  }
  return officers;
}

export function prepareConflicts(input: unknown, problems: FieldProblem[]): DrawConflict[] {
  if (!Array.isArray(input)) {
    problems.push({ field: 'conflicts', message: '应为数组 / must be an array' });
    return [];
  }
  const order = (a: DrawConflict, b: DrawConflict) => compareIds(a.officerId, b.officerId) || compareIds(a.entityId, b.entityId);
  let sorted = true;
  for (let index = 0; index < input.length; index += 1) {
    const conflict = input[index] as DrawConflict;
    if (typeof conflict !== 'object' || conflict === null || !isText(conflict.officerId) || !isText(conflict.entityId)) {
      problems.push({ field: `conflicts[${index}]`, message: '应含 officerId 与 entityId / needs officerId and entityId' });
      if (problems.length >= MAX_REPORTED_PROBLEMS) return [];
    } else if (sorted && problems.length === 0 && index > 0 && order(input[index - 1] as DrawConflict, conflict) >= 0) {
      sorted = false;
    }
  }
  if (problems.length > 0 || sorted) return input as DrawConflict[];
  const conflicts = [...(input as DrawConflict[])].sort(order);
  return conflicts.filter((conflict, index) => index === 0 || order(conflicts[index - 1]!, conflict) !== 0);
}

/**
 * A snapshot the engine itself validated, put in canonical order and hashed (see SnapshotBuilder): runDraw
 * takes it as it is. Its arrays are frozen; the records in them must not be changed either.
 */
export interface BuiltSnapshot extends DrawSnapshot {
  readonly snapshotHash: string;
}

/**
 * What SnapshotBuilder worked out beside a built snapshot, for the draw to use instead of working it out
 * again: its targets one at a time (targetRows.ts), their columns (targets.ts) and who declared a conflict
 * with which entity (teams.ts).
 */
export interface BuiltSnapshotExtras {
  targetSource?: TargetSource;
  targetColumns?: { inspections: Uint32Array; flagMasks: Uint8Array };
  conflictOfficersByEntity?: ReadonlyMap<string, readonly number[]>;
}

const builtSnapshots = new WeakMap<object, BuiltSnapshotExtras>();

/**
 * Seals a prepared snapshot with its hash. Its targets may be given as a function that makes them: they are
 * then made the first time `targets` is read, and not at all by a draw that has them from `extras`.
 */
export function sealSnapshot(
  prepared: Omit<PreparedSnapshot, 'targets'> & { targets: readonly DrawTarget[] | (() => readonly DrawTarget[]) },
  hash: string,
  extras: BuiltSnapshotExtras = {},
): BuiltSnapshot {
  const { targets } = prepared;
  let made: DrawTarget[] | undefined = typeof targets === 'function' ? undefined : (Object.freeze(targets) as DrawTarget[]);
  const snapshot = {
    get targets(): DrawTarget[] {
      return (made ??= Object.freeze((targets as () => readonly DrawTarget[])()) as DrawTarget[]);
    },
    officers: Object.freeze(prepared.officers) as DrawOfficer[],
    conflicts: Object.freeze(prepared.conflicts) as DrawConflict[],
    snapshotHash: hash,
  };
  builtSnapshots.set(snapshot, extras);
  return Object.freeze(snapshot);
}

/** The hash of a snapshot sealed by sealSnapshot; undefined for any other object, whatever fields it has. */
export function builtSnapshotHash(snapshot: DrawSnapshot): string | undefined {
  return builtSnapshots.has(snapshot) ? (snapshot as BuiltSnapshot).snapshotHash : undefined;
}

/** What was sealed with a built snapshot; undefined for any other object. */
export function builtSnapshotExtras(snapshot: DrawSnapshot): BuiltSnapshotExtras | undefined {
  return builtSnapshots.get(snapshot);
}

/** Validates and normalises a snapshot; throws DomainError 'invalid' naming the faulty records. */
export function prepareSnapshot(snapshot: DrawSnapshot): PreparedSnapshot {
  const problems: FieldProblem[] = [];
  if (typeof snapshot !== 'object' || snapshot === null) throw invalidDraw([{ field: 'snapshot', message: '缺失 / missing' }]);
  const targets = prepareTargets(snapshot.targets, problems);
  const officers = prepareOfficers(snapshot.officers, problems);
  const conflicts = prepareConflicts(snapshot.conflicts, problems);
  if (problems.length > 0) throw invalidDraw(problems);
  const prepared = { targets: inIdOrder('targets', targets, problems), officers: inIdOrder('officers', officers, problems), conflicts };
  if (problems.length > 0) throw invalidDraw(problems);
  return prepared;
}

// Targets are most of the bytes (about 125 MB for a million), and building JSON strings of them costs
// several times what hashing does. So they are encoded straight into a byte buffer as UTF-8, giving the
// bytes JSON.stringify would. The tests compare both ways.
//
// A directory repeats a few dozen categories, streets and flag names a million times. Each distinct one is
// encoded once, by JSON.stringify and together with the key names around it (the pieces targetJson.mjs
// defines, which writes the same layout from bytes), and from then on copied in one go, which costs far
// less than any loop over its characters. Ids and credit codes are unique: they are written character by
// character, and a record with one that would need escaping goes through JSON.stringify whole.
const MAX_BUFFER_BYTES = 1 << 20;
/** Distinct strings kept encoded per field; a directory with more pays the per-character path for the rest. */
const MAX_CACHED_SEGMENTS = 4096;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;

/** A string field as UTF-8 JSON between fixed text, e.g. `],"street":"金城镇","uscc":"`, encoded once per distinct value. */
class SegmentCache {
  private readonly segments = new Map<string, Uint8Array>();
  readonly prefix: Uint8Array;
  readonly suffix: Uint8Array;

  constructor(
    private readonly before: string,
    private readonly after: string,
  ) {
    this.prefix = Buffer.from(before, 'utf8');
    this.suffix = Buffer.from(after, 'utf8');
  }

  /** The encoded segment, or undefined once the cache is full and the value is not in it. */
  get(text: string): Uint8Array | undefined {
    let segment = this.segments.get(text);
    if (segment === undefined && this.segments.size < MAX_CACHED_SEGMENTS) {
      segment = Buffer.from(`${this.before}${JSON.stringify(text)}${this.after}`, 'utf8');
      this.segments.set(text, segment);
    }
    return segment;
  }
}

/** `","inspectionsThisYear":<count>,"riskFlags":[` for the usual small counts, built once. */
const INSPECTION_SEGMENTS = Array.from({ length: 16 }, (_, count) => inspectionSegment(count));

function putBytes(buffer: Buffer, at: number, bytes: Uint8Array): number {
  buffer.set(bytes, at);
  return at + bytes.length;
}

/** Writes the string's characters as JSON in UTF-8 (at most 3 bytes per UTF-16 unit), without quotes; -1 when it would need escaping. */
function putChars(buffer: Uint8Array, at: number, text: string): number {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if (code < 0x20 || code === QUOTE || code === BACKSLASH) return -1;
      buffer[at++] = code;
    } else if (code < 0x800) {
      buffer[at++] = 0xc0 | (code >> 6);
      buffer[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0xd800 || code > 0xdfff) {
      buffer[at++] = 0xe0 | (code >> 12);
      buffer[at++] = 0x80 | ((code >> 6) & 0x3f);
      buffer[at++] = 0x80 | (code & 0x3f);
    } else {
      const low = code < 0xdc00 ? text.charCodeAt(index + 1) : NaN;
      if (!(low >= 0xdc00 && low <= 0xdfff)) return -1;
      const point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      buffer[at++] = 0xf0 | (point >> 18);
      buffer[at++] = 0x80 | ((point >> 12) & 0x3f);
      buffer[at++] = 0x80 | ((point >> 6) & 0x3f);
      buffer[at++] = 0x80 | (point & 0x3f);
      index += 1;
    }
  }
  return at;
}

/** A field through its cache, or (cache full) its prefix, its characters and its suffix; -1 when it would need escaping. */
function putCached(buffer: Buffer, at: number, cache: SegmentCache, text: string): number {
  const segment = cache.get(text);
  if (segment !== undefined) return putBytes(buffer, at, segment);
  at = putBytes(buffer, at, cache.prefix);
  buffer[at++] = QUOTE;
  at = putChars(buffer, at, text);
  if (at < 0) return -1;
  buffer[at++] = QUOTE;
  return putBytes(buffer, at, cache.suffix);
}

/** Buffer's Latin-1 decoder itself, without toString's argument handling (a million ids go through it). */
export const latin1 = (bytes: Buffer, start: number, end: number): string =>
  (bytes as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

/** Writes targets' canonical JSON into a hash through one reusable buffer; the brackets around the list are the caller's. */
class TargetWriter {
  private readonly buffer: Buffer;
  private at = 0;
  private written = 0;
  // Each field's cache also holds the key names up to the next field's value, so a target is five copies
  // and two loops over the id's and credit code's characters.
  private readonly categories = new SegmentCache(...(CATEGORY_PIECES as [string, string]));
  private readonly flags = new SegmentCache('', '');
  private readonly streets = new SegmentCache(...(STREET_PIECES as [string, string]));

  constructor(
    private readonly hash: Hash,
    expectedTargets: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(MAX_BUFFER_BYTES, Math.max(4096, expectedTargets * 256)));
  }

  /** Hands what is buffered to the hash. */
  flush(): void {
    if (this.at > 0) this.hash.update(this.buffer.subarray(0, this.at));
    this.at = 0;
  }

  writeTarget(target: DrawTarget): void {
    // An upper bound on the record's bytes: 96 of key names and punctuation (the comma before it
    // included), 16 digits, 6 per UTF-16 unit of a value JSON may escape (\u0001), 3 per unit of the rest.
    let size = 112 + 6 * (target.category.length + target.street.length) + 3 * (target.id.length + target.uscc.length);
    for (const flag of target.riskFlags) size += 6 * flag.length + 3;
    if (this.at + size > this.buffer.length) this.flush();
    const comma = this.written++ > 0;
    const end = size <= this.buffer.length ? this.put(this.at, target, comma) : -1;
    if (end >= 0) {
      this.at = end;
      return;
    }
    this.flush();
    this.hash.update(`${comma ? ',' : ''}${JSON.stringify(target, TARGET_KEYS as unknown as string[])}`, 'utf8');
  }

  /** The record at `at`; -1 when its id or credit code would need escaping. */
  private put(at: number, target: DrawTarget, comma: boolean): number {
    const buffer = this.buffer;
    if (comma) buffer[at++] = COMMA;
    at = putCached(buffer, at, this.categories, target.category);
    if (at < 0) return -1;
    at = putChars(buffer, at, target.id);
    if (at < 0) return -1;
    const count = target.inspectionsThisYear;
    at = putBytes(buffer, at, count < INSPECTION_SEGMENTS.length ? INSPECTION_SEGMENTS[count]! : inspectionSegment(count));
    const flags = target.riskFlags;
    for (let index = 0; index < flags.length; index += 1) {
      if (index > 0) buffer[at++] = COMMA;
      at = putCached(buffer, at, this.flags, flags[index]!);
      if (at < 0) return -1;
    }
    at = putCached(buffer, at, this.streets, target.street);
    if (at < 0) return -1;
    at = putChars(buffer, at, target.uscc);
    if (at < 0) return -1;
    buffer[at++] = QUOTE;
    buffer[at++] = 125; // }
    return at;
  }
}

/** The targets after the list's opening bracket (the head's), and the closing one. */
function writeTargets(hash: Hash, targets: readonly DrawTarget[]): void {
  const writer = new TargetWriter(hash, targets.length);
  for (const target of targets) writer.writeTarget(target);
  writer.flush();
  hash.update(']');
}

// Officers and conflicts come before the targets: a hundred thousand conflicts are some 10 MB of JSON. They
// are written as bytes the same way, a record at a time, with JSON.stringify only for a record whose strings
// would need escaping.

/** Canonical JSON as UTF-8 in buffers of up to MAX_BUFFER_BYTES, each handed on when full. */
class JsonBytes {
  /** The buffer being filled; `room` says where to write in it. */
  buffer: Buffer;
  private at = 0;

  /** `fresh`: each buffer handed on is the receiver's to keep (a new one is taken for what follows). */
  constructor(
    private readonly emit: (bytes: Buffer) => void,
    private readonly fresh: boolean,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(MAX_BUFFER_BYTES);
  }

  /** Where `size` more bytes may be written; commit with `done`. */
  room(size: number): number {
    if (this.at + size > this.buffer.length) {
      this.flush();
      if (size > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(size);
    }
    return this.at;
  }

  done(at: number): void {
    this.at = at;
  }

  /** Text as UTF-8 (ASCII pieces, or a record JSON.stringify wrote). */
  text(text: string): void {
    const at = this.room(Buffer.byteLength(text, 'utf8'));
    this.at = at + this.buffer.write(text, at, 'utf8');
  }

  flush(): void {
    if (this.at === 0) return;
    this.emit(this.buffer.subarray(0, this.at));
    if (this.fresh) this.buffer = Buffer.allocUnsafeSlow(MAX_BUFFER_BYTES);
    this.at = 0;
  }
}

/** Writes ASCII text, known not to need escaping, and answers where it ends. */
function putAscii(buffer: Uint8Array, at: number, text: string): number {
  for (let index = 0; index < text.length; index += 1) buffer[at++] = text.charCodeAt(index);
  return at;
}

/** `"<text>"` as JSON in UTF-8; -1 when the text would need escaping. */
function putQuoted(buffer: Uint8Array, at: number, text: string): number {
  buffer[at++] = QUOTE;
  at = putChars(buffer, at, text);
  if (at < 0) return -1;
  buffer[at++] = QUOTE;
  return at;
}

/** One record, comma first unless it is the first: through `put` when it can, else JSON.stringify with the keys. */
function writeRecord<T extends object>(
  out: JsonBytes,
  record: T,
  first: boolean,
  size: number,
  keys: readonly string[],
  put: (buffer: Uint8Array, at: number, record: T) => number,
): void {
  let at = out.room(size + 1);
  const buffer = out.buffer;
  if (!first) buffer[at++] = COMMA;
  const end = put(buffer, at, record);
  if (end >= 0) {
    out.done(end);
    return;
  }
  out.done(at);
  out.text(JSON.stringify(record, keys as string[]));
}

// An upper bound on a record's bytes: its key names and punctuation, 6 bytes per UTF-16 unit of a string
// JSON may escape, 3 per unit of the rest (putChars writes at most 3, a pair 4 for its two units).
const putConflict = (buffer: Uint8Array, at: number, conflict: DrawConflict): number => {
  at = putAscii(buffer, at, '{"entityId":');
  at = putQuoted(buffer, at, conflict.entityId);
  if (at < 0) return -1;
  at = putAscii(buffer, at, ',"officerId":');
  at = putQuoted(buffer, at, conflict.officerId);
  if (at < 0) return -1;
  buffer[at++] = 125; // }
  return at;
};

const putOfficer = (buffer: Uint8Array, at: number, officer: DrawOfficer): number => {
  at = putAscii(buffer, at, '{"certificateValidUntil":');
  at = putQuoted(buffer, at, officer.certificateValidUntil);
  if (at < 0) return -1;
  at = putAscii(buffer, at, ',"id":');
  at = putQuoted(buffer, at, officer.id);
  if (at < 0) return -1;
  // A safe integer (prepareOfficers checked) prints the same in JSON as in String().
  at = putAscii(buffer, at, `,"participationsThisYear":${officer.participationsThisYear},"specialties":[`);
  const specialties = officer.specialties;
  for (let index = 0; index < specialties.length; index += 1) {
    if (index > 0) buffer[at++] = COMMA;
    at = putQuoted(buffer, at, specialties[index]!);
    if (at < 0) return -1;
  }
  buffer[at++] = 93; // ]
  buffer[at++] = 125; // }
  return at;
};

/** The canonical form of the snapshot up to its first target's opening brace. */
function writeSnapshotHead(out: JsonBytes, officers: readonly DrawOfficer[], conflicts: readonly DrawConflict[]): void {
  out.text('{"conflicts":[');
  for (let index = 0; index < conflicts.length; index += 1) {
    const conflict = conflicts[index]!;
    const size = 32 + 6 * (conflict.entityId.length + conflict.officerId.length);
    writeRecord(out, conflict, index === 0, size, CONFLICT_KEYS, putConflict);
  }
  out.text('],"officers":[');
  for (let index = 0; index < officers.length; index += 1) {
    const officer = officers[index]!;
    let size = 96 + 6 * (officer.certificateValidUntil.length + officer.id.length);
    for (const specialty of officer.specialties) size += 3 + 6 * specialty.length;
    writeRecord(out, officer, index === 0, size, OFFICER_KEYS, putOfficer);
  }
  out.text('],"targets":');
}

/**
 * The canonical form of the snapshot up to its first target's opening brace, as UTF-8 in buffers of up to
 * a megabyte, each a buffer of its own (so that it can be handed to another thread).
 */
export function snapshotHead(officers: readonly DrawOfficer[], conflicts: readonly DrawConflict[]): Buffer[] {
  const pieces: Buffer[] = [];
  const out = new JsonBytes((bytes) => pieces.push(bytes), true);
  writeSnapshotHead(out, officers, conflicts);
  out.text('[');
  out.flush();
  return pieces;
}

/** `sink`, if given, is also given every byte hashed (see CanonicalSink). */
export function hashPreparedSnapshot(prepared: PreparedSnapshot, sink?: CanonicalSink): string {
  const sha256 = createHash('sha256');
  const hash = sink === undefined ? sha256 : teeHash(sha256, sink);
  const head = new JsonBytes((bytes) => hash.update(bytes), false);
  writeSnapshotHead(head, prepared.officers, prepared.conflicts);
  head.text('[');
  head.flush();
  sink?.endHead();
  writeTargets(hash, prepared.targets);
  hash.update('}');
  return sha256.digest('hex');
}

/** A Hash whose input also goes to the sink, as bytes. */
function teeHash(hash: Hash, sink: CanonicalSink): Hash {
  return {
    update(data: string | Uint8Array) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      hash.update(bytes);
      sink.write(bytes);
      return this;
    },
  } as Hash;
}

/** SHA-256 (hex) of the canonical snapshot; published before the draw, rechecked by verifyDraw. */
export function snapshotHash(snapshot: DrawSnapshot): string {
  return hashPreparedSnapshot(prepareSnapshot(snapshot));
}

/** The normalised snapshot as fresh objects, e.g. to publish next to a draw. */
export function canonicalSnapshot(snapshot: DrawSnapshot): DrawSnapshot {
  const prepared = prepareSnapshot(snapshot);
  return {
    conflicts: prepared.conflicts.map(({ entityId, officerId }) => ({ entityId, officerId })),
    officers: prepared.officers.map(({ certificateValidUntil, id, participationsThisYear, specialties }) => ({
      certificateValidUntil,
      id,
      participationsThisYear,
      specialties: [...specialties],
    })),
    targets: prepared.targets.map(({ category, id, inspectionsThisYear, riskFlags: flags, street, uscc }) => ({
      category,
      id,
      inspectionsThisYear,
      riskFlags: [...flags],
      street,
      uscc,
    })),
  };
}

/** The exact bytes snapshotHash covers, as one string (fine for publication up to a few million targets). */
export function canonicalSnapshotJson(snapshot: DrawSnapshot): string {
  return canonicalJson(canonicalSnapshot(snapshot));
}
