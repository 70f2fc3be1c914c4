// The draw as the API sees it (R5–R10, R20): committing one outside a plan, reading and listing the records, and
// verifying a record against a recomputation and against the cases actually opened. How a draw runs and opens its
// cases is the draw workflow's, through activities/draws.ts.
import type { Db } from '../db/client';
import { paged } from '../db/paged';
import { verifyDraw, type DrawResult, type DrawRules } from '../domain/draw';
import type { RandomnessSource } from '../domain/draw/randomnessSource';
import { DomainError } from '../domain/errors';
import { commitDraw, resultOf, runRefusal, type DrawCommitment } from '../activities/draws';
import { loadSnapshot, plainSnapshot, storedBytes, storedLayout } from '../activities/drawSnapshots';
import { namesOf } from './names';

export type { DrawScope } from '../activities/draws';

export async function prepareDraw(db: Db, seedKey: Buffer, request: DrawCommitment) {
  const draw = await commitDraw(db, seedKey, request);
  return publicView(await findDraw(db, draw.id));
}

/** A draw row without its snapshot (which can be tens of megabytes), with the pool's size counted in the database. */
export interface DrawRow {
  id: string;
  name: string;
  planId: string | null;
  status: string;
  rules: unknown;
  snapshotHash: string;
  commitment: string;
  seed: string | null;
  drawAt: Date | null;
  randomnessSource: RandomnessSource | null;
  outsideRandomness: string | null;
  algorithmVersion: string;
  result: string | null;
  caseIds: string[];
  createdBy: string;
  createdAt: Date;
  drawnBy: string | null;
  drawnAt: Date | null;
  pool: { targets: number; officers: number; conflicts: number };
  casesOpened: number;
}

export async function findDraw(db: Db, id: string): Promise<DrawRow> {
  const [draw] = await db.$queryRaw<DrawRow[]>`
    select d.id::text, d.name, d."planId", d.status, d.rules, d."snapshotHash", d.commitment, d.seed, d."drawAt",
      d."randomnessSource", d."outsideRandomness", d."algorithmVersion", d.result, d."caseIds", d."createdBy", d."createdAt",
      d."drawnBy", d."drawnAt",
      coalesce((select json_build_object('targets', s.targets, 'officers', s.officers, 'conflicts', s.conflicts) from "DrawSnapshot" s where s."drawId" = d.id),
        json_build_object('targets', jsonb_array_length(d.snapshot->'targets'), 'officers', jsonb_array_length(d.snapshot->'officers'),
          'conflicts', jsonb_array_length(d.snapshot->'conflicts'))) as pool,
      (select count(*)::int from "InspectionCase" c where c.id = any(d."caseIds"::uuid[])) as "casesOpened"
    from "Draw" d where d.id = ${id}::uuid`;
  if (!draw) throw new DomainError('not_found', `抽取记录不存在 / no draw ${id}`);
  return draw;
}

/** How far the draw has opened its cases: one row and an index lookup per case, however large the draw. */
export async function drawProgress(db: Db, id: string): Promise<{ id: string; status: string; casesOpened: number; casesToOpen: number }> {
  const [progress] = await db.$queryRaw<Array<{ id: string; status: string; casesOpened: number; casesToOpen: number }>>`
    select d.id::text, d.status, coalesce(cardinality(d."caseIds"), 0) as "casesToOpen",
      (select count(*)::int from "InspectionCase" c where c.id = any(d."caseIds"::uuid[])) as "casesOpened"
    from "Draw" d where d.id = ${id}::uuid`;
  if (!progress) throw new DomainError('not_found', `抽取记录不存在 / no draw ${id}`);
  return progress;
}

/** What may be shown: before the draw runs, never the seed (which is sealed until then anyway). */
export function publicView(draw: DrawRow) {
  const drawn = draw.status !== 'committed';
  return {
    id: draw.id,
    name: draw.name,
    planId: draw.planId,
    status: draw.status,
    algorithmVersion: draw.algorithmVersion,
    rules: draw.rules,
    snapshotHash: draw.snapshotHash,
    commitment: draw.commitment,
    drawAt: draw.drawAt?.toISOString() ?? null,
    randomnessSource: draw.randomnessSource,
    pool: draw.pool,
    seed: drawn ? draw.seed : null,
    outsideRandomness: draw.outsideRandomness,
    result: resultOf(draw),
    caseIds: draw.caseIds,
    progress: { casesOpened: draw.casesOpened, casesToOpen: draw.caseIds.length },
    createdBy: draw.createdBy,
    createdAt: draw.createdAt.toISOString(),
    drawnBy: draw.drawnBy,
    drawnAt: draw.drawnAt?.toISOString() ?? null,
  };
}

