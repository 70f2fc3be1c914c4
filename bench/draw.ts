// bench/draw: the double-random draw (双随机, R8) at provincial scale. Builds, in a fresh PostgreSQL database,
// 1,000,000 entities, 5,000 officers and 100,000 declared conflicts (R10), then times
//
//   1. the draw as the system does it: the frozen directories are read by binary COPY in one transaction
//      snapshot over two connections (officers and conflicts on one, the operating entities on the other, by
//      a sequential scan, read and put in id order by a worker thread; --scan-connections n reads them in n
//      shares of the table's pages instead), the snapshot is built by the engine's SnapshotBuilder and the
//      pure engine (domain/draw, `runDraw`) draws 20,000 targets with teams of 2;
//   2. the naive way on the same data: `ORDER BY random() LIMIT n` for the targets, then one query per target
//      for its team, `ORDER BY random() LIMIT 2` among valid certificates with a `NOT EXISTS` recusal check.
//      The first --naive-sample team queries are timed; if all of them would take longer than --naive-budget
//      seconds, the rest are extrapolated linearly from those (the output says so), otherwise all are run.
//
// Prints a JSON object of figures.
//
//   npm run bench:draw
//   npm run bench:draw -- --entities 100000 --officers 500 --conflicts 10000 --targets 2000   # a smaller run
//   npm run bench:draw -- --skip-naive   # the fast path only (and its checks), for trying changes: no naive figures
//   BENCH_DRAW_MARKS=1 npm run bench:draw -- --skip-naive   # also prints the timed part's bounds (µs, monotonic
//                                                           # clock) on stderr, to cut a profiler's record to them
//
// Uses BENCH_DATABASE_URL (a server where it may create a database) or else the embedded PostgreSQL that `npm start`
// runs, started for the run (bench/postgres.ts); the database `bench_draw_<timestamp>` it creates is dropped at the
// end, also on failure. The figures name the server.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Socket, type SocketConstructorOpts } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import pg from 'pg';
import {
  riskFlags,
  snapshotHash,
  SnapshotBuilder,
  type DrawConflict,
  type DrawOfficer,
  type DrawResult,
  type DrawRules,
  type DrawSnapshot,
  type TargetBatch,
} from '../domain/draw';

const { values } = parseArgs({
  options: {
    entities: { type: 'string', default: '1000000' },
    officers: { type: 'string', default: '5000' },
    conflicts: { type: 'string', default: '100000' },
    targets: { type: 'string', default: '20000' },
    'team-size': { type: 'string', default: '2' },
    /** Per-target naive team queries timed before deciding whether to run them all or extrapolate. */
    'naive-sample': { type: 'string', default: '2000' },
    /** Longest the naive per-target queries may run in full, in seconds; beyond it the sample is extrapolated. */
    'naive-budget': { type: 'string', default: '180' },
    /** Connections reading the entities: 1 (a sequential scan) or more (TID range scans, a share of the pages each). */
    'scan-connections': { type: 'string', default: '1' },
    /** Leave the naive approach out (several minutes): for trying changes, not for the recorded figures. */
    'skip-naive': { type: 'boolean', default: false },
  },
});
const entityCount = Number(values.entities);
const officerCount = Number(values.officers);
const conflictCount = Number(values.conflicts);
const targetCount = Number(values.targets);
const teamSize = Number(values['team-size']);
const naiveSample = Math.min(Number(values['naive-sample']), targetCount);
const naiveBudgetMs = Number(values['naive-budget']) * 1000;
const scanConnections = Math.max(1, Number(values['scan-connections']));

const INSPECTION_DATE = '2026-11-25';
const TARGETS = { totalMs: 3000, speedUp: 5, peakRssMb: 500 };

const STREETS = ['西城街道', '东城街道', '金城镇', '儒林镇', '直溪镇', '朱林镇', '薛埠镇', '指前镇'];
const CATEGORIES = [
  '零售', '批发', '餐饮', '住宿', '成品油零售', '单用途预付卡发卡', '再生资源回收',
  '报废机动车回收', '洗染', '美容美发', '家电维修', '典当', '拍卖', '二手车交易',
];
const UNITS = ['执法大队', '市场体系建设科', '商贸流通科', '服务业发展科', '安全监管科'];
/** Comma-separated specialty sets an officer may hold. */
const SPECIALTY_SETS = ['商贸流通', '成品油', '单用途预付卡', '商贸流通,再生资源', '商贸流通,餐饮住宿', '安全生产,成品油'];
const RELATIONS = ['近亲属', '曾在该单位任职', '投资关系', '其他利害关系'];

const sqlArray = (items: readonly string[]) => `array[${items.map((item) => `'${item.replaceAll("'", "''")}'`).join(',')}]`;
/** A deterministic pseudo-random integer in [0, n) from the row number g and a salt. */
const pick = (salt: number, n: number) => `((hashint4extended(g, ${salt}) & 1073741823) % ${n})`;

// ─── Risk flags and prior inspections ──────────────────────────────────────────────────────────────────────
// The draw needs each entity's R6 risk flags and the random inspections already carried out this year (R5).
// The bench's database gets two stand-in columns for them, filled when the directory is built from the last
// two bytes of the (md5-derived, uniformly random) id: about 11 % of entities carry a risk flag and the
// inspections are 0 for 50 %, 1 for 35 % and 2 for 15 %. Both the fast path and the naive approach read the
// columns, so both see the same directory and pay what reading two small columns costs.
/** Inspections this year from a byte of the id (`byte` is an SQL expression). */
const inspectionsSql = (byte: string) => `case when ${byte} < 128 then 0 when ${byte} < 218 then 1 else 2 end`;
/** Risk flags from another byte of the id, as a mask: bit i set ⇔ riskFlags[i] (complaints, safety_hazard, abnormal_operation, dishonest, violation_record). */
const flagMaskSql = (byte: string) => `case when ${byte} < 13 then 1 when ${byte} < 18 then 2 when ${byte} < 21 then 4
  when ${byte} < 24 then 8 when ${byte} < 26 then 24 when ${byte} < 28 then 16 when ${byte} = 28 then 5 else 0 end`;
const BYTE_14 = 'get_byte(uuid_send(id), 14)';
const BYTE_15 = 'get_byte(uuid_send(id), 15)';
const PARTICIPATIONS_SQL = `(${BYTE_15} % 4)`;
/** The stand-in columns, added to the bench's own copy of the schema only. */
const INSPECTIONS_COLUMN = 'bench_inspections_this_year';
const FLAG_MASK_COLUMN = 'bench_risk_flag_mask';

