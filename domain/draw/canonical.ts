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
import { riskFlags, type DrawConflict, type DrawOfficer, type DrawSnapshot, type DrawTarget } from './types';

const TARGET_KEYS = ['category', 'id', 'inspectionsThisYear', 'riskFlags', 'street', 'uscc'] as const;
const OFFICER_KEYS = ['certificateValidUntil', 'id', 'participationsThisYear', 'specialties'] as const;
const CONFLICT_KEYS = ['entityId', 'officerId'] as const;
// Big arrays are hashed in pieces: one JSON string of them all could outgrow what V8 allows a string to be.
const CHUNK = 8192;
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
function sortedSet(values: readonly string[]): string[] | null {
  for (let index = 1; index < values.length; index += 1) {
    if (!(values[index - 1]! < values[index]!)) return [...new Set(values)].sort(compareIds);
  }
  return null;
}

/**
 * Records in id order. Input already in strict id order costs one pass (a query with
 * `ORDER BY id COLLATE "C"` gives it); anything else is sorted, O(n log n): seconds at a million.
 */
function inIdOrder<T extends { id: string }>(kind: string, records: readonly T[], problems: FieldProblem[]): readonly T[] {
  let index = 1;
  while (index < records.length && records[index - 1]!.id < records[index]!.id) index += 1;
  if (index >= records.length) return records;
  const sorted = [...records].sort((a, b) => compareIds(a.id, b.id));
  for (let at = 1; at < sorted.length && problems.length < MAX_REPORTED_PROBLEMS; at += 1) {
    if (sorted[at - 1]!.id === sorted[at]!.id) problems.push({ field: `${kind}[${sorted[at]!.id}]`, message: 'id 重复 / duplicate id' });
  }
  return sorted;
}

function prepareTargets(input: unknown, problems: FieldProblem[]): DrawTarget[] {
  if (!Array.isArray(input)) {
    problems.push({ field: 'targets', message: '应为数组 / must be an array' });
    return [];
  }
  // Copied only if some record has to be normalised; a million-element copy is not free.
  let targets = input as DrawTarget[];
  for (let index = 0; index < input.length; index += 1) {
    const target = input[index] as DrawTarget;
    const where = `targets[${isText(target?.id) ? target.id : index}]`;
    if (typeof target !== 'object' || target === null || !isText(target.id) || target.id === '') {
      problems.push({ field: where, message: '缺少 id / id missing' });
    } else if (!isText(target.uscc) || !isText(target.category) || !isText(target.street)) {
      problems.push({ field: where, message: 'uscc、category、street 应为文字 / uscc, category and street must be strings' });
    } else if (!isCount(target.inspectionsThisYear)) {
      problems.push({ field: `${where}.inspectionsThisYear`, message: '应为非负整数 / must be a non-negative integer' });
    } else if (!Array.isArray(target.riskFlags) || !target.riskFlags.every((flag) => knownRiskFlags.has(flag))) {
      problems.push({
        field: `${where}.riskFlags`,
        message: `只能取 ${riskFlags.join('、')} / must be among ${riskFlags.join(', ')}`,
      });
    } else {
      const flags = sortedSet(target.riskFlags);
      if (flags !== null) {
        if (targets === input) targets = [...targets];
        targets[index] = { ...target, riskFlags: flags as DrawTarget['riskFlags'] };
      }
    }
    if (problems.length >= MAX_REPORTED_PROBLEMS) break;
  }
  return targets;
}