/** The draws, newest first, without their snapshots (which can be large). */
export async function listDraws(db: Db, page: number, pageSize: number) {
  return paged(
    db,
    { page, pageSize },
    {
      count: db.draw.count(),
      findMany: (window) =>
        db.draw.findMany({
          select: { id: true, name: true, planId: true, status: true, algorithmVersion: true, snapshotHash: true, commitment: true, caseIds: true, createdAt: true, drawAt: true, drawnAt: true },
          orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
          ...window,
        }),
    },
    ({ caseIds, createdAt, drawAt, drawnAt, ...draw }) => ({
      ...draw,
      cases: caseIds.length,
      createdAt: createdAt.toISOString(),
      drawAt: drawAt?.toISOString() ?? null,
      drawnAt: drawnAt?.toISOString() ?? null,
    }),
  );
}

/** Why a coordinator may not run this draw by hand now, or undefined when they may (R8). */
export async function manualRunRefusal(db: Db, draw: DrawRow, outsideRandomness: string | undefined, now = new Date()): Promise<DomainError | undefined> {
  // A draw in a plan's name runs only through the plan, whichever way it came to carry the name.
  const plan = await db.plan.findFirst({ where: { OR: [{ drawId: draw.id }, ...(draw.planId ? [{ id: draw.planId }] : [])] }, select: { number: true } });
  if (plan || draw.planId) {
    const name = plan?.number ?? draw.planId;
    return new DomainError(
      'conflict',
      `该抽取属于抽查计划 ${name}，只能在领导批准的时间由计划进行 / this draw belongs to plan ${name}: it runs only through the plan, at the approved time`,
    );
  }
  return runRefusal(draw, outsideRandomness, now);
}

/**
 * R20: recomputes the draw from its stored record and compares the cases actually opened with its picks: one case
 * per pick, on the drawn entity, opened with the drawn team. Every difference is named.
 */
export async function verifyStoredDraw(db: Db, id: string) {
  const draw = await db.draw.findUnique({ where: { id } });
  if (!draw) throw new DomainError('not_found', `抽取记录不存在 / no draw ${id}`);
  const result = resultOf(draw);
  if (!result || draw.seed === null) {
    return { drawId: id, valid: false, problems: ['抽取尚未进行 / the draw has not run yet'] };
  }
  // A stored pool that cannot be read back is a finding, not a failure of the check.
  const snapshot = await loadSnapshot(db, id).catch((error: Error) => error);
  const verdict =
    snapshot instanceof Error
      ? { valid: false, problems: [`名录快照无法读取 / the snapshot cannot be read: ${snapshot.message}`] }
      : verifyDraw({
          snapshot,
          rules: draw.rules as unknown as DrawRules,
          seed: draw.seed,
          outsideRandomness: draw.outsideRandomness ?? undefined,
          commitment: draw.commitment,
          snapshotHash: draw.snapshotHash,
          result,
        });
  const opened = draw.status === 'drawn' ? await openedCaseProblems(db, draw.planId ?? draw.id, draw.caseIds, result) : [];
  const problems = [...verdict.problems, ...(await anchorProblems(db, draw)), ...opened];
  return { drawId: id, valid: problems.length === 0, problems };
}

/**
 * The row against what the audit log recorded when the draw was committed (R20): a rewrite of the row — a new seed,
 * its commitment and a result recomputed to match — verifies against itself, but not against the commitment the
 * log took down before the draw ran (and the log's own head is signed outside the database).
 */