// ─── Building the directories ──────────────────────────────────────────────────────────────────────────────

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

async function buildDirectories(client: pg.Client): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const timed = async (name: string, sql: string) => {
    const started = performance.now();
    await client.query(sql);
    timings[name] = Math.round(performance.now() - started);
  };
  await client.query(`set synchronous_commit = off`);
  await client.query(`set maintenance_work_mem = '256MB'`);

  // Entities: ~97 % operating, the rest deregistered, revoked or moved out (R1). USCCs are 18 characters and
  // unique, without a valid check character (the table has no check constraint, and the draw does not care).
  await client.query(`alter table "Entity" add column ${INSPECTIONS_COLUMN} smallint not null default 0,
                                            add column ${FLAG_MASK_COLUMN} smallint not null default 0`);
  await timed(
    'entitiesMs',
    `insert into "Entity" (id, uscc, name, street, category, "legalStatus", "createdAt", "updatedAt",
                           ${INSPECTIONS_COLUMN}, ${FLAG_MASK_COLUMN})
     select id, uscc, name, street, category, "legalStatus", now(), now(), ${inspectionsSql(BYTE_15)}, ${flagMaskSql(BYTE_14)}
     from (select md5('bench-entity:' || g)::uuid as id,
                  '91320482' || lpad(g::text, 10, '0') as uscc,
                  '金坛区基准企业' || g as name,
                  (${sqlArray(STREETS)})[1 + ${pick(1, STREETS.length)}] as street,
                  (${sqlArray(CATEGORIES)})[1 + ${pick(2, CATEGORIES.length)}] as category,
                  case when ${pick(3, 100)} < 97 then 'operating'
                       else (array['deregistered','revoked','moved_out'])[1 + ${pick(4, 3)}] end::"LegalStatus" as "legalStatus"
           from generate_series(1, ${entityCount}) g) generated`,
  );

  // Officers: ~2 % with a certificate that expired before the inspection day (R2).
  await timed(
    'officersMs',
    `insert into "Officer" (id, name, unit, gender, "certificateNumber", "certificateValidFrom", "certificateValidUntil",
                            specialties, "createdAt", "updatedAt")
     select md5('bench-officer:' || g)::uuid,
            '执法员' || g,
            (${sqlArray(UNITS)})[1 + ${pick(11, UNITS.length)}],
            case when g % 2 = 0 then '男' else '女' end,
            '32048220' || lpad(g::text, 6, '0'),
            date '2022-01-01' + ${pick(12, 365)}::int,
            case when ${pick(13, 100)} < 2 then date '2026-11-24' - ${pick(14, 300)}::int
                 else date '2027-01-01' + ${pick(15, 1400)}::int end,
            string_to_array((${sqlArray(SPECIALTY_SETS)})[1 + ${pick(16, SPECIALTY_SETS.length)}], ','),
            now(), now()
     from generate_series(1, ${officerCount}) g`,
  );

  // Conflicts (R10): distinct (officer, entity) pairs, two officers each on conflictCount / 2 entities spread
  // over the directory by a stride coprime with its size. For pair g, the entity is number g mod half and the
  // officer the entity's first one, or (for g ≥ half) the first plus a non-zero step modulo the officer count,
  // so the two officers of one entity always differ.
  const half = Math.ceil(conflictCount / 2);
  let stride = 7919;
  while (gcd(stride, entityCount) !== 1) stride += 2;
  await timed(
    'conflictsMs',
    `insert into "OfficerConflict" (id, "officerId", "entityId", relation, "declaredBy", "declaredAt")
     select md5('bench-conflict:' || g)::uuid,
            md5('bench-officer:' || (1 + (first + (g / ${half}) * step) % ${officerCount}))::uuid,
            md5('bench-entity:' || (1 + (e * ${stride}) % ${entityCount}))::uuid,
            (${sqlArray(RELATIONS)})[1 + ${pick(21, RELATIONS.length)}],
            'bench', now()
     from (select g, (g % ${half})::bigint as e,
                  (hashint4extended((g % ${half})::int, 31) & 1073741823) % ${officerCount} as first,
                  1 + (hashint4extended((g % ${half})::int, 32) & 1073741823) % ${officerCount - 1} as step
           from generate_series(0, ${conflictCount - 1}) g) pairs`,
  );
  await timed('vacuumAnalyzeMs', `vacuum analyze "Entity", "Officer", "OfficerConflict"`);
  // Flush the bulk load now rather than let the checkpointer write it out during the timed read; needs a
  // superuser or pg_checkpoint, so it is skipped where not allowed.
  await timed('checkpointMs', `checkpoint`).catch(() => undefined);
  return timings;
}

// ─── The fast path: read the snapshot, run the engine ──────────────────────────────────────────────────────
//
// A million rows through an ordinary pg query cost a row object of strings each, most of the reading time.
// So the directories come through `COPY (query) TO STDOUT (FORMAT binary)`, whose rows are parsed where they
// lie in the socket's chunks. Ids travel as 16-byte binary uuids and are written out as text here.
//
// The work is spread over the machine's two cores:
// - the database scans the entity table once, sequentially, and sends the rows as they lie: sorting a
//   million rows there, or walking the primary-key index (a random heap access per row), cost it about
//   three times the CPU of the scan. (Two connections scanning half the pages each, as until 2026-11-26,
//   cost it some 0.5 s more CPU than one: TID range scans go through the whole buffer pool rather than a
//   small ring, and a fresh backend pays a page fault, ~12 µs on this machine, for each buffer it touches);
// - a reader thread writes those rows, as they come, in the engine's TargetBatch form into buckets by the
//   id's first byte; once all are in, it sorts each bucket and hands it over with its targets' offsets in
//   id order;
// - the main thread reads officers and conflicts meanwhile, then makes the batches into the snapshot's
//   objects through the engine's SnapshotBuilder, which hashes the same bytes in a thread of its own;
// - and the main thread runs the draw.
// The objects are made in id order so that they also lie in memory in the order the engine walks them:
// walking a million objects in scattered memory order costs several times as much here.

