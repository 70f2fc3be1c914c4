// The draw's pool as the directories stand now (R5, R6, R10), frozen for a draw: the operating entities in scope
// with their random inspections this year and risk flags, the officers on duty with their load, the declared
// conflicts — all in one transaction snapshot, read by binary COPY (db/binaryCopy.ts) and handed as bytes to the
// engine's SnapshotBuilder, which hashes them (in a thread of its own) and, for a commitment, keeps their
// canonical JSON compressed for storage. A million entities take a couple of seconds and a few hundred MB,
// where one query of row objects took 5 s and 1.5 GB for a hundred thousand.
//
// The work is shared between the server and this process:
// - the database reads each entity's inspections this year and each officer's cases as their rows keep them
//   (kept by triggers as cases come and go, migration draw_tallies: counting the year's cases at each freeze
//   cost it more than all the rest), works out the flags from the past year's complaints, the blacklist, the
//   penalties and the noted flags, joins those to one sequential scan of the entities, and sends the rows as
//   they lie: sorting a million rows there, or walking the primary-key index, costs it about three
//   times the CPU of the scan. Officers and conflicts come on a second connection in the same snapshot
//   (`pg_export_snapshot`), so both backends work at once;
// - this process writes each entity row, as it comes, in the engine's TargetBatch form into buckets by the
//   id's first byte; once all are in, it sorts each bucket and hands it over with its targets' offsets in id
//   order (uuids order as their text does).
import type pg from 'pg';
import { copyOut, int32, putUuidText, textArray, uint32, uuidFromBytes, UUID_TEXT_LENGTH } from '../db/binaryCopy';
import { poolOf, type Db } from '../db/client';
import { chinaDate } from '../domain/deadlines';
import { logger } from '../infra/logger';
import { riskFlags, SnapshotBuilder, type BuiltSnapshot, type DrawConflict, type DrawOfficer, type TargetBatch } from '../domain/draw';
import type { CanonicalParts } from '../domain/draw/canonicalParts.mjs';

export interface DrawScope {
  categories?: string[];
  streets?: string[];
}

export interface FrozenPool {
  snapshot: BuiltSnapshot;
  /** How many of each it holds (the snapshot's targets are made as objects only when read). */
  pool: { targets: number; officers: number; conflicts: number };
  /** The canonical JSON in compressed parts, when asked for (`keepCanonical`): the form a draw stores. */
  canonical?: CanonicalParts;
}

/** A risk flag's bit in the engine's flag mask (bit i stands for riskFlags[i]). */
const bit = (flag: (typeof riskFlags)[number]) => 1 << riskFlags.indexOf(flag);
const sqlText = (client: pg.ClientBase, values: readonly string[]) => `array[${values.map((value) => client.escapeLiteral(value)).join(',')}]::text[]`;

/** The China calendar year (the migration draw_tallies' `china_year`) of the freeze, and its first moment. */
function chinaYear(now: Date): { year: number; start: string } {
  const year = Number(chinaDate(now).slice(0, 4));
  return { year, start: `'${year}-01-01T00:00:00+08:00'::timestamptz` };
}

/**
 * The entities are read in two halves of the ids, one after the other: once the first half is in, its targets are
 * sorted and hashed while the second is read (each half costs the server a scan of the table and the flags'
 * records again, a tenth of a second at a million entities, where the hashing it overlaps takes several).
 * `firstBucket` and `endBucket`: the range of the ids' first bytes.
 */
interface IdRange {
  from?: string;
  to?: string;
  firstBucket: number;
  endBucket: number;
}
const ID_HALVES: readonly IdRange[] = [
  { to: '80000000-0000-0000-0000-000000000000', firstBucket: 0, endBucket: 128 },
  { from: '80000000-0000-0000-0000-000000000000', firstBucket: 128, endBucket: 256 },
];

/**
 * The operating entities in scope with ids in `ids`, unordered: id, credit code, random inspections since the year's start, the
 * flag mask, category and street. The inspections are the number the entity's row keeps for its latest year
 * (migration draw_tallies): that number in that year, none in a later one; a freeze as of an earlier year counts
 * the cases. Flags (R6) are those noted on the entity and not cleared (known ones only), plus what the bureau's
 * own records show: a blacklist entry (dishonest), a penalty (violation record), two or more complaint cases
 * since `yearAgo`. COPY takes no parameters: the values are written in as literals.
 */