async function anchorProblems(db: Db, draw: { id: string; commitment: string; snapshotHash: string; randomnessSource: unknown }): Promise<string[]> {
  const entries = await db.$queryRaw<Array<{ commitment: string | null; snapshotHash: string | null }>>`
    select coalesce(data->>'commitment', data->'draw'->>'commitment') as commitment,
      coalesce(data->>'snapshotHash', data->'draw'->>'snapshotHash') as "snapshotHash"
    from "AuditEntry"
    where (action = 'POST /draws' and target = ${draw.id}) or (action = 'plan:scheduled' and data->>'drawId' = ${draw.id})
    order by seq limit 1`;
  const anchored = entries[0];
  if (!anchored?.commitment) {
    // Draws committed before commitments were logged (no named randomness either) have no anchor to compare.
    return draw.randomnessSource === null ? [] : ['审计日志中没有该抽取的承诺记录 / the audit log holds no record of this draw\'s commitment'];
  }
  const problems: string[] = [];
  if (anchored.commitment !== draw.commitment) {
    problems.push(`承诺值与审计日志中承诺时记录的不同（${anchored.commitment}）/ the commitment differs from the one the audit log took down when it was made (${anchored.commitment})`);
  }
  if (anchored.snapshotHash !== draw.snapshotHash) {
    problems.push(`名录快照哈希与审计日志中承诺时记录的不同（${anchored.snapshotHash}）/ the pool hash differs from the one the audit log took down (${anchored.snapshotHash})`);
  }
  return problems;
}

async function openedCaseProblems(db: Db, planKey: string, caseIds: string[], result: DrawResult): Promise<string[]> {
  const problems: string[] = [];
  if (caseIds.length !== result.picks.length) {
    problems.push(`抽中 ${result.picks.length} 户，记录的案件 ${caseIds.length} 件 / ${result.picks.length} picks, ${caseIds.length} case ids recorded`);
  }
  // Plain rows by one query, however many picks: a draw of 20,000 must not become 20,000 Prisma objects with relations.
  const cases = await db.$queryRaw<Array<{ id: string; entityId: string; origin: string; team: string[] | null }>>`
    select c.id::text, c."entityId"::text, c.origin::text,
      (select array(select jsonb_array_elements_text(e.data->'team')) from "CaseEvent" e where e."caseId" = c.id and e.kind = 'opened' limit 1) as team
    from "InspectionCase" c where c.id = any(${caseIds}::uuid[])`;
  const byId = new Map(cases.map((found) => [found.id, found]));
  result.picks.forEach((pick, index) => {
    const caseId = caseIds[index];
    const opened = caseId ? byId.get(caseId) : undefined;
    const n = index + 1;
    if (!opened) {
      problems.push(`第 ${n} 户的案件未立 / pick ${n}: no case was opened (${caseId ?? '—'})`);
      return;
    }
    if (opened.entityId !== pick.entityId) {
      problems.push(`第 ${n} 户的案件不在抽中的对象上 / pick ${n}: the case is on another entity (${opened.entityId}, drawn ${pick.entityId})`);
    }
    if (opened.origin !== 'random') problems.push(`第 ${n} 户的案件来源不是双随机抽取 / pick ${n}: the case's origin is ${opened.origin}`);
    const team = (opened.team ?? []).slice().sort();
    if (team.join() !== [...pick.team].sort().join()) {
      problems.push(`第 ${n} 户的案件立案时不是抽中的检查组 / pick ${n}: the case opened with another team (${team.join(', ')})`);
    }
  });
  // A case the draw did not pick, opened in its name: what running a draw twice would leave.
  const extra = await db.$queryRaw<Array<{ id: string; entityId: string }>>`
    select c.id::text, c."entityId"::text from "InspectionCase" c
    where c."planId" = ${planKey} and c.origin = 'random' and not (c.id = any(${caseIds}::uuid[]))`;
  for (const found of extra) problems.push(`多立的案件，不在抽取结果中 / a case not among the picks: ${found.id} (${found.entityId})`);
  return problems;
}

const recordSelect = {
  id: true, name: true, algorithmVersion: true, rules: true, snapshotHash: true, commitment: true, seed: true,
  randomnessSource: true, outsideRandomness: true, result: true, caseIds: true,
} as const;

/**
 * A drawn draw's record without its pool, in the record's key order: what comes before the snapshot and what comes
 * after it. Refused as a problem (404, 409) before anything of a download is written.
 */
async function recordFacts(db: Db, id: string) {
  const draw = await db.draw.findUnique({ where: { id }, select: recordSelect });
  if (!draw) throw new DomainError('not_found', `抽取记录不存在 / no draw ${id}`);
  const result = resultOf(draw);
  if (!result || draw.seed === null) throw new DomainError('conflict', '抽取尚未进行，种子未公开 / the draw has not run: its seed is not revealed yet');
  const before = { drawId: draw.id, name: draw.name, algorithmVersion: draw.algorithmVersion, rules: draw.rules as unknown as DrawRules };
  const after = {
    snapshotHash: draw.snapshotHash,
    commitment: draw.commitment,
    seed: draw.seed,
    randomnessSource: draw.randomnessSource as RandomnessSource | null,
    outsideRandomness: draw.outsideRandomness,
    result,
    caseIds: draw.caseIds,
  };
  return { before, after };
}