// Big-endian integers of the wire format, read byte by byte: Buffer's own readers validate their argument
// on every call, which adds up over a dozen fields in each of a million rows.
const uint32 = (bytes: Uint8Array, at: number) => ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
const int32 = (bytes: Uint8Array, at: number) => (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
const int16 = (bytes: Uint8Array, at: number) => (((bytes[at]! << 8) | bytes[at + 1]!) << 16) >> 16;

/** Buffer's Latin-1 decoder itself, without the argument handling of toString. */
const latin1 = (bytes: Buffer, start: number, end: number): string => (bytes as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'

/** What pg's client exposes to a submittable: its connection, whose `stream` is the server socket. */
interface PgConnection {
  query(text: string): void;
  stream: DirectSocket;
}

/** A socket that can hand what it reads to one consumer directly (ownBufferSocket's). */
interface DirectSocket extends NodeJS.EventEmitter {
  direct?: ((chunk: Buffer) => void) | undefined;
}

/**
 * A socket that reads into one buffer of its own rather than into a fresh 64 KB one each time. The entity
 * reader's connections bring in some 85 MB; read the usual way, those chunks stay in the process's memory
 * long after they are garbage (freed into the allocator, not given back to the system). A COPY in progress
 * takes each read as it lies (`direct`), before the buffer is reused; anything else goes to the 'data'
 * listeners as usual, copied, since pg's parser may keep a chunk.
 */
function ownBufferSocket(): Socket {
  const buffer = Buffer.allocUnsafe(1 << 16);
  const socket: Socket & DirectSocket = new Socket({
    onread: {
      buffer,
      callback: (size: number) => {
        const chunk = buffer.subarray(0, size);
        if (socket.direct) socket.direct(chunk);
        else socket.emit('data', Buffer.from(chunk));
        return true;
      },
    },
  } as SocketConstructorOpts);
  socket.direct = undefined;
  return socket;
}

/**
 * A binary `COPY ... TO STDOUT` run through pg's client as a submittable (pg has no COPY support of its own).
 * Like the pg-copy-streams package, it takes the connection's socket over while the rows flow: the CopyData
 * messages, one per row, are parsed where they lie in the socket's chunks instead of becoming a message
 * object and a Buffer each in pg's parser. From the first message that is not a row on (CopyDone, an error,
 * a notice), the bytes go back to pg's parser, which then ends the query as usual through the handle*
 * methods below; a row that still reaches pg that way comes to handleCopyData.
 */
class BinaryCopyOut {
  private failure: unknown;
  private headerSeen = false;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  private socket: DirectSocket | undefined;
  private pgListeners: ((chunk: Buffer) => void)[] = [];
  /** A message split across socket chunks, and how many of its bytes have arrived. */
  private pending: Buffer | undefined;
  private pendingFilled = 0;

  constructor(
    private readonly text: string,
    private readonly fieldCount: number,
    private readonly onTuple: (bytes: Buffer, start: number, end: number) => void,
  ) {}

  submit(connection: PgConnection): void {
    this.socket = connection.stream;
    if ('direct' in this.socket) {
      this.socket.direct = this.onData;
    } else {
      this.pgListeners = this.socket.listeners('data') as ((chunk: Buffer) => void)[];
      this.socket.removeAllListeners('data');
      this.socket.on('data', this.onData);
    }
    connection.query(`copy (${this.text}) to stdout with (format binary)`);
  }

  private ownsSocket(): boolean {
    const socket = this.socket;
    return socket !== undefined && ('direct' in socket ? socket.direct === this.onData : socket.listeners('data').includes(this.onData));
  }

  /** Gives the socket back to pg, with the bytes it has not had yet. */
  private handBack(rest: Buffer): void {
    const socket = this.socket!;
    if ('direct' in socket) {
      socket.direct = undefined;
      // The socket's buffer is read into again: pg gets a copy.
      if (rest.length > 0) socket.emit('data', Buffer.from(rest));
      return;
    }
    socket.removeListener('data', this.onData);
    for (const listener of this.pgListeners) socket.on('data', listener);
    if (rest.length > 0) for (const listener of this.pgListeners) listener(rest);
  }

  /** One message `start..end` of `bytes`; false when it is not ours and pg must take over from it. */
  private message(bytes: Buffer, start: number, end: number): boolean {
    const code = bytes[start];
    if (code === COPY_DATA) {
      this.tuple(bytes, start + 5, end);
      return true;
    }
    return code === COPY_OUT_RESPONSE;
  }

  private readonly onData = (chunk: Buffer): void => {
    let offset = 0;
    if (this.pending !== undefined) {
      let pending = this.pending;
      if (this.pendingFilled < 5) {
        const take = Math.min(5 - this.pendingFilled, chunk.length);
        chunk.copy(pending, this.pendingFilled, 0, take);
        this.pendingFilled += take;
        offset = take;
        if (this.pendingFilled < 5) return;
        const whole = Buffer.allocUnsafe(1 + uint32(pending, 1));
        pending.copy(whole, 0, 0, 5);
        pending = this.pending = whole;
      }
      const take = Math.min(pending.length - this.pendingFilled, chunk.length - offset);
      chunk.copy(pending, this.pendingFilled, offset, offset + take);
      this.pendingFilled += take;
      offset += take;
      if (this.pendingFilled < pending.length) return;
      this.pending = undefined;
      if (!this.message(pending, 0, pending.length)) {
        this.handBack(Buffer.concat([pending, chunk.subarray(offset)]));
        return;
      }
    }
    while (offset + 5 <= chunk.length) {
      const end = offset + 1 + uint32(chunk, offset + 1);
      if (end > chunk.length) break;
      if (!this.message(chunk, offset, end)) {
        this.handBack(chunk.subarray(offset));
        return;
      }
      offset = end;
    }
    if (offset < chunk.length) {
      const rest = chunk.length - offset;
      this.pending = Buffer.allocUnsafe(rest < 5 ? 5 : 1 + uint32(chunk, offset + 1));
      chunk.copy(this.pending, 0, offset);
      this.pendingFilled = rest;
    }
  };

  /** One row, `start..end` being the CopyData payload. */
  private tuple(bytes: Buffer, start: number, end: number): void {
    if (this.failure !== undefined) return;
    try {
      if (!this.headerSeen) {
        // The file header (signature, flags, header-extension length and extension) comes before the first row.
        this.headerSeen = true;
        if (end - start < 19 || bytes.compare(BINARY_SIGNATURE, 0, 11, start, start + 11) !== 0) throw new Error('not a binary COPY');
        start += 19 + uint32(bytes, start + 15);
        if (start >= end) return;
      }
      const fields = int16(bytes, start);
      if (fields === -1) return; // the trailer
      if (fields !== this.fieldCount) throw new Error(`COPY row with ${fields} fields, expected ${this.fieldCount}`);
      this.onTuple(bytes, start + 2, end);
    } catch (error) {
      this.failure = error;
    }
  }

  handleCopyData(message: { chunk: Buffer }): void {
    this.tuple(message.chunk, 0, message.chunk.length);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('not a COPY FROM');
  }

  handleError(error: unknown): void {
    if (this.ownsSocket()) this.handBack(Buffer.alloc(0));
    this.failure ??= error;
    this.reject(this.failure);
  }

  handleReadyForQuery(): void {
    if (this.failure === undefined) this.resolve();
    else this.reject(this.failure);
  }
}

/** Runs a binary COPY of `text`, calling `onTuple(bytes, start, end)` with the fields of each row at `start..end`. */
function copyOut(client: pg.Client, text: string, fieldCount: number, onTuple: (bytes: Buffer, start: number, end: number) => void): Promise<void> {
  const copy = new BinaryCopyOut(text, fieldCount, onTuple);
  client.query(copy as unknown as pg.Submittable);
  return copy.done;
}

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
    // A null category or street is read as '' (as services/draws.ts does).
    const categoryLength = int32(bytes, start);
    const streetAt = start + 4 + Math.max(categoryLength, 0);
    this.categories.push(categoryLength < 0 ? '' : bytes.toString('utf8', start + 4, streetAt));
    this.streets.push(int32(bytes, streetAt) < 0 ? '' : bytes.toString('utf8', streetAt + 4, end));
    const index = this.categories.length - 1;
    slot.push({ bytes: Buffer.from(bytes.subarray(start, end)), index });
    return index;
  }
}

