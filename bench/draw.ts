// bench/draw: the double-random draw (双随机, R8) at provincial scale, timed on the product's own path. Builds, in a
// fresh PostgreSQL database, 1,000,000 entities, 5,000 officers and 100,000 declared conflicts (R10), with the
// records the pool's facts come from (random and complaint cases with their teams, blacklist entries, penalties,
// noted risk flags), then times, in this process as the API runs them:
//
//   1. the commitment as `POST /draws` makes it: `commitDraw` (activities/draws.ts) freezes the pool
//      (activities/drawPool.ts: binary COPY in one transaction snapshot, SnapshotBuilder hashing and compressing in
//      a thread of its own), checks that the draw is feasible, seals the seed and stores the row and the snapshot
//      (activities/drawSnapshots.ts). The freeze's own time comes from its timing channel;
//   2. the run as the draw workflow's activity makes it: `recordDrawResult` reads the stored snapshot back, draws
//      20,000 targets with teams of 2 and records the result and the case ids (opening the cases, through
//      Temporal, is not timed here: see bench/cases for the case workflows' rate);
//   3. verification as `GET /draws/:id/verification` makes it (`verifyStoredDraw`);
//   4. the naive way on the same data: `ORDER BY random() LIMIT n` over the eligible entities (inspections and
//      flags by correlated subqueries), then one query per target for its team, `ORDER BY random() LIMIT 2` among
//      valid certificates with a `NOT EXISTS` recusal check. The first --naive-sample team queries are timed; if
//      all of them would take longer than --naive-budget seconds, the rest are extrapolated linearly from those
//      (the output says so), otherwise all are run.
//
// Prints a JSON object of figures, with each step's wall time, the peak RSS of this process in it (the API's, for
// the commitment), this process's CPU and the database server's.
//
//   npm run bench:draw
//   npm run bench:draw -- --entities 100000 --officers 500 --conflicts 10000 --targets 2000   # a smaller run
//   npm run bench:draw -- --skip-naive   # the product's path only, for trying changes: no naive figures
//
// Uses BENCH_DATABASE_URL (a server where it may create a database) or else the embedded PostgreSQL that `npm start`
// runs, started for the run (bench/postgres.ts); the database `bench_draw_<timestamp>` it creates is dropped at the
// end, also on failure. The figures name the server.
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freezeTimings } from '../activities/drawPool';
import { loadSnapshot } from '../activities/drawSnapshots';
import { commitDraw, drawActivities, resultOf } from '../activities/draws';
import { createDb } from '../db/client';
import { chinaDate } from '../domain/deadlines';
import { snapshotHash, type DrawRules } from '../domain/draw';
import { migrateDatabase } from '../infra/migrate';
import { verifyStoredDraw } from '../services/draws';
import { benchDatabaseServer } from './postgres';

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

const TARGETS = { freezeMs: 3000, peakRssMb: 500 };

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

// ─── The directories and the records behind the pool's facts ───────────────────────────────────────────────
// Each entity's random inspections this year (R5) and risk flags (R6) follow from two bytes of its (md5-derived,
// uniformly random) id, as in the figures before 2026-12-06 (when they were stand-in columns of the bench's own):
// inspections 0 for 50 %, 1 for 35 %, 2 for 15 % of entities; about 11 % with a flag. They are now written as the
// records the product counts: that many random cases opened this year (each with a team of two), two complaint
// cases in the past year (complaints), a blacklist entry (dishonest), a penalty on a case of last year (violation
// record), a noted flag (safety hazard, abnormal operation).
const BYTE_14 = 'get_byte(uuid_send(e.id), 14)';
const BYTE_15 = 'get_byte(uuid_send(e.id), 15)';
const INSPECTIONS_SQL = `case when ${BYTE_15} < 128 then 0 when ${BYTE_15} < 218 then 1 else 2 end`;
/** The flags as a mask, bit i ⇔ riskFlags[i] (complaints, safety_hazard, abnormal_operation, dishonest, violation_record). */
const FLAG_MASK_SQL = `case when ${BYTE_14} < 13 then 1 when ${BYTE_14} < 18 then 2 when ${BYTE_14} < 21 then 4
  when ${BYTE_14} < 24 then 8 when ${BYTE_14} < 26 then 24 when ${BYTE_14} < 28 then 16 when ${BYTE_14} = 28 then 5 else 0 end`;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