/** Everything needed to re-run a drawn draw (R20): for auditors, the full frozen pool with officers and conflicts. */
export async function drawRecord(db: Db, id: string) {
  const { before, after } = await recordFacts(db, id);
  return { ...before, snapshot: plainSnapshot(await loadSnapshot(db, id)), ...after };
}

/**
 * The public's record of a drawn draw: what the auditors' record holds, but of the pool only the targets (which
 * entities could be drawn, with the facts that weighed them). Officers and declared conflicts stay internal.
 */
export async function publicDrawRecord(db: Db, id: string) {
  const { before, after } = await recordFacts(db, id);
  return { ...publicFactsOf(before, after), targets: (await loadSnapshot(db, id)).targets };
}

/** The public record's fields but the targets, in its key order. */
function publicFactsOf(before: Awaited<ReturnType<typeof recordFacts>>['before'], after: Awaited<ReturnType<typeof recordFacts>>['after']) {
  const { caseIds: _caseIds, result, ...facts } = after;
  // Who was kept off a team for a conflict, and each officer's count, would name officers' declared conflicts:
  // the public's result has the picks' entities and teams and the participation totals, not those.
  const { perOfficer: _perOfficer, ...participation } = result.participation;
  const publicResult = { ...result, picks: result.picks.map(({ recusals: _recusals, ...pick }) => pick), participation };
  return { ...before, ...facts, result: publicResult };
}

// A record's download at any size (R20). At a million entities the pool's canonical JSON is some 160 MB; built as
// objects and stringified it would take the API several times that. The stored parts already hold the pool's
// JSON text, `{"conflicts":[…],"officers":[…],"targets":[…]}`, its keys sorted, the targets from part `headParts`
// on and last: so the auditors' record writes it whole between the other fields, and the public's writes the
// targets' parts alone after `"targets":[` (their closing `]}` closes the record too), never reading the parts of
// officers and conflicts. A part at a time is decompressed and written; nothing is joined.

/** A record to download: whole (a draw whose pool is jsonb in its row: small, from before 2026-12-06), or its JSON in chunks. */
export type RecordDownload = { whole: object; chunks?: undefined } | { chunks: AsyncIterable<Uint8Array>; whole?: undefined };

/** The JSON the stored bytes must begin with: the canonical snapshot, or its first target (or the targets' end). */
const SNAPSHOT_BEGINS = ['{"conflicts":['];
const TARGETS_BEGIN = ['{"category":', ']}'];
/** The canonical snapshot ends with its targets' list, its last key. */
const STORED_ENDS = Buffer.from(']}');

/**
 * `prefix`, the stored bytes as they come, then `suffix`. The stored bytes are checked as they pass (how they begin
 * and end, and their length when known): bytes of another layout cut the download (the caller's writer stops)
 * rather than give JSON that is not the record.
 */
export async function* recordChunks(
  prefix: string,
  stored: AsyncIterable<Buffer>,
  suffix: string,
  expected: { begins: readonly string[]; bytes?: number },
): AsyncGenerator<Uint8Array> {
  yield Buffer.from(prefix, 'utf8');
  let seen = 0;
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of stored) {
    if (seen === 0 && !expected.begins.some((text) => chunk.subarray(0, text.length).toString('utf8') === text)) {
      throw new Error(`the stored snapshot does not begin as a record expects (${JSON.stringify(chunk.subarray(0, 16).toString('utf8'))})`);
    }
    seen += chunk.length;
    tail = chunk.length >= STORED_ENDS.length ? chunk.subarray(chunk.length - STORED_ENDS.length) : Buffer.concat([tail, chunk]).subarray(-STORED_ENDS.length);
    yield chunk;
  }
  if (!tail.equals(STORED_ENDS)) throw new Error('the stored snapshot does not end with its targets');
  if (expected.bytes !== undefined && seen !== expected.bytes) throw new Error(`the stored snapshot holds ${seen} bytes, not ${expected.bytes}`);
  if (suffix) yield Buffer.from(suffix, 'utf8');
}