function entitySql(client: pg.ClientBase, scope: DrawScope, now: Date, yearAgo: Date, ids: IdRange): string {
  const { year, start } = chinaYear(now);
  const flags = sqlText(client, riskFlags);
  const filters = [`e."legalStatus" = 'operating'`];
  if (ids.from !== undefined) filters.push(`e.id >= '${ids.from}'::uuid`);
  if (ids.to !== undefined) filters.push(`e.id < '${ids.to}'::uuid`);
  if (scope.categories?.length) filters.push(`e.category = any(${sqlText(client, scope.categories)})`);
  if (scope.streets?.length) filters.push(`e.street = any(${sqlText(client, scope.streets)})`);
  return `
    select e.id, e.uscc,
      (case when e."randomInspectionsYear" = ${year} then e."randomInspections"
            when e."randomInspectionsYear" > ${year} then
              (select count(*) from "InspectionCase" c where c."entityId" = e.id and c.origin = 'random' and c."openedAt" >= ${start})
            else 0 end)::int4,
      (coalesce(c.mask, 0) | coalesce(r.mask, 0))::int4, e.category, e.street
    from "Entity" e
    left join (
      select c."entityId", ${bit('complaints')} as mask
      from "InspectionCase" c
      where c.origin = 'complaint' and c."openedAt" >= ${client.escapeLiteral(yearAgo.toISOString())}::timestamptz
      group by c."entityId"
      having count(*) >= 2
    ) c on c."entityId" = e.id
    left join (
      select "entityId", bit_or(mask) as mask from (
        select b."entityId", ${bit('dishonest')} as mask from "BlacklistEntry" b
        union all
        -- The penalised cases by their key: a join would read every case.
        select c."entityId", ${bit('violation_record')} from "InspectionCase" c
        where c.id = any(array(select d."caseId" from "Disposition" d where d.kind = 'penalty'))
        union all
        select f."entityId", 1 << (array_position(${flags}, f.flag) - 1)
        from "EntityRiskFlag" f where f."clearedAt" is null and f.flag = any(${flags})
      ) records
      group by "entityId"
    ) r on r."entityId" = e.id
    where ${filters.join(' and ')}`;
}

/**
 * Officers on duty, in id order, with the cases since the year's start whose team names them: the number the
 * officer's row keeps for its latest year (migration draw_tallies), as for the entities' inspections.
 */
function officerSql(now: Date): string {
  const { year, start } = chinaYear(now);
  return `
    select o.id, o.specialties, to_char(o."certificateValidUntil", 'YYYY-MM-DD'),
      (case when o."participationsYear" = ${year} then o.participations
            when o."participationsYear" > ${year} then
              (select count(*) from "InspectionCase" c where o.id::text = any(c.team) and c."openedAt" >= ${start})
            else 0 end)::int4
    from "Officer" o
    where o.active and not o."certificateWithdrawn"
    order by o.id`;
}

/** In canonical order straight from the unique index on ("officerId", "entityId"). */
const CONFLICT_SQL = `select "officerId", "entityId" from "OfficerConflict" order by "officerId", "entityId"`;

/**
 * A slot (0–1023) for the bytes `start..end`, mixed from bytes of both fields: the category's length and the
 * last bytes of its first characters, the last bytes of the street's last characters (Chinese names share
 * their UTF-8 lead bytes, and many streets end in 镇).
 */
function placeSlot(bytes: Uint8Array, start: number, end: number): number {
  // The two fields' lengths alone take 8 bytes, so all but start + 9 lie within start..end.
  const ninth = start + 9 < end ? bytes[start + 9]! : 0;
  let hash = Math.imul(bytes[start + 3]! | (bytes[start + 5]! << 8) | (bytes[start + 6]! << 16) | (ninth << 24), 0x9e3779b1);
  hash = Math.imul(hash ^ (hash >>> 16) ^ bytes[end - 1]! ^ (bytes[end - 2]! << 8) ^ (bytes[end - 4]! << 16) ^ (bytes[end - 7]! << 24), 0x85ebca6b);
  return (hash ^ (hash >>> 13)) >>> 22;
}