async function buildDirectories(client: pg.Client, now: Date): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const timed = async (name: string, sql: string) => {
    const started = performance.now();
    await client.query(sql);
    timings[name] = Math.round(performance.now() - started);
  };
  await client.query(`set synchronous_commit = off`);
  await client.query(`set maintenance_work_mem = '256MB'`);
  const yearStart = `'${chinaDate(now).slice(0, 4)}-01-01T00:00:00+08:00'::timestamptz`;
  const at = `'${now.toISOString()}'::timestamptz`;
  // A team of two distinct officers from two hashes of the row number `n`, and a fraction of 1 from a third.
  const hash = (n: string, salt: number) => `(hashint4extended((${n})::int, ${salt}) & 1073741823)`;
  const team = (n: string, salt: number) => `array[
      md5('bench-officer:' || (1 + ${hash(n, salt)} % ${officerCount}))::uuid::text,
      md5('bench-officer:' || (1 + (${hash(n, salt)} + 1 + ${hash(n, salt + 1)} % ${officerCount - 1}) % ${officerCount}))::uuid::text]`;
  const fraction = (n: string, salt: number) => `((${hash(n, salt)} & 1023) / 1024.0)`;

  // Entities: ~97 % operating, the rest deregistered, revoked or moved out (R1). USCCs are 18 characters and
  // unique, without a valid check character (the table has no check constraint, and the draw does not care).
  await timed(
    'entitiesMs',
    `insert into "Entity" (id, uscc, name, street, category, "legalStatus", "createdAt", "updatedAt")
     select md5('bench-entity:' || g)::uuid, '91320482' || lpad(g::text, 10, '0'), '金坛区基准企业' || g,
            (${sqlArray(STREETS)})[1 + ${pick(1, STREETS.length)}],
            (${sqlArray(CATEGORIES)})[1 + ${pick(2, CATEGORIES.length)}],
            case when ${pick(3, 100)} < 97 then 'operating'
                 else (array['deregistered','revoked','moved_out'])[1 + ${pick(4, 3)}] end::"LegalStatus",
            now(), now()
     from generate_series(1, ${entityCount}) g`,
  );

  // Officers: ~2 % with a certificate that expired before the inspection day (R2).
  await timed(
    'officersMs',
    `insert into "Officer" (id, name, unit, gender, "certificateNumber", "certificateValidFrom", "certificateValidUntil",
                            specialties, "createdAt", "updatedAt")
     select md5('bench-officer:' || g)::uuid, '执法员' || g, (${sqlArray(UNITS)})[1 + ${pick(11, UNITS.length)}],
            case when g % 2 = 0 then '男' else '女' end, '32048220' || lpad(g::text, 6, '0'),
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

  // Random cases this year, as many per entity as its inspections; complaint cases in the past year, two per
  // entity flagged for complaints; for a violation record, a random case of last year with a penalty.
  const caseColumns = `id, "workflowId", "entityId", origin, "planId", status, team, "openedBy", "openedAt", "updatedAt"`;
  await timed(
    'casesMs',
    `insert into "InspectionCase" (${caseColumns})
     select id, 'inspection-case-' || id, "entityId", origin::"CaseOrigin", 'bench-plan', 'closed', team, 'bench', "openedAt", now()
     from (
       select md5('bench-case:' || e.id || ':' || k)::uuid as id, e.id as "entityId", 'random' as origin, ${team('3 * g + k', 41)} as team,
              ${yearStart} + (${at} - ${yearStart}) * ${fraction('3 * g + k', 43)} as "openedAt"
       from (select e.id, row_number() over () as g, ${INSPECTIONS_SQL} as n, ${FLAG_MASK_SQL} as mask from "Entity" e) e,
            generate_series(1, e.n) k
       union all
       select md5('bench-complaint:' || e.id || ':' || k)::uuid, e.id, 'complaint', ${team('3 * g + k', 44)},
              ${at} - interval '300 days' * ${fraction('3 * g + k', 46)}
       from (select e.id, row_number() over () as g, ${FLAG_MASK_SQL} as mask from "Entity" e) e, generate_series(1, 2) k
       where e.mask & 1 <> 0
       union all
       select md5('bench-violation:' || e.id)::uuid, e.id, 'random', ${team('g', 47)}, ${yearStart} - interval '40 days'
       from (select e.id, row_number() over () as g, ${FLAG_MASK_SQL} as mask from "Entity" e) e
       where e.mask & 16 <> 0
     ) cases`,
  );
  await timed(
    'recordsMs',
    `insert into "Disposition" (id, "caseId", kind, status, details, "recordedBy", "recordedAt")
     select md5('bench-penalty:' || e.id)::uuid, md5('bench-violation:' || e.id)::uuid, 'penalty', 'decided', '{}', 'bench', ${yearStart} - interval '20 days'
     from "Entity" e where (${FLAG_MASK_SQL}) & 16 <> 0;
     insert into "BlacklistEntry" (id, "entityId", "caseId", reason, "listedAt")
     select md5('bench-blacklist:' || e.id)::uuid, e.id, md5('bench-blacklist-case:' || e.id)::uuid, '严重失信', ${yearStart} - interval '100 days'
     from "Entity" e where (${FLAG_MASK_SQL}) & 8 <> 0;
     insert into "EntityRiskFlag" (id, "entityId", flag, source, "notedBy", "notedAt")
     select md5('bench-flag:' || e.id || flag)::uuid, e.id, flag, '应急管理局通报', 'bench', ${yearStart}
     from "Entity" e, unnest(array['safety_hazard', 'abnormal_operation'], array[2, 4]) as f(flag, bit)
     where (${FLAG_MASK_SQL}) & f.bit <> 0`,
  );
  await timed('vacuumAnalyzeMs', `vacuum analyze "Entity", "Officer", "OfficerConflict", "InspectionCase", "Disposition", "BlacklistEntry", "EntityRiskFlag"`);
  // Flush the bulk load now rather than let the checkpointer write it out during the timed part; needs a
  // superuser or pg_checkpoint, so it is skipped where not allowed.
  await timed('checkpointMs', `checkpoint`).catch(() => undefined);
  return timings;
}

// ─── Measuring ─────────────────────────────────────────────────────────────────────────────────────────────

function procStatusMb(field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time (ms) so far of a process of this machine (Linux; undefined elsewhere, or for a server on another machine). */
function processCpuMs(pid: number | 'self'): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

interface Step {
  ms: number;
  peakRssMb: number;
  processCpuMs: number;
  /** The server's backends on the bench's database, when the server runs on this machine. */
  serverCpuMs: number | null;
}

/**
 * Runs `work` as one timed step: wall time, this process's peak RSS within it (the kernel's high-water mark reset
 * first, where allowed, and sampled besides), its CPU time and the CPU time of the server's backends.
 */
async function step<T>(admin: pg.Client, databaseName: string, work: () => Promise<T>): Promise<[T, Step]> {
  const backends = async () =>
    (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [databaseName])).rows.map((row) => row.pid);
  const serverBefore = new Map((await backends()).map((pid) => [pid, processCpuMs(pid)]));
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the sampled peak stands
  }
  let sampled = process.memoryUsage().rss / 2 ** 20;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss / 2 ** 20)), 20);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  let serverCpuMs: number | null = 0;
  for (const pid of await backends()) {
    const [before, after] = [serverBefore.get(pid) ?? 0, processCpuMs(pid)];
    if (before === undefined || after === undefined) serverCpuMs = null;
    else if (serverCpuMs !== null) serverCpuMs += after - before;
  }
  return [
    value,
    {
      ms: Math.round(ms),
      peakRssMb: Math.round(Math.max(procStatusMb('VmHWM'), sampled)),
      processCpuMs: Math.round((used.user + used.system) / 1000),
      serverCpuMs,
    },
  ];
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

async function naiveDraw(client: pg.Client, inspectionDate: string, now: Date): Promise<NaiveFigures> {
  const yearStart = new Date(`${chinaDate(now).slice(0, 4)}-01-01T00:00:00+08:00`);
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  let started = performance.now();
  const picked = await client.query<{ id: string }>(
    `select id::text as id from "Entity" e
     where "legalStatus" = 'operating'
       and ((select count(*) from "InspectionCase" c where c."entityId" = e.id and c.origin = 'random' and c."openedAt" >= $1) < 2
         or (select count(*) from "InspectionCase" c where c."entityId" = e.id and c.origin = 'complaint' and c."openedAt" >= $2) >= 2
         or exists (select 1 from "BlacklistEntry" b where b."entityId" = e.id)
         or exists (select 1 from "Disposition" d join "InspectionCase" c on c.id = d."caseId" where c."entityId" = e.id and d.kind = 'penalty')
         or exists (select 1 from "EntityRiskFlag" f where f."entityId" = e.id and f."clearedAt" is null))
     order by random() limit ${targetCount}`,
    [yearStart, yearAgo],
  );
  const selectTargetsMs = performance.now() - started;
  if (picked.rows.length !== targetCount) throw new Error(`naive draw picked ${picked.rows.length} targets`);
  const team = async (name: string, id: string) => {
    const members = await client.query({ name, text: naiveTeamSql, values: [id, inspectionDate, teamSize] });
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

// ─── Main ──────────────────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const databaseName = `bench_draw_${Date.now()}`;
  const server = await benchDatabaseServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const clients: pg.Client[] = [];
  let db: ReturnType<typeof createDb> | undefined;
  try {
    await admin.query(`create database "${databaseName}"`);
    const databaseUrl = Object.assign(new URL(server.url), { pathname: `/${databaseName}` }).toString();
    await migrateDatabase(databaseUrl);

    const now = new Date();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    clients.push(client);
    const built = await buildDirectories(client, now);
    const counts = (
      await client.query<Record<string, string>>(
        `select (select count(*) from "Entity") as entities,
                (select count(*) from "Entity" where "legalStatus" = 'operating') as operating,
                (select count(*) from "Officer") as officers,
                (select count(*) from "OfficerConflict") as conflicts,
                (select count(*) from "InspectionCase") as cases,
                (select count(*) from "BlacklistEntry") as "blacklistEntries",
                (select count(*) from "Disposition") as penalties,
                (select count(*) from "EntityRiskFlag") as "notedFlags"`,
      )
    ).rows[0]!;

    // The API's own database client: Prisma over a pool of ten, connected and used once beforehand, as in a
    // running service.
    db = createDb(databaseUrl, 10);
    await db.draw.count();
    const seedKey = randomBytes(32);
    const inspectionDate = chinaDate(new Date(now.getTime() + 10 * 86_400_000));
    const rules: DrawRules = {
      targetCount,
      teamSize,
      inspectionDate,
      riskWeights: { complaints: 3, safety_hazard: 3, abnormal_operation: 2, dishonest: 2, violation_record: 2 },
      coverageFirst: true,
    };
    const publicValue = '2026-11-25 体彩排列5 第26318期 48213';
    const publishedAt = new Date(Date.now() + 1_000);
    const loadBefore = loadavg()[0]!;

    let freeze: { targets: number; readMs: number; buildMs: number } | undefined;
    subscribe(freezeTimings.name, (message) => (freeze = message as typeof freeze));
    const [draw, commitStep] = await step(admin, databaseName, () =>
      commitDraw(
        db!,
        seedKey,
        {
          name: 'bench 抽查〔2026〕1号',
          scope: {},
          rules,
          drawAt: now,
          source: { description: '体彩排列5 第26318期', publishedAt: publishedAt.toISOString() },
          actor: 'bench',
        },
        now,
      ),
    );
    const stored = (
      await client.query<{ parts: number; compressed: string; raw: string }>(
        `select count(*)::int as parts, sum(length(p.bytes))::text as compressed, (select bytes::text from "DrawSnapshot" where "drawId" = $1) as raw
         from "DrawSnapshotPart" p where p."drawId" = $1`,
        [draw.id],
      )
    ).rows[0]!;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, publishedAt.getTime() + 100 - Date.now())));

    const { recordDrawResult } = drawActivities(db, seedKey);
    const [, runStep] = await step(admin, databaseName, () => recordDrawResult(draw.id, publicValue, 'bench'));
    const recorded = await db.draw.findUniqueOrThrow({ where: { id: draw.id } });
    const result = resultOf(recorded)!;
    const [verdict, verifyStep] = await step(admin, databaseName, () => verifyStoredDraw(db!, draw.id));

    // Checks, not timed: the picks, the teams against the conflicts, and the hash the general way.
    if (!verdict.valid) throw new Error(`the draw does not verify: ${verdict.problems.join('; ')}`);
    if (result.picks.length !== targetCount || new Set(result.picks.map((p) => p.entityId)).size !== targetCount) throw new Error('wrong picks');
    if (recorded.caseIds.length !== targetCount) throw new Error('case ids not recorded');
    const snapshot = await loadSnapshot(db, draw.id);
    const conflictKeys = new Set(snapshot.conflicts.map((conflict) => `${conflict.officerId}|${conflict.entityId}`));
    for (const pick of result.picks) {
      if (pick.team.length !== teamSize || new Set(pick.team).size !== teamSize) throw new Error(`bad team for ${pick.entityId}`);
      if (pick.team.some((officer) => conflictKeys.has(`${officer}|${pick.entityId}`))) throw new Error(`recusal broken for ${pick.entityId}`);
    }
    const generalHash = snapshotHash({ targets: [...snapshot.targets], officers: [...snapshot.officers], conflicts: [...snapshot.conflicts] });
    if (generalHash !== draw.snapshotHash) throw new Error('the stored snapshot hashes differently the general way');

    const naive = values['skip-naive'] ? undefined : await naiveDraw(client, inspectionDate, now);
    const figures = {
      postgres: server.description,
      machine: { cpus: availableParallelism(), loadAverage1mBeforeTimedPart: +loadBefore.toFixed(2), node: process.version },
      directory: { ...Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, Number(count)])), buildMs: built },
      draw: {
        targets: targetCount,
        teamSize,
        snapshotHash: draw.snapshotHash,
        eligible: result.eligibility.eligible,
        overLimitExcluded: result.eligibility.overLimitExcluded,
        overLimitRiskFlagged: result.eligibility.overLimitRiskFlagged,
        picksNotYetInspected: result.picks.filter((pick) => pick.stratum === 'not_yet_inspected').length,
        picksWithRecusals: result.picks.filter((pick) => pick.recusals.length > 0).length,
        officersQualified: result.participation.officersQualified,
        officersTakingPart: result.participation.officersTakingPart,
      },
      /** commitDraw as POST /draws runs it: freeze (read, then sort, hash and compress), feasibility, seal, store. */
      commit: { ...commitStep, freeze },
      storedSnapshot: { parts: stored.parts, compressedMb: +(Number(stored.compressed) / 2 ** 20).toFixed(1), canonicalJsonMb: +(Number(stored.raw) / 2 ** 20).toFixed(1) },
      /** recordDrawResult as the draw workflow runs it: the stored snapshot read back, the draw, the result and case ids written. */
      run: runStep,
      /** verifyStoredDraw as GET /draws/:id/verification runs it. */
      verify: verifyStep,
      naive:
        naive === undefined
          ? 'skipped (--skip-naive)'
          : {
              ...naive,
              note: naive.teamQueriesExtrapolated
                ? `team queries: ${naive.teamQueriesRun} of ${targetCount} run, the rest extrapolated linearly`
                : 'all team queries run',
            },
      targetsMet: {
        freezeWithin3s: freeze !== undefined && freeze.readMs + freeze.buildMs <= TARGETS.freezeMs,
        commitRssUnder500Mb: commitStep.peakRssMb < TARGETS.peakRssMb,
        runRssUnder500Mb: runStep.peakRssMb < TARGETS.peakRssMb,
      },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await db?.$disconnect().catch(() => undefined);
    for (const client of clients) await client.end().catch(() => undefined);
    await admin.query(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