/**
 * A text[] field (its 4-byte length first) in the binary array format, as a flat list; a null array as an
 * empty one and a null element as null, as pg's own parser gives them.
 */
function textArray(bytes: Buffer, at: number): string[] {
  if (int32(bytes, at) < 0) return [];
  const dimensions = int32(bytes, at + 4);
  let count = dimensions > 0 ? 1 : 0;
  for (let dimension = 0; dimension < dimensions; dimension += 1) count *= int32(bytes, at + 16 + 8 * dimension);
  const values: string[] = [];
  let element = at + 16 + 8 * dimensions;
  for (let index = 0; index < count; index += 1) {
    const length = int32(bytes, element);
    values.push(length < 0 ? (null as unknown as string) : bytes.toString('utf8', element + 4, element + 4 + length));
    element += 4 + Math.max(length, 0);
  }
  return values;
}

// ─── Uuids as text ───
// Byte i of a uuid becomes the two hex digits at UUID_DIGIT_AT[i] of its 8-4-4-4-12 text.
const UUID_DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX_HIGH = Uint8Array.from({ length: 256 }, (_, byte) => '0123456789abcdef'.charCodeAt(byte >> 4));
const HEX_LOW = Uint8Array.from({ length: 256 }, (_, byte) => '0123456789abcdef'.charCodeAt(byte & 15));
const UUID_TEXT_LENGTH = 36;

/** Writes the uuid whose 16 bytes start at `from` as text into `out` at `at`. */
function putUuidText(out: Uint8Array, at: number, bytes: Uint8Array, from: number): void {
  for (let index = 0; index < 16; index += 1) {
    const byte = bytes[from + index]!;
    const digit = at + UUID_DIGIT_AT[index]!;
    out[digit] = HEX_HIGH[byte]!;
    out[digit + 1] = HEX_LOW[byte]!;
  }
  out[at + 8] = out[at + 13] = out[at + 18] = out[at + 23] = 45; // -
}

const uuidScratch = Buffer.alloc(UUID_TEXT_LENGTH);

/** The uuid whose 16 bytes start at `at`, as text. */
function uuidFromBytes(bytes: Uint8Array, at: number): string {
  putUuidText(uuidScratch, 0, bytes, at);
  return latin1(uuidScratch, 0, UUID_TEXT_LENGTH);
}

// ─── Entities: packed as they arrive, sorted, then handed over as they lie ───
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

/** The records of ids starting with one byte, in the order their rows came. */
class EntityBucket {
  count = 0;
  used = 0;
  bytes: Buffer;
  keys: Uint32Array;

  constructor(expectedRecords: number) {
    // allocUnsafeSlow: a buffer of its own, never a slice of Node's pool, so that it can be handed over.
    this.bytes = Buffer.allocUnsafeSlow((RECORD_BYTES + 18) * expectedRecords);
    this.keys = new Uint32Array(KEY_WORDS * expectedRecords);
  }