/** The auditors' record (drawRecord) to download: the stored pool streamed from its parts. */
export async function drawRecordDownload(db: Db, id: string): Promise<RecordDownload> {
  const { before, after } = await recordFacts(db, id);
  const layout = await storedLayout(db, id);
  if (!layout) return { whole: { ...before, snapshot: plainSnapshot(await loadSnapshot(db, id)), ...after } };
  const prefix = `${JSON.stringify(before).slice(0, -1)},"snapshot":`;
  const suffix = `,${JSON.stringify(after).slice(1)}`;
  return { chunks: recordChunks(prefix, storedBytes(db, id, layout), suffix, { begins: SNAPSHOT_BEGINS, bytes: layout.rawBytes }) };
}

/** The public record (publicDrawRecord) to download: only the targets' parts are read. */
export async function publicDrawRecordDownload(db: Db, id: string): Promise<RecordDownload> {
  const { before, after } = await recordFacts(db, id);
  const layout = await storedLayout(db, id);
  const facts = publicFactsOf(before, after);
  if (!layout) return { whole: { ...facts, targets: (await loadSnapshot(db, id)).targets } };
  const prefix = `${JSON.stringify(facts).slice(0, -1)},"targets":[`;
  return { chunks: recordChunks(prefix, storedBytes(db, id, layout, layout.headParts), '', { begins: TARGETS_BEGIN }) };
}

const publicSelect = {
  id: true, name: true, status: true, algorithmVersion: true, rules: true, snapshotHash: true, commitment: true,
  drawAt: true, randomnessSource: true, seed: true, outsideRandomness: true, result: true, createdAt: true, drawnAt: true,
} as const;

type PublicDrawRow = Awaited<ReturnType<typeof readPublicRows>>[number];
const readPublicRows = (db: Db, window: { skip: number; take: number }) =>
  db.draw.findMany({ select: publicSelect, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...window });

/** What the public sees of a draw: from commitment on, what was fixed in advance; once drawn, the reveal. */
function publicFacts(draw: PublicDrawRow) {
  const result = draw.status === 'committed' ? null : resultOf(draw);
  return {
    id: draw.id,
    name: draw.name,
    status: draw.status,
    algorithmVersion: draw.algorithmVersion,
    rules: draw.rules as unknown as DrawRules,
    snapshotHash: draw.snapshotHash,
    commitment: draw.commitment,
    drawAt: draw.drawAt?.toISOString() ?? null,
    randomnessSource: draw.randomnessSource as RandomnessSource | null,
    committedAt: draw.createdAt.toISOString(),
    drawnAt: result ? (draw.drawnAt?.toISOString() ?? null) : null,
    seed: result ? draw.seed : null,
    outsideRandomness: result ? draw.outsideRandomness : null,
    seedMix: result?.seedMix ?? null,
    rulesHash: result?.rulesHash ?? null,
    picks: result?.picks.length ?? 0,
  };
}

/** The public list of draws (R8, R20), newest first. */
export async function publicDraws(db: Db, page: number, pageSize: number) {
  const listed = await paged(db, { page, pageSize }, { count: db.draw.count(), findMany: (window) => readPublicRows(db, window) });
  return { ...listed, items: listed.items.map(publicFacts) };
}

/** One draw for the public, with its 抽查名单 once drawn: each entity drawn (name, credit code) and its team by name. */
export async function publicDraw(db: Db, id: string) {
  const draw = await db.draw.findUnique({ where: { id }, select: publicSelect });
  if (!draw) throw new DomainError('not_found', `抽取记录不存在 / no draw ${id}`);
  const facts = publicFacts(draw);
  const picks = facts.seed === null ? [] : (resultOf(draw)?.picks ?? []);
  const [entities, names] = await Promise.all([
    db.entity.findMany({ where: { id: { in: picks.map((pick) => pick.entityId) } }, select: { id: true, name: true, uscc: true } }),
    namesOf(db, picks.flatMap((pick) => pick.team)),
  ]);
  const entityById = new Map(entities.map((entity) => [entity.id, entity]));
  return {
    ...facts,
    drawn: picks.map((pick) => ({
      entityName: entityById.get(pick.entityId)?.name ?? '',
      entityUscc: entityById.get(pick.entityId)?.uscc ?? '',
      team: pick.team.map((officer) => names[officer] ?? officer),
    })),
  };
}