/**
 * The category and street of a row, which come one after the other on the wire, as one number standing for
 * the pair (a district has a few hundred pairs at most): found without decoding or allocating anything (a
 * slot chosen by the length and a few bytes, then a byte comparison), so that each pair is decoded once and
 * its strings shared by all the rows holding it. `categories[i]` and `streets[i]` are pair i's.
 */
class Places {
  readonly categories: string[] = [];
  readonly streets: string[] = [];
  private readonly slots: { bytes: Buffer; index: number }[][] = Array.from({ length: 1024 }, () => []);

  /** The pair whose fields (each a 4-byte length, -1 for null, then UTF-8) lie at `start..end`. */
  indexOf(bytes: Buffer, start: number, end: number): number {
    const length = end - start;
    const slot = this.slots[placeSlot(bytes, start, end)]!;
    search: for (let index = 0; index < slot.length; index += 1) {
      const entry = slot[index]!;
      if (entry.bytes.length !== length) continue;
      for (let at = 0; at < length; at += 1) if (entry.bytes[at] !== bytes[start + at]) continue search;
      return entry.index;
    }
    // A null category or street is read as ''.
    const categoryLength = int32(bytes, start);
    const streetAt = start + 4 + Math.max(categoryLength, 0);
    this.categories.push(categoryLength < 0 ? '' : bytes.toString('utf8', start + 4, streetAt));
    this.streets.push(int32(bytes, streetAt) < 0 ? '' : bytes.toString('utf8', streetAt + 4, end));
    const index = this.categories.length - 1;
    slot.push({ bytes: Buffer.from(bytes.subarray(start, end)), index });
    return index;
  }
}

// Entities: packed as they arrive, sorted, then handed over as they lie.
//
// Each row is written, as it arrives, in the engine's TargetBatch form into one of 256 buckets chosen by the
// id's first byte, and the first eight bytes of its id and where it lies go into the bucket's keys. Once all
// rows are in, each bucket's keys are sorted (a bucket's 4,000 or so stay in the processor's caches, whereas
// sorting all the rows at once would visit them in random order, which costs several times as much here)
// and the bucket is handed over as it is, with its targets' offsets in id order: no row is copied again.

/** Words per key: the id's first two big-endian 32-bit words, and where the record starts in the bucket. */
const KEY_WORDS = 3;
const FLAG_MASKS = 1 << riskFlags.length;
/** A record's bytes but the credit code's: the id's length and text, the credit code's length, then category, street, inspections and flags. */
const RECORD_BYTES = 2 + UUID_TEXT_LENGTH + 2 + 13;

/**
 * Memory the builder's hashing thread reads and the snapshot then keeps, as it is: shared with the thread rather
 * than handed over to it, it is not copied back (a million entities' records are some 70 MB).
 */
const sharedBytes = (size: number) => Buffer.from(new SharedArrayBuffer(size));

/** The records of ids starting with one byte, in the order their rows came. */
class EntityBucket {
  count = 0;
  used = 0;
  bytes: Buffer;
  keys: Uint32Array;

  constructor(expectedRecords: number) {
    this.bytes = sharedBytes((RECORD_BYTES + 18) * expectedRecords);
    this.keys = new Uint32Array(KEY_WORDS * expectedRecords);
  }

  /** Room for one more record of `size` bytes; where it starts. */
  reserve(size: number): number {
    if (this.used + size > this.bytes.length) {
      const bytes = sharedBytes(2 * this.bytes.length + size);
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    if (KEY_WORDS * (this.count + 1) > this.keys.length) {
      const keys = new Uint32Array(2 * this.keys.length + KEY_WORDS);
      keys.set(this.keys);
      this.keys = keys;
    }
    const at = this.used;
    this.used += size;
    return at;
  }
}

/** Writes a 32-bit unsigned integer big-endian. */
function putUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
}