  /** Room for one more record of `size` bytes; where it starts. */
  reserve(size: number): number {
    if (this.used + size > this.bytes.length) {
      const bytes = Buffer.allocUnsafeSlow(2 * this.bytes.length + size);
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

  /** One COPY row `start..end` of `bytes`: id uuid, uscc char(18), inspections int2, flag mask int2, category and street text or null. */
  add(bytes: Buffer, start: number, end: number): void {
    let at = start;
    const idOk = int32(bytes, at) === 16;
    const idAt = at + 4;
    at = idAt + 16;
    const usccLength = int32(bytes, at);
    const usccStart = at + 4;
    at = usccStart + usccLength;
    const numbersOk = int32(bytes, at) === 2 && int32(bytes, at + 6) === 2;
    const inspections = int16(bytes, at + 4);
    const mask = int16(bytes, at + 10);
    at += 12;
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

  /** Hands the buckets over in id order, each with its targets' offsets; `room` holds back while too many are on their way. */
  async handOver(send: (batch: TargetBatch) => void, room: () => Promise<void>): Promise<void> {
    const emptied = new EntityBucket(0);
    for (let index = 0; index < this.buckets.length; index += 1) {
      const bucket = this.buckets[index]!;
      this.buckets[index] = emptied;
      if (bucket.count === 0) continue;
      await room();
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

// ─── Queries ───

/**
 * The operating entities, unordered: all of them (`from` null), or those on heap pages `from` (inclusive)
 * to `to` (exclusive; null: to the end). The first is a plain sequential scan, which reads a table larger
 * than a quarter of shared_buffers through a small ring of buffers; a TID range scan goes through the
 * whole buffer pool, and a backend that has not touched it before pays a page fault for each page of it.
 */
const ENTITY_SQL = (from: number | null, to: number | null) => `
  select id, uscc, ${INSPECTIONS_COLUMN}, ${FLAG_MASK_COLUMN}, category, street from "Entity"
  where "legalStatus" = 'operating'${from === null ? '' : ` and ctid >= '(${from},0)'::tid`}${to === null ? '' : ` and ctid < '(${to},0)'::tid`}`;
const OFFICER_SQL = `
  select id, specialties, to_char("certificateValidUntil", 'YYYY-MM-DD'), (${PARTICIPATIONS_SQL})::int4
  from "Officer" where active and not "certificateWithdrawn" order by id`;
/** In canonical order straight from the unique index on ("officerId", "entityId"), without visiting the table. */
const CONFLICT_SQL = `select "officerId", "entityId" from "OfficerConflict" order by "officerId", "entityId"`;

/**
 * Every connection reads in one read-only transaction on the snapshot the first one exports, so that all
 * of them see the directories in the same state. No JIT compilation for these one-off plans.
 */
const BEGIN_SQL = `set jit = off; begin isolation level repeatable read read only`;

// ─── The entity reader: a worker thread ───
//
// Parsing a million rows, sorting them and packing them for the engine is work this process can do beside
// what only its main thread can do (making the snapshot's objects, the draw). So the entities are read by a
// worker thread with its own two connections, opened beforehand like the main thread's one; it hands the
// targets over in batches as the engine's SnapshotBuilder takes them.

/** CPU time of the calling thread so far (Linux; NaN elsewhere), to show how busy the reader was. */
function threadCpuMs(): number {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * CPU time (ms) and minor page faults so far of a process of this machine (Linux; undefined elsewhere, or
 * for a server on another machine). The server's backends are read this way too when they are local.
 */
function processStat(pid: number | 'self'): { cpuMs: number; minorFaults: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, minorFaults: Number(fields[7]) };
  } catch {
    return undefined;
  }
}

/** CPU time so far (ms) and minor page faults of each of this process's threads, by thread id (Linux; empty elsewhere). */
function threadsCpuMs(): Map<string, { ms: number; faults: number }> {
  const threads = new Map<string, { ms: number; faults: number }>();
  try {
    for (const thread of readdirSync('/proc/self/task')) {
      const fields = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8').split(') ')[1]!.split(' ');
      threads.set(thread, { ms: (Number(fields[11]) + Number(fields[12])) * 10, faults: Number(fields[7]) });
    }
  } catch {
    // not Linux
  }
  return threads;
}

/** The CPU each thread used since `before`, busiest first, naming the main thread and the reader; with its page faults. */
function threadsCpuSince(before: Map<string, { ms: number; faults: number }>, readerThread: string | undefined): Record<string, string> {
  const used = [...threadsCpuMs()]
    .map(([thread, { ms, faults }]) => [thread, ms - (before.get(thread)?.ms ?? 0), faults - (before.get(thread)?.faults ?? 0)] as const)
    .filter(([, ms]) => ms >= 20)
    .sort((a, b) => b[1] - a[1]);
  const name = (thread: string) => (thread === String(process.pid) ? 'main' : thread === readerThread ? 'reader' : `thread ${thread}`);
  return Object.fromEntries(used.map(([thread, ms, faults]) => [name(thread), `${ms} ms, ${faults} page faults`]));
}

/** Messages from the reader to the main thread. */
type ReaderMessage =
  | { ready: true; thread: string | undefined; backendPids: number[] }
  | { snapshotSet: true }
  | { rowsIn: number; cpuMs: number }
  | { batch: TargetBatch; categories: string[]; streets: string[] }
  | { done: true; cpuMs: number; backendCpuMs: (number | null)[] }
  | { error: string };

/** What the main thread sends the reader: where to start, then one acknowledgement per batch taken. */
type ReaderStart = { transactionSnapshot: string; pages: number; expectedRows: number };
/** Batches the reader may have on their way before it waits: bounds the memory they take. */
const BATCHES_IN_FLIGHT = 4;

interface ReaderData {
  databaseUrl: string;
  connections: number;
}

/** The worker's side: connects, waits for the exported snapshot and page count, then reads and hands over. */
async function readerWorker({ databaseUrl, connections }: ReaderData): Promise<void> {
  const port = parentPort!;
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl, stream: ownBufferSocket });
      await client.connect();
      return client;
    }),
  );
  const start = new Promise<ReaderStart>((resolve) => port.once('message', resolve));
  let thread: string | undefined;
  try {
    thread = readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    // not Linux
  }
  const backendPids = await Promise.all(clients.map(async (client) => (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid));
  port.postMessage({ ready: true, thread, backendPids } satisfies ReaderMessage);
  const { transactionSnapshot, pages, expectedRows } = await start;
  let inFlight = 0;
  let acknowledged = () => {};
  port.on('message', () => {
    inFlight -= 1;
    acknowledged();
  });
  const room = async () => {
    while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (acknowledged = resolve));
  };
  try {
    const backendsStarted = backendPids.map((pid) => processStat(pid));
    await Promise.all(clients.map((client) => client.query(`${BEGIN_SQL}; set transaction snapshot '${transactionSnapshot}'`)));
    port.postMessage({ snapshotSet: true } satisfies ReaderMessage);
    const entities = new EntityRecords(expectedRows);
    await Promise.all(
      clients.map((client, part) => {
        const from = clients.length === 1 ? null : Math.floor((pages * part) / clients.length);
        const to = part === clients.length - 1 ? null : Math.floor((pages * (part + 1)) / clients.length);
        return copyOut(client, ENTITY_SQL(from, to), 6, (bytes, begin, end) => entities.add(bytes, begin, end));
      }),
    );
    port.postMessage({ rowsIn: entities.count, cpuMs: threadCpuMs() } satisfies ReaderMessage);
    const { categories, streets } = entities.places;
    await entities.handOver((batch) => {
      inFlight += 1;
      const buffers = [batch.bytes.buffer as ArrayBuffer, batch.offsets!.buffer as ArrayBuffer];
      port.postMessage({ batch, categories, streets } satisfies ReaderMessage, buffers);
    }, room);
    await Promise.all(clients.map((client) => client.query('commit')));
    // The backends end with their connections: their CPU time is taken now.
    const backendCpuMs = backendPids.map((pid, index) => {
      const [before, after] = [backendsStarted[index], processStat(pid)];
      return before && after ? after.cpuMs - before.cpuMs : null;
    });
    port.postMessage({ done: true, cpuMs: threadCpuMs(), backendCpuMs } satisfies ReaderMessage);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ReaderMessage);
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** The main thread's side of the reader. */
class EntityReader {
  private constructor(
    private readonly worker: Worker,
    /** The reader's thread id (Linux), to tell its CPU time apart. */
    readonly thread: string | undefined,
    /** The server processes of the reader's connections. */
    readonly backendPids: number[],
  ) {}

