// bench/draw: the double-random draw (双随机, R8) at provincial scale, timed on the product's own path. Builds, in a
// fresh PostgreSQL database, 1,000,000 entities, 5,000 officers and 100,000 declared conflicts (R10), with the
// records the pool's facts come from (random and complaint cases with their teams, blacklist entries, penalties,
// noted risk flags), then starts the system as `npm start` does (bench/system.ts: Temporal dev server, worker with
// its heap limit, API) and times, through HTTP as a coordinator:
//
//   1. `POST /draws`: the API freezes the pool (activities/drawPool.ts: binary COPY in one transaction snapshot,
//      SnapshotBuilder hashing and compressing in a thread of its own), checks that the draw is feasible, seals the
//      seed, stores the row and the snapshot and logs the commitment. The freeze's own time comes from the API's log;
//   2. `POST /draws/:id/run`: the draw workflow's activity, in the worker, reads the stored snapshot back, draws
//      20,000 targets with teams of 2 and records the result and the case ids; the call answers then;
//   3. every case opened: from that answer until `GET /draws/:id/progress` says `drawn` (the draw's activity
//      starts the cases in batches, each case workflow writes its row);
//   4. `GET /draws/:id/verification` and 5. `GET /draws/:id/record` (the auditors' full record);
//   6. bare Temporal beside it: as many bare workflows (bench/bare) opened by update-with-start on the same server;
//   7. the naive way on the same data: `ORDER BY random() LIMIT n` over the eligible entities (inspections and
//      flags by correlated subqueries), then one query per target for its team, `ORDER BY random() LIMIT 2` among
//      valid certificates with a `NOT EXISTS` recusal check. The first --naive-sample team queries are timed; if
//      all of them would take longer than --naive-budget seconds, the rest are extrapolated linearly from those
//      (the output says so), otherwise all are run.
//
// Prints a JSON object of figures: each step's wall time, the peak RSS and CPU of the process serving it (the API
// or the worker) and the database server's CPU.
//
//   npm run bench:draw
//   npm run bench:draw -- --entities 100000 --officers 500 --conflicts 10000 --targets 2000   # a smaller run
//   npm run bench:draw -- --skip-naive   # no naive figures, for trying changes
//
// Uses BENCH_DATABASE_URL (a server where it may create a database) or else the embedded PostgreSQL that `npm start`
// runs, started for the run (bench/postgres.ts); the database `bench_draw_<timestamp>` it creates is dropped at the
// end, also on failure. The figures name the server.
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadSnapshot } from '../activities/drawSnapshots';
import { resultOf } from '../activities/draws';
import { createDb } from '../db/client';
import { chinaDate } from '../domain/deadlines';
import { snapshotHash } from '../domain/draw';
import { migrateDatabase } from '../infra/migrate';
import { createUser } from '../services/auth';
import { openBare, startBareWorker } from './bare/run';
import { benchDatabaseServer } from './postgres';
import { cpuNow, cpuSeconds, download, json, peakRss, postgresPids, startSystem, type RunningSystem } from './system';

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
    /** Update-with-start calls in flight when bare Temporal opens as many workflows as the draw opened cases. */
    'bare-clients': { type: 'string', default: '50' },
  },
});
const entityCount = Number(values.entities);
const officerCount = Number(values.officers);
const conflictCount = Number(values.conflicts);
const targetCount = Number(values.targets);
const teamSize = Number(values['team-size']);
const naiveSample = Math.min(Number(values['naive-sample']), targetCount);
const naiveBudgetMs = Number(values['naive-budget']) * 1000;
const bareClients = Number(values['bare-clients']);

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

interface Step {
  ms: number;
  /** The serving process's resident high-water mark within the step (the API's or the worker's). */
  peakRssMb: number;
  /** The serving process's CPU time within the step. */
  processCpuMs: number;
  /** The server's backends on the bench's database. */
  serverCpuMs: number;
}

/**
 * Runs `work` as one timed step served by the process `pid`: wall time, that process's peak RSS within it (the
 * kernel's high-water mark, reset first), its CPU time and the CPU time of the database server's backends.
 */