/** The operating entities as TargetBatch records in buckets, until they are handed over. */
class EntityRecords {
  count = 0;
  private readonly buckets: EntityBucket[];
  readonly places = new Places();

  /** Buckets sized for `expectedRows` (a little more), so that they seldom have to grow. */
  constructor(expectedRows: number) {
    const perBucket = Math.max(64, Math.ceil((1.1 * expectedRows) / 256));
    this.buckets = Array.from({ length: 256 }, () => new EntityBucket(perBucket));
  }

  /** One COPY row `start..end` of `bytes`: id uuid, uscc char(18), inspections int4, flag mask int4, category and street text or null. */
  add(bytes: Buffer, start: number, end: number): void {
    let at = start;
    const idOk = int32(bytes, at) === 16;
    const idAt = at + 4;
    at = idAt + 16;
    const usccLength = int32(bytes, at);
    const usccStart = at + 4;
    at = usccStart + usccLength;
    const numbersOk = int32(bytes, at) === 4 && int32(bytes, at + 8) === 4;
    const inspections = int32(bytes, at + 4);
    const mask = int32(bytes, at + 12);
    at += 16;
    const categoryLength = int32(bytes, at);
    const categoryStart = at + 4;
    at = categoryStart + Math.max(categoryLength, 0);
    const streetLength = int32(bytes, at);
    const streetStart = at + 4;
    at = streetStart + Math.max(streetLength, 0);
    if (!idOk || usccLength < 0 || usccLength > 0xffff || !numbersOk || inspections < 0 || at !== end || mask < 0 || mask >= FLAG_MASKS) {
      throw new Error(`malformed entity row: ${bytes.toString('hex', start, end)}`);
    }
    const place = this.places.indexOf(bytes, categoryStart - 4, at);

    const bucket = this.buckets[bytes[idAt]!]!;
    const record = bucket.reserve(RECORD_BYTES + usccLength);
    const key = KEY_WORDS * bucket.count++;
    this.count += 1;
    bucket.keys[key] = uint32(bytes, idAt);
    bucket.keys[key + 1] = uint32(bytes, idAt + 4);
    bucket.keys[key + 2] = record;
    const out = bucket.bytes;
    out[record] = 0;
    out[record + 1] = UUID_TEXT_LENGTH;
    putUuidText(out, record + 2, bytes, idAt);
    let to = record + 2 + UUID_TEXT_LENGTH;
    out[to] = usccLength >> 8;
    out[to + 1] = usccLength;
    to += 2;
    for (let from = usccStart; from < usccStart + usccLength; from += 1) out[to++] = bytes[from]!;
    putUint32(out, to, place);
    putUint32(out, to + 4, place);
    putUint32(out, to + 8, inspections);
    out[to + 12] = mask;
  }

  /** Hands the buckets of ids whose first byte lies in `first..end - 1` over in id order, each with its targets' offsets (and lets go of it). */
  handOver(send: (batch: TargetBatch) => void, first = 0, end = this.buckets.length): void {
    const emptied = new EntityBucket(0);
    for (let index = first; index < end; index += 1) {
      const bucket = this.buckets[index]!;
      this.buckets[index] = emptied;
      if (bucket.count === 0) continue;
      send({ bytes: bucket.bytes.subarray(0, bucket.used), count: bucket.count, offsets: offsetsInIdOrder(bucket) });
    }
  }
}

// BigUint64Array's halves as Uint32Array words: which one is the low half depends on the platform.
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** The sort keys of one bucket at a time: one array for them all rather than fresh memory for each. */
let sortScratch = new BigUint64Array(0);

/**
 * Where a bucket's records start, in ascending id order. Each record becomes one unsigned 64-bit key, the
 * id's first 64 − b bits followed by the record's number in b bits, and BigUint64Array sorts those natively
 * (several times faster than any sort written in JavaScript). Ids that share their first 64 − b bits then lie
 * in record-number order and are put right by comparing them whole: uuids are spread evenly, so that hardly
 * ever happens.
 */