  /** The CPU time of the reader's backends over the read, once it is done (null where not on this machine). */
  backendCpuMs: (number | null)[] = [];

  /**
   * Starts the worker and waits until its connections are open. The worker runs this very file, bundled
   * into plain JavaScript by esbuild (which tsx itself uses): under a TypeScript loader of its own, the
   * thread would cost another thread for the loader's hooks and some 35 MB more.
   */
  static async open(databaseUrl: string, connections: number): Promise<EntityReader> {
    const bundle = buildSync({
      entryPoints: [fileURLToPath(import.meta.url)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['pg-native'],
      write: false,
      // import.meta is empty in the bundle; nothing the reader runs needs it.
      logLevel: 'error',
    });
    // None of the parent's execArgv but a profiler's: the bundle needs no loader (tsx's would start a thread of its own).
    const execArgv = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
    const worker = new Worker(bundle.outputFiles[0]!.text, { eval: true, execArgv, workerData: { databaseUrl, connections } satisfies ReaderData });
    const ready = await new Promise<ReaderMessage>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', resolve);
    });
    return 'ready' in ready ? new EntityReader(worker, ready.thread, ready.backendPids) : new EntityReader(worker, undefined, []);
  }

  /**
   * Reads the entities of the given transaction snapshot; `onSnapshotSet` once the reader's transactions
   * have taken the snapshot (the exporting one may then end), `onBatch` for each batch in id order.
   */
  read(
    start: ReaderStart,
    onSnapshotSet: () => void,
    onBatch: (batch: TargetBatch, categories: string[], streets: string[]) => void,
    timeline: (name: string, readerCpuMs: number) => void,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onMessage = (message: ReaderMessage) => {
        try {
          if ('snapshotSet' in message) onSnapshotSet();
          else if ('rowsIn' in message) timeline('entityRowsInMs', message.cpuMs);
          else if ('batch' in message) {
            onBatch(message.batch, message.categories, message.streets);
            this.worker.postMessage('taken');
          }
          else if ('error' in message) throw new Error(`entity reader: ${message.error}`);
          else if ('done' in message) {
            timeline('entityBatchesInMs', message.cpuMs);
            this.backendCpuMs = message.backendCpuMs;
            this.worker.off('message', onMessage);
            resolve();
          }
        } catch (error) {
          this.worker.off('message', onMessage);
          reject(error);
        }
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.postMessage(start);
    });
  }

  /** Ends the worker; its connections close with it. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** When each part of the read ended, in ms from its start; reported to show where the read time goes. */
type ReadTimeline = Record<string, number>;

/**
 * Reads the snapshot: officers and then conflicts on the main thread's connection, the entities through
 * the reader, whose batches go into the engine's SnapshotBuilder as they come (it hashes them in a thread
 * of its own). Batches that come before the officers and conflicts are in wait for them. Answers the
 * builder once every target is in it: its hasher may still be at work.
 */
async function readSnapshot(client: pg.Client, reader: EntityReader, timeline: ReadTimeline): Promise<SnapshotBuilder> {
  const started = performance.now();
  const mark = (name: string) => (timeline[name] = Math.round(performance.now() - started));
  const readerMark = (name: string, readerCpuMs: number) => {
    mark(name);
    timeline[name.replace(/Ms$/, 'ReaderCpuMs')] = readerCpuMs;
  };
  const exported = (await client.query(
    `${BEGIN_SQL}; select pg_export_snapshot() as "transactionSnapshot", pg_relation_size(oid) / current_setting('block_size')::int as pages,
                          reltuples as "expectedRows" from pg_class where oid = '"Entity"'::regclass`,
  )) as unknown as pg.QueryResult[];
  const exportedRow = exported[exported.length - 1]!.rows[0] as { transactionSnapshot: string; pages: string; expectedRows: number };

  let builder: SnapshotBuilder | undefined;
  const waiting: [TargetBatch, string[], string[]][] = [];
  let snapshotSet!: () => void;
  const snapshotTaken = new Promise<void>((resolve) => (snapshotSet = resolve));
  const entityRead = reader
    .read(
      { transactionSnapshot: exportedRow.transactionSnapshot, pages: Number(exportedRow.pages), expectedRows: Math.max(0, exportedRow.expectedRows) },
      snapshotSet,
      (batch, categories, streets) => (builder ? builder.addTargets(batch, categories, streets) : waiting.push([batch, categories, streets])),
      readerMark,
    );

  // Officers by binary COPY as well: a few thousand rows through pg's row parser cost little to parse but
  // plenty to compile (the parser's functions get hot enough for the optimizing compiler).
  const officers: DrawOfficer[] = [];
  await copyOut(client, OFFICER_SQL, 4, (bytes, at, end) => {
    if (int32(bytes, at) !== 16) throw new Error('malformed officer row');
    const id = uuidFromBytes(bytes, at + 4);
    at += 20;
    const specialties = textArray(bytes, at);
    at += 4 + Math.max(int32(bytes, at), 0);
    const untilLength = int32(bytes, at);
    const until = untilLength < 0 ? null : bytes.toString('utf8', at + 4, at + 4 + untilLength);
    at += 4 + Math.max(untilLength, 0);
    if (int32(bytes, at) !== 4 || at + 8 !== end) throw new Error('malformed officer row');
    officers.push({ id, specialties: specialties.sort(), certificateValidUntil: until as string, participationsThisYear: int32(bytes, at + 4) });
  });
  const conflicts: DrawConflict[] = [];
  // Rows come grouped by officer: one string per officer, not per row.
  const officerBytes = Buffer.alloc(16);
  let officerId = '';
  await copyOut(client, CONFLICT_SQL, 2, (bytes, at, end) => {
    if (int32(bytes, at) !== 16 || int32(bytes, at + 20) !== 16 || at + 40 !== end) throw new Error('malformed conflict row');
    if (officerId === '' || officerBytes.compare(bytes, at + 4, at + 20) !== 0) {
      bytes.copy(officerBytes, 0, at + 4, at + 20);
      officerId = uuidFromBytes(bytes, at + 4);
    }
    conflicts.push({ officerId, entityId: uuidFromBytes(bytes, at + 24) });
  });
  await snapshotTaken;
  await client.query('commit');
  mark('officersAndConflictsDoneMs');
  builder = new SnapshotBuilder(officers, conflicts, { hashInWorker: true, expectedTargets: Math.ceil(1.05 * Math.max(0, exportedRow.expectedRows)) });
  for (const [batch, categories, streets] of waiting.splice(0)) builder.addTargets(batch, categories, streets);
  await entityRead;
  // The reader's work is done: its thread and connections go now rather than sit on memory through the draw.
  void reader.close();
  return builder;
}