function prepareOfficers(input: unknown, problems: FieldProblem[]): DrawOfficer[] {
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

function prepareConflicts(input: unknown, problems: FieldProblem[]): DrawConflict[] {
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

function writeArray(hash: Hash, records: readonly object[], keys: readonly string[]): void {
  hash.update('[');
  for (let start = 0; start < records.length; start += CHUNK) {
    // A replacer array makes JSON.stringify write exactly these keys, in this (sorted) order, at every depth.
    const json = JSON.stringify(records.slice(start, start + CHUNK), keys as string[]);
    hash.update(start === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`);
  }
  hash.update(']');
}

// Targets are most of the bytes (about 125 MB for a million), and building JSON strings of them costs
// several times what hashing does. So they are encoded straight into a byte buffer as UTF-8, giving the
// bytes JSON.stringify would: a string without `"`, `\`, control characters or lone surrogates needs
// no escaping and is written as is; a record holding anything else is handed to JSON.stringify whole.
// The tests compare both ways.
const MAX_BUFFER_BYTES = 1 << 20;
/** Key names and punctuation, kept as big-endian 32-bit words (4 bytes a store) and the odd bytes left. */
interface Literal {
  words: Uint32Array;
  tail: Uint8Array;
  length: number;
}

function literal(text: string): Literal {
  const bytes = Buffer.from(text, 'latin1');
  const words = new Uint32Array(bytes.length >> 2);
  for (let index = 0; index < words.length; index += 1) words[index] = bytes.readUInt32BE(4 * index);
  return { words, tail: Uint8Array.from(bytes.subarray(4 * words.length)), length: bytes.length };
}

const CATEGORY = literal('{"category":');
const ID = literal(',"id":');
const INSPECTIONS = literal(',"inspectionsThisYear":');
const FLAGS = literal(',"riskFlags":[');
const STREET = literal('],"street":');
const USCC = literal(',"uscc":');
const QUOTE = 34;
const BACKSLASH = 92;

function putLiteral(buffer: Uint8Array, view: DataView, at: number, text: Literal): number {
  const { words, tail } = text;
  for (let index = 0; index < words.length; index += 1) view.setUint32(at + 4 * index, words[index]!);
  const rest = at + 4 * words.length;
  for (let index = 0; index < tail.length; index += 1) buffer[rest + index] = tail[index]!;
  return at + text.length;
}

/** Writes the string as JSON in UTF-8 (at most 3 bytes per UTF-16 unit); -1 when it would need escaping. */
function putString(buffer: Uint8Array, at: number, text: string): number {
  if (at < 0) return -1;
  buffer[at++] = QUOTE;
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
  buffer[at++] = QUOTE;
  return at;
}

function putTarget(buffer: Uint8Array, view: DataView, at: number, target: DrawTarget): number {
  at = putString(buffer, putLiteral(buffer, view, at, CATEGORY), target.category);
  if (at < 0) return -1;
  at = putString(buffer, putLiteral(buffer, view, at, ID), target.id);
  if (at < 0) return -1;
  at = putLiteral(buffer, view, at, INSPECTIONS);
  const count = target.inspectionsThisYear;
  if (count < 10) {
    buffer[at++] = 48 + count;
  } else {
    // A safe integer prints the same in JSON as in String().
    const digits = String(count);
    for (let index = 0; index < digits.length; index += 1) buffer[at++] = digits.charCodeAt(index);
  }
  at = putLiteral(buffer, view, at, FLAGS);
  const flags = target.riskFlags;
  for (let index = 0; index < flags.length; index += 1) {
    if (index > 0) buffer[at++] = 44;
    at = putString(buffer, at, flags[index]!);
    if (at < 0) return -1;
  }
  at = putString(buffer, putLiteral(buffer, view, at, STREET), target.street);
  if (at < 0) return -1;
  at = putString(buffer, putLiteral(buffer, view, at, USCC), target.uscc);
  if (at < 0) return -1;
  buffer[at++] = 125;
  return at;
}

function writeTargets(hash: Hash, targets: readonly DrawTarget[]): void {
  const capacity = Math.min(MAX_BUFFER_BYTES, Math.max(4096, targets.length * 256));
  const buffer = Buffer.allocUnsafe(capacity);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = 0;
  buffer[at++] = 91;
  for (let index = 0; index < targets.length; index += 1) {
    const target = targets[index]!;
    // An upper bound on the bytes of the record and the comma before it: 84 of punctuation and key
    // names, 16 digits, 3 bytes per UTF-16 unit of the strings, a quote pair and comma per flag.
    let size = 128 + 3 * (target.category.length + target.id.length + target.street.length + target.uscc.length);
    for (const flag of target.riskFlags) size += 3 * flag.length + 3;
    if (at + size > capacity) {
      hash.update(buffer.subarray(0, at));
      at = 0;
    }
    if (index > 0) buffer[at++] = 44;
    const end = size <= capacity ? putTarget(buffer, view, at, target) : -1;
    if (end >= 0) {
      at = end;
    } else {
      hash.update(buffer.subarray(0, at));
      at = 0;
      hash.update(JSON.stringify(target, TARGET_KEYS as unknown as string[]), 'utf8');
    }
  }
  if (at === capacity) {
    hash.update(buffer);
    at = 0;
  }
  buffer[at++] = 93;
  hash.update(buffer.subarray(0, at));
}

export function hashPreparedSnapshot(prepared: PreparedSnapshot): string {
  const hash = createHash('sha256');
  hash.update('{"conflicts":');
  writeArray(hash, prepared.conflicts, CONFLICT_KEYS);
  hash.update(',"officers":');
  writeArray(hash, prepared.officers, OFFICER_KEYS);
  hash.update(',"targets":');
  writeTargets(hash, prepared.targets);
  hash.update('}');
  return hash.digest('hex');
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