function offsetsInIdOrder({ keys, count, bytes }: EntityBucket): Uint32Array {
  const bits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  if (bits > 31) throw new Error(`too many entities to sort: ${count}`);
  const numberMask = (1 << bits) - 1;
  if (sortScratch.length < count) sortScratch = new BigUint64Array(Math.ceil(1.25 * count));
  const sortKeys = sortScratch.subarray(0, count);
  const halves = new Uint32Array(sortScratch.buffer);
  for (let record = 0; record < count; record += 1) {
    halves[2 * record + 1 - LOW_HALF] = keys[KEY_WORDS * record]!;
    halves[2 * record + LOW_HALF] = ((keys[KEY_WORDS * record + 1]! & ~numberMask) | record) >>> 0;
  }
  sortKeys.sort();
  const offsets = new Uint32Array(count);
  const prefixMask = ~numberMask;
  // Keys whose ids share their prefix are counted here, not branched on: a branch taken now and then sends
  // the optimized loop back to the interpreter (and the compiler to work again) every time it is.
  let ties = 0;
  let previousHigh = -1;
  let previousLow = -1;
  for (let index = 0; index < count; index += 1) {
    const high = halves[2 * index + 1 - LOW_HALF]!;
    const low = halves[2 * index + LOW_HALF]!;
    const prefixLow = low & prefixMask;
    offsets[index] = keys[KEY_WORDS * (low & numberMask) + 2]!;
    ties += (high === previousHigh ? 1 : 0) & (prefixLow === previousLow ? 1 : 0);
    previousHigh = high;
    previousLow = prefixLow;
  }
  return ties === 0 ? offsets : resolveTies(offsets, halves, numberMask, bytes);
}

/** Puts right the offsets of ids that share their sort key's prefix (see offsetsInIdOrder), by comparing them whole. */
function resolveTies(offsets: Uint32Array, halves: Uint32Array, numberMask: number, bytes: Buffer): Uint32Array {
  const samePrefix = (index: number) =>
    halves[2 * index + 1 - LOW_HALF] === halves[2 * index - 1 - LOW_HALF] &&
    (halves[2 * index + LOW_HALF]! & ~numberMask) === (halves[2 * index - 2 + LOW_HALF]! & ~numberMask);
  // A record's id text (hex, fixed width) orders as the id's bytes do.
  const idText = (offset: number) => bytes.subarray(offset + 2, offset + 2 + UUID_TEXT_LENGTH);
  for (let index = 1; index < offsets.length; index += 1) {
    if (!samePrefix(index)) continue;
    let end = index + 1;
    while (end < offsets.length && samePrefix(end)) end += 1;
    offsets.set(Array.from(offsets.subarray(index - 1, end)).sort((a, b) => Buffer.compare(idText(a), idText(b))), index - 1);
    index = end - 1;
  }
  return offsets;
}

/**
 * Transaction snapshot for every connection of one freeze, read-only. For its plans: the aggregates held in
 * memory (at the default 4 MB, grouping the flags' records of a large directory spills to disk), hashing rather
 * than nested loops and sorts (a nested loop probing a million entities' flags costs seconds), no parallel
 * workers (the two connections already keep two backends busy), no JIT compilation for one-off plans.
 */
const BEGIN_SQL = `begin isolation level repeatable read read only; set local work_mem = '64MB'; set local enable_nestloop = off;
  set local enable_sort = off; set local max_parallel_workers_per_gather = 0; set local jit = off`;

/**
 * Reads the pool as the directories stand at one moment, through up to two of the pool's connections, and
 * builds the snapshot. `keepCanonical`: also keep its canonical JSON, compressed, to store (see FrozenPool).
 */