// ─── Memory ────────────────────────────────────────────────────────────────────────────────────────────────

function procStatusMb(field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

// ─── The naive approach ────────────────────────────────────────────────────────────────────────────────────

interface NaiveFigures {
  selectTargetsMs: number;
  teamQueriesRun: number;
  teamQueriesMs: number;
  teamQueriesExtrapolated: boolean;
  /** Targets selection plus every team query, measured or extrapolated linearly from the ones run. */
  totalMs: number;
  teamQueryMeanMs: number;
  /**
   * The same team queries for the first --naive-sample targets once more, with an index on
   * OfficerConflict("entityId") that the schema does not have (its unique index leads with "officerId"),
   * extrapolated to all targets: what a tuned naive implementation would cost.
   */
  withEntityIdIndex: { teamQueriesRun: number; teamQueryMeanMs: number; totalMs: number };
}

const naiveTeamSql = `select o.id from "Officer" o
  where o.active and not o."certificateWithdrawn" and o."certificateValidUntil" >= $2::date
    and not exists (select 1 from "OfficerConflict" c where c."officerId" = o.id and c."entityId" = $1::uuid)
  order by random() limit $3`;

async function naiveDraw(client: pg.Client): Promise<NaiveFigures> {
  await client.query(`reset all`);
  let started = performance.now();
  const picked = await client.query<{ id: string }>(
    `select id::text as id from "Entity"
     where "legalStatus" = 'operating' and (${INSPECTIONS_COLUMN} < 2 or ${FLAG_MASK_COLUMN} <> 0)
     order by random() limit ${targetCount}`,
  );
  const selectTargetsMs = performance.now() - started;
  if (picked.rows.length !== targetCount) throw new Error(`naive draw picked ${picked.rows.length} targets`);
  const team = async (name: string, id: string) => {
    const members = await client.query({ name, text: naiveTeamSql, values: [id, INSPECTION_DATE, teamSize] });
    if (members.rows.length !== teamSize) throw new Error(`naive team for ${id} has ${members.rows.length} officers`);
  };

  started = performance.now();
  let run = 0;
  let extrapolated = false;
  for (const { id } of picked.rows) {
    await team('naive-team', id);
    run += 1;
    if (run === naiveSample && run < targetCount) {
      const elapsed = performance.now() - started;
      if ((elapsed / run) * targetCount > naiveBudgetMs) {
        extrapolated = true;
        break;
      }
    }
  }
  const measuredMs = performance.now() - started;
  const teamQueriesMs = extrapolated ? (measuredMs / run) * targetCount : measuredMs;

  await client.query(`create index bench_conflict_entity on "OfficerConflict" ("entityId")`);
  await client.query(`analyze "OfficerConflict"`);
  started = performance.now();
  for (const { id } of picked.rows.slice(0, naiveSample)) await team('naive-team-indexed', id);
  const indexedMeanMs = (performance.now() - started) / naiveSample;
  await client.query(`drop index bench_conflict_entity`);

  return {
    selectTargetsMs: Math.round(selectTargetsMs),
    teamQueriesRun: run,
    teamQueriesMs: Math.round(teamQueriesMs),
    teamQueriesExtrapolated: extrapolated,
    totalMs: Math.round(selectTargetsMs + teamQueriesMs),
    teamQueryMeanMs: +(measuredMs / run).toFixed(2),
    withEntityIdIndex: {
      teamQueriesRun: naiveSample,
      teamQueryMeanMs: +indexedMeanMs.toFixed(2),
      totalMs: Math.round(selectTargetsMs + indexedMeanMs * targetCount),
    },
  };
}

// ─── Checks on the engine's result (not timed) ─────────────────────────────────────────────────────────────

function checkResult(result: DrawResult, snapshot: DrawSnapshot): void {
  // The engine would have re-sorted out-of-order targets (slowly) rather than fail; make sure it did not have to.
  for (let index = 1; index < snapshot.targets.length; index += 1) {
    if (!(snapshot.targets[index - 1]!.id < snapshot.targets[index]!.id)) throw new Error('targets were not read in id order');
  }
  // The snapshot was built and hashed from bytes (SnapshotBuilder); hashed the general way, it must agree.
  if (snapshotHash({ targets: snapshot.targets, officers: snapshot.officers, conflicts: snapshot.conflicts }) !== result.snapshotHash) {
    throw new Error('the built snapshot hashes differently the general way');
  }
  if (result.picks.length !== targetCount) throw new Error(`the draw returned ${result.picks.length} picks`);
  if (new Set(result.picks.map((pick) => pick.entityId)).size !== targetCount) throw new Error('a target was drawn twice');
  const conflictKeys = new Set(snapshot.conflicts.map((conflict) => `${conflict.officerId}|${conflict.entityId}`));
  for (const pick of result.picks) {
    if (pick.team.length !== teamSize || new Set(pick.team).size !== teamSize) throw new Error(`bad team for ${pick.entityId}`);
    if (pick.team.some((officer) => conflictKeys.has(`${officer}|${pick.entityId}`))) throw new Error(`recusal broken for ${pick.entityId}`);
  }
}

// ─── Main ──────────────────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const databaseName = `bench_draw_${Date.now()}`;
  // Imported here, not at the top, so that the reader's bundle of this file leaves it out (see EntityReader).
  const server = await (await import('./postgres')).benchDatabaseServer();
  const serverUrl = server.url;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const clients: pg.Client[] = [];
  let reader: EntityReader | undefined;
  try {
    await admin.query(`create database "${databaseName}"`);
    const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
    // Imported here, not at the top, so that the reader's bundle of this file leaves it out (see EntityReader).
    const { migrateDatabase } = await import('../infra/migrate');
    await migrateDatabase(databaseUrl);

    const connect = async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      clients.push(client);
      return client;
    };
    const builder = await connect();
    const built = await buildDirectories(builder);
    const counts = (
      await builder.query<{ entities: string; operating: string; officers: string; conflicts: string }>(
        `select (select count(*) from "Entity") as entities,
                (select count(*) from "Entity" where "legalStatus" = 'operating') as operating,
                (select count(*) from "Officer") as officers,
                (select count(*) from "OfficerConflict") as conflicts`,
      )
    ).rows[0]!;

    // Connections are opened beforehand, as a service's pool would be: this thread's one and the entity
    // reader's two, in the worker thread that holds them.
    reader = await EntityReader.open(databaseUrl, scanConnections);
    const rssBefore = procStatusMb('VmRSS');
    let sampledPeak = rssBefore;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss / 2 ** 20);
    }, 50);

    const rules: DrawRules = {
      targetCount,
      teamSize,
      inspectionDate: INSPECTION_DATE,
      riskWeights: { complaints: 3, safety_hazard: 3, abnormal_operation: 2, dishonest: 2, violation_record: 2 },
      coverageFirst: true,
    };
    const seed = 'bench-draw-seed-0f3c9a7e5b1d4c2a8e6f0b9d7c5a3e1f';
    const outsideRandomness = '2026-11-25 体彩排列5 第26318期 48213';

    const loadBefore = loadavg()[0]!;
    const cpuStarted = process.cpuUsage();
    const threadsStarted = threadsCpuMs();
    const mainBackendPid = (await builder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const faultsStarted = processStat('self');
    const mainBackendStarted = processStat(mainBackendPid);
    const profiling = process.execArgv.some((flag) => flag.startsWith('--cpu-prof')) || process.env.BENCH_DRAW_MARKS === '1';
    // The timed part's bounds on the clock CPU profiles use (µs), so that a profile can be cut to them
    // (printed under --cpu-prof, or with BENCH_DRAW_MARKS=1 for a profiler outside the process).
    if (profiling) console.error(`timed part from ${process.hrtime.bigint() / 1000n}`);
    const readStarted = performance.now();
    const timeline: ReadTimeline = {};
    const snapshotBuilder = await readSnapshot(builder, reader, timeline);
    const readMs = performance.now() - readStarted;
    const drawStarted = performance.now();
    // build() then runDraw(), but drawing while the builder's hasher thread finishes (the same result).
    const { snapshot, result } = await snapshotBuilder.buildAndDraw(rules, seed, outsideRandomness);
    const drawMs = performance.now() - drawStarted;
    if (profiling) console.error(`timed part to ${process.hrtime.bigint() / 1000n}`);
    const totalMs = readMs + drawMs;
    const cpu = process.cpuUsage(cpuStarted);
    const threadsCpu = threadsCpuSince(threadsStarted, reader.thread);
    const faultsEnded = processStat('self');
    const mainBackendEnded = processStat(mainBackendPid);
    const backendsCpuMs = [mainBackendStarted && mainBackendEnded ? mainBackendEnded.cpuMs - mainBackendStarted.cpuMs : null, ...reader.backendCpuMs];
    // Threads that have ended by now (the reader's, the builder's hasher) are in the process's figure only.
    const listedMs = Object.values(threadsCpu).reduce((sum, text) => sum + Number.parseInt(text, 10), 0);
    threadsCpu['ended threads'] = `${Math.round((cpu.user + cpu.system) / 1000 - listedMs)} ms`;
    clearInterval(sampler);
    const peakRssMb = Math.max(procStatusMb('VmHWM'), sampledPeak, process.memoryUsage().rss / 2 ** 20);
    checkResult(result, snapshot);
    const drawSummary = {
      snapshotHash: result.snapshotHash,
      eligible: result.eligibility.eligible,
      overLimitExcluded: result.eligibility.overLimitExcluded,
      overLimitRiskFlagged: result.eligibility.overLimitRiskFlagged,
      picksNotYetInspected: result.picks.filter((pick) => pick.stratum === 'not_yet_inspected').length,
      picksWithRecusals: result.picks.filter((pick) => pick.recusals.length > 0).length,
      officersQualified: result.participation.officersQualified,
      officersTakingPart: result.participation.officersTakingPart,
    };
    const rows = { targets: snapshot.targets.length, officers: snapshot.officers.length, conflicts: snapshot.conflicts.length };

    const naive = values['skip-naive'] ? undefined : await naiveDraw(builder);
    const speedUp = naive === undefined ? NaN : naive.totalMs / totalMs;

    const figures = {
      postgres: server.description,
      machine: { cpus: availableParallelism(), loadAverage1mBeforeDraw: +loadBefore.toFixed(2) },
      directory: {
        entities: Number(counts.entities),
        operating: Number(counts.operating),
        officers: Number(counts.officers),
        conflicts: Number(counts.conflicts),
        buildMs: built,
      },
      rowsRead: rows,
      draw: { targets: targetCount, teamSize, coverageFirst: true, ...drawSummary },
      fast: {
        readMs: Math.round(readMs),
        readTimeline: timeline,
        drawMs: Math.round(drawMs),
        totalMs: Math.round(totalMs),
        /** CPU time of this process over read and draw (all its threads, GC included); the server's is not in it. */
        processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        /** The same by thread (10 ms ticks; threads under 20 ms left out): the main thread, the reader, then the builder's hasher, the collector's helpers and the like. */
        threadsCpuMs: threadsCpu,
        /** Minor page faults of this process over read and draw: each costs ~12 µs of CPU on this machine (a VM), some 20 times what it does on bare metal. */
        minorPageFaults: faultsStarted && faultsEnded ? faultsEnded.minorFaults - faultsStarted.minorFaults : null,
        /** CPU time of the server's backends (main connection, then the reader's), when they run on this machine. */
        serverCpuMs: backendsCpuMs,
        rssBeforeReadMb: Math.round(rssBefore),
        peakRssMb: Math.round(peakRssMb),
      },
      naive:
        naive === undefined
          ? 'skipped (--skip-naive)'
          : {
              ...naive,
              note: naive.teamQueriesExtrapolated
                ? `team queries: ${naive.teamQueriesRun} of ${targetCount} run, the rest extrapolated linearly`
                : 'all team queries run',
            },
      speedUp: naive === undefined ? null : +speedUp.toFixed(1),
      speedUpOverIndexedNaive: naive === undefined ? null : +(naive.withEntityIdIndex.totalMs / totalMs).toFixed(1),
      targetsMet: {
        totalWithin3s: totalMs <= TARGETS.totalMs,
        atLeast5xFasterThanNaive: naive === undefined ? null : speedUp >= TARGETS.speedUp,
        peakRssUnder500Mb: peakRssMb < TARGETS.peakRssMb,
      },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await reader?.close();
    for (const client of clients) await client.end().catch(() => undefined);
    await admin.query(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
    await server.stop();
  }
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
} else {
  readerWorker(workerData as ReaderData).catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