async function step<T>(databaseName: string, pid: number, work: () => Promise<T>): Promise<[T, Step]> {
  // Per backend: one that ends within the step takes its CPU with it, one that starts in it counts from zero.
  const serverBefore = new Map(postgresPids(databaseName).map((backend) => [backend, cpuNow({ backend: [backend] }).backend!]));
  const peak = peakRss(pid);
  const cpu = cpuSeconds(pid);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  return [
    value,
    {
      ms: Math.round(ms),
      peakRssMb: peak.read(),
      processCpuMs: Math.round((cpuSeconds(pid) - cpu) * 1000),
      serverCpuMs: Math.round(postgresPids(databaseName).reduce((sum, backend) => sum + cpuNow({ backend: [backend] }).backend! - (serverBefore.get(backend) ?? 0), 0) * 1000),
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const databaseName = `bench_draw_${Date.now()}`;
  const server = await benchDatabaseServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const clients: pg.Client[] = [];
  let system: RunningSystem | undefined;
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

    // The system as `npm start` runs it, with its own settings (the API's pool of ten, the worker's heap limit).
    // The freeze's timings come from the API's info log.
    system = await startSystem(databaseUrl, { LOG_LEVEL: 'info' }, 'bench-draw');
    const { base, api, worker } = system;
    const freezes: Array<{ targets: number; readMs: number; buildMs: number }> = [];
    system.onLine(api, (line) => {
      if (!line.includes('draw pool frozen')) return;
      const { targets, readMs, buildMs } = JSON.parse(line) as (typeof freezes)[number];
      freezes.push({ targets, readMs, buildMs });
    });
    db = createDb(databaseUrl, 2);
    const password = 'bench password 2026';
    await createUser(db, { username: 'bench-coordinator', displayName: '抽查协调员', password, roles: ['coordinator'] });
    const { accessToken } = await json(base, 'POST', '/auth/login', { username: 'bench-coordinator', password });
    const coordinator = { authorization: `Bearer ${accessToken}` };

    const inspectionDate = chinaDate(new Date(now.getTime() + 10 * 86_400_000));
    const rules = {
      targetCount,
      teamSize,
      inspectionDate,
      riskWeights: { complaints: 3, safety_hazard: 3, abnormal_operation: 2, dishonest: 2, violation_record: 2 },
      coverageFirst: true,
    };
    const publicValue = '2026-11-25 体彩排列5 第26318期 48213';
    const publishedAt = new Date(Date.now() + 2_000);
    const loadBefore = loadavg()[0]!;

    // 1. POST /draws: the freeze, the feasibility check, the sealed seed, the stored snapshot and the audit entry.
    const [committed, commitStep] = await step(databaseName, api.child.pid!, () =>
      json(base, 'POST', '/draws', {
        name: 'bench 抽查〔2026〕1号',
        scope: {},
        rules,
        drawAt: now.toISOString(),
        randomnessSource: { description: '体彩排列5 第26318期', publishedAt: publishedAt.toISOString() },
      }, coordinator),
    );
    const drawId = (committed as { id: string }).id;
    const freeze = freezes.at(-1);
    const stored = (
      await client.query<{ parts: number; compressed: string; raw: string }>(
        `select count(*)::int as parts, sum(length(p.bytes))::text as compressed, (select bytes::text from "DrawSnapshot" where "drawId" = $1) as raw
         from "DrawSnapshotPart" p where p."drawId" = $1`,
        [drawId],
      )
    ).rows[0]!;
    await sleep(Math.max(0, publishedAt.getTime() + 100 - Date.now()));

    // 2. POST /draws/:id/run: answers once the worker's activity has drawn and recorded the result.
    const [, runStep] = await step(databaseName, worker.child.pid!, () => json(base, 'POST', `/draws/${drawId}/run`, { outsideRandomness: publicValue }, coordinator));

    // 3. Every case opened: the draw's activity starts them in batches; GET /draws/:id/progress (its page polls it) shows how far.
    let progress = { casesOpened: 0, casesToOpen: targetCount };
    const openingProcesses = { worker: [worker.child.pid!], api: [api.child.pid!], temporal: [system.temporal.process.child.pid!], postgres: postgresPids(databaseName) };
    const cpuBeforeOpening = cpuNow(openingProcesses);
    const [, openStep] = await step(databaseName, worker.child.pid!, async () => {
      for (const deadline = Date.now() + 3 * 3_600_000; ; ) {
        if (Date.now() > deadline) throw new Error(`the draw did not open its cases within 3 hours (${JSON.stringify(progress)})`);
        const now = (await json(base, 'GET', `/draws/${drawId}/progress`, undefined, coordinator)) as typeof progress & { status: string };
        progress = now;
        if (now.status === 'drawn') return;
        await sleep(2_000);
      }
    });
    const cpuAfterOpening = cpuNow(openingProcesses);
    const cpuMsPerCase = Object.fromEntries(
      Object.keys(cpuAfterOpening).map((name) => [name, +(((cpuAfterOpening[name]! - cpuBeforeOpening[name]!) * 1000) / targetCount).toFixed(1)]),
    );

    // 4. GET /draws/:id/verification: recomputed from the record, the cases opened compared with the picks.
    const [verdict, verifyStep] = await step(databaseName, api.child.pid!, () =>
      json(base, 'GET', `/draws/${drawId}/verification`, undefined, coordinator) as Promise<{ valid: boolean; problems: string[] }>,
    );
    // 5. The auditors' record, downloaded whole.
    const [record, recordStep] = await step(databaseName, api.child.pid!, () => download(base, `/draws/${drawId}/record`, coordinator));

    // 6. The engine's own rate of opening as many workflows, by update-with-start, on the same Temporal server.
    await startBareWorker(system.client, system.env, system.children);
    const bare = await openBare(system.client, targetCount, bareClients, (index) => [`bare-officer-${index % 5000}`, `bare-officer-${(index + 1) % 5000}`]);

    // Checks, not timed: the picks, the teams against the conflicts, and the hash the general way.
    if (!verdict.valid) throw new Error(`the draw does not verify: ${verdict.problems.join('; ')}`);
    const recorded = await db.draw.findUniqueOrThrow({ where: { id: drawId } });
    const result = resultOf(recorded)!;
    if (result.picks.length !== targetCount || new Set(result.picks.map((p) => p.entityId)).size !== targetCount) throw new Error('wrong picks');
    if (recorded.caseIds.length !== targetCount || progress.casesOpened !== targetCount) throw new Error('not every case opened');
    const snapshot = await loadSnapshot(db, drawId);
    const conflictKeys = new Set(snapshot.conflicts.map((conflict) => `${conflict.officerId}|${conflict.entityId}`));
    for (const pick of result.picks) {
      if (pick.team.length !== teamSize || new Set(pick.team).size !== teamSize) throw new Error(`bad team for ${pick.entityId}`);
      if (pick.team.some((officer) => conflictKeys.has(`${officer}|${pick.entityId}`))) throw new Error(`recusal broken for ${pick.entityId}`);
    }
    const generalHash = snapshotHash({ targets: [...snapshot.targets], officers: [...snapshot.officers], conflicts: [...snapshot.conflicts] });
    if (generalHash !== recorded.snapshotHash) throw new Error('the stored snapshot hashes differently the general way');

    const naive = values['skip-naive'] ? undefined : await naiveDraw(client, inspectionDate, now);
    const openedPerSecond = +(targetCount / (openStep.ms / 1000)).toFixed(1);
    const bareOpenedPerSecond = +(targetCount / bare.seconds).toFixed(1);
    const figures = {
      postgres: server.description,
      machine: { cpus: availableParallelism(), loadAverage1mBeforeTimedPart: +loadBefore.toFixed(2), node: process.version },
      directory: { ...Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, Number(count)])), buildMs: built },
      draw: {
        targets: targetCount,
        teamSize,
        snapshotHash: recorded.snapshotHash,
        eligible: result.eligibility.eligible,
        overLimitExcluded: result.eligibility.overLimitExcluded,
        overLimitRiskFlagged: result.eligibility.overLimitRiskFlagged,
        picksNotYetInspected: result.picks.filter((pick) => pick.stratum === 'not_yet_inspected').length,
        picksWithRecusals: result.picks.filter((pick) => pick.recusals.length > 0).length,
        officersQualified: result.participation.officersQualified,
        officersTakingPart: result.participation.officersTakingPart,
      },
      /** POST /draws through the API: freeze (read, then sort, hash and compress, from the API's log), feasibility, seal, store. */
      commit: { ...commitStep, freeze },
      storedSnapshot: { parts: stored.parts, compressedMb: +(Number(stored.compressed) / 2 ** 20).toFixed(1), canonicalJsonMb: +(Number(stored.raw) / 2 ** 20).toFixed(1) },
      /** POST /draws/:id/run: the worker reads the stored snapshot back, draws, records the result and case ids. */
      run: runStep,
      /** From the run's answer until GET /draws/:id says drawn: every case workflow started and its row written. */
      casesOpened: { ...openStep, cases: targetCount, perSecond: openedPerSecond, cpuMsPerCase },
      /** The same number of bare workflows opened by update-with-start (bench/bare), on the same server. */
      bareTemporalUpdateWithStart: { clients: bareClients, seconds: +bare.seconds.toFixed(1), perSecond: bareOpenedPerSecond },
      /** GET /draws/:id/verification. */
      verify: verifyStep,
      /** GET /draws/:id/record, the auditors' full record. */
      record: { ...recordStep, mb: +(record.bytes / 2 ** 20).toFixed(1) },
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
        apiRssUnder500Mb: Math.max(commitStep.peakRssMb, verifyStep.peakRssMb, recordStep.peakRssMb) <= TARGETS.peakRssMb,
        workerRssUnder500Mb: Math.max(runStep.peakRssMb, openStep.peakRssMb) <= TARGETS.peakRssMb,
        openingWithin70PercentOfBare: openedPerSecond >= 0.7 * bareOpenedPerSecond,
      },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await db?.$disconnect().catch(() => undefined);
    await system?.stop().catch(() => undefined);
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