export async function readDrawPool(db: Db, scope: DrawScope, now: Date, options: { keepCanonical?: boolean } = {}): Promise<FrozenPool> {
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  const started = performance.now();
  const pool = poolOf(db);
  // A pool of one (a script's) reads everything on its one connection, one query after the other.
  const clients: pg.PoolClient[] = [await pool.connect()];
  let committed = false;
  let building: Promise<SnapshotBuilder> | undefined;
  try {
    if ((pool.options.max ?? 10) > 1) clients.push(await pool.connect());
    const [main, other = main] = clients as [pg.PoolClient, pg.PoolClient?];
    const begun = (await main.query(
      `${BEGIN_SQL}; select pg_export_snapshot() as snapshot, greatest(reltuples, 0)::float8 as rows from pg_class where oid = '"Entity"'::regclass`,
    )) as unknown as pg.QueryResult[];
    const { snapshot: exported, rows: expectedRows } = begun[begun.length - 1]!.rows[0] as { snapshot: string; rows: number };
    if (other !== main) await other.query(`${BEGIN_SQL}; set transaction snapshot ${other.escapeLiteral(exported)}`);

    // Officers and conflicts first, on one connection, while the entities come on the other (or after them, on the same one).
    const officers: DrawOfficer[] = [];
    const officerRead = copyOut(main, officerSql(now), 4, (bytes, at, end) => {
      if (int32(bytes, at) !== 16) throw new Error('malformed officer row');
      const id = uuidFromBytes(bytes, at + 4);
      at += 20;
      const specialties = textArray(bytes, at);
      at += 4 + Math.max(int32(bytes, at), 0);
      const untilLength = int32(bytes, at);
      const until = bytes.toString('utf8', at + 4, at + 4 + untilLength);
      at += 4 + untilLength;
      if (untilLength < 0 || int32(bytes, at) !== 4 || at + 8 !== end) throw new Error('malformed officer row');
      officers.push({ id, specialties, certificateValidUntil: until, participationsThisYear: int32(bytes, at + 4) });
    });
    const conflicts: DrawConflict[] = [];
    // Rows come grouped by officer: one string per officer, not per row.
    const officerBytes = Buffer.alloc(16);
    let officerId = '';
    const conflictRead = copyOut(main, CONFLICT_SQL, 2, (bytes, at, end) => {
      if (int32(bytes, at) !== 16 || int32(bytes, at + 20) !== 16 || at + 40 !== end) throw new Error('malformed conflict row');
      if (officerId === '' || officerBytes.compare(bytes, at + 4, at + 20) !== 0) {
        bytes.copy(officerBytes, 0, at + 4, at + 20);
        officerId = uuidFromBytes(bytes, at + 4);
      }
      conflicts.push({ officerId, entityId: uuidFromBytes(bytes, at + 24) });
    });
    // The canonical form begins with the officers and conflicts: the builder starts on them as soon as they are in.
    const expectedTargets = Math.min(expectedRows, 1 << 24);
    building = Promise.all([officerRead, conflictRead]).then(
      () => new SnapshotBuilder(officers, conflicts, { hashInWorker: true, expectedTargets, keepCanonical: options.keepCanonical }),
    );
    // A failure is met where it is awaited (or in the catch below), not as an unhandled rejection meanwhile.
    building.catch(() => undefined);
    const entities = new EntityRecords(expectedTargets);
    const { categories, streets } = entities.places;
    for (const ids of ID_HALVES) {
      await copyOut(other, entitySql(other, scope, now, yearAgo, ids), 6, (bytes, start, end) => entities.add(bytes, start, end));
      const builder = await building;
      entities.handOver((batch) => builder.addTargets(batch, categories, streets), ids.firstBucket, ids.endBucket);
    }
    await Promise.all(clients.map((client) => client.query('commit')));
    committed = true;
    const read = performance.now();

    const builder = await building;
    const snapshot = await builder.build();
    // What a freeze costs, in the log of whoever froze (the API for a draw, the worker for a plan; bench/draw reads it):
    // reading every row (the first half's sorting and hashing meanwhile), then the rest of the sorting, hashing and
    // (for a commitment) compressing.
    logger.info('draw pool frozen', { targets: entities.count, readMs: Math.round(read - started), buildMs: Math.round(performance.now() - read) });
    return {
      snapshot,
      pool: { targets: entities.count, officers: snapshot.officers.length, conflicts: snapshot.conflicts.length },
      canonical: options.keepCanonical ? builder.canonicalParts() : undefined,
    };
  } catch (error) {
    // Its hashing thread must not outlive a freeze that failed.
    (await building?.catch(() => undefined))?.abandon();
    throw error;
  } finally {
    for (const client of clients) {
      if (!committed) await client.query('rollback').catch(() => undefined);
      client.release();
    }
  }
}
