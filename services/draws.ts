// Preparing, running and verifying a double-random draw (R5–R10, R20). The draw itself is the pure engine in
// domain/draw; this module freezes its inputs from the directories and keeps the record.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { paged } from '../db/paged';
import { chinaDate } from '../domain/deadlines';
import {
  ALGORITHM_VERSION,
  commit,
  riskFlags,
  runDraw,
  snapshotHash,
  verifyDraw,
  type DrawResult,
  type DrawRules,
  type DrawSnapshot,
  type RiskFlag,
} from '../domain/draw';
import { DomainError } from '../domain/errors';

export interface DrawScope {
  categories?: string[];
  streets?: string[];
}

/**
 * The eligible pool as the directories stand now. Risk flags (R6) are those noted on the entity (with their
 * source), plus what the bureau's own records show: a blacklist entry (dishonest), a penalty (violation
 * record), two or more complaint cases in a year.
 */
export async function freezeSnapshot(db: Db, scope: DrawScope, now = new Date()): Promise<DrawSnapshot> {
  const yearStart = new Date(`${chinaDate(now).slice(0, 4)}-01-01T00:00:00+08:00`);
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  const categories = scope.categories?.length ? scope.categories : null;
  const streets = scope.streets?.length ? scope.streets : null;
  const targets = await db.$queryRaw<Array<{ id: string; uscc: string; category: string | null; street: string | null; inspections: number; complaints: number; dishonest: boolean; violation: boolean; noted: string[] }>>`
    select e.id::text as id, e.uscc, e.category, e.street,
      (select count(*)::int from "InspectionCase" c where c."entityId" = e.id and c.origin = 'random' and c."openedAt" >= ${yearStart}) as inspections,
      (select count(*)::int from "InspectionCase" c where c."entityId" = e.id and c.origin = 'complaint' and c."openedAt" >= ${yearAgo}) as complaints,
      exists (select 1 from "BlacklistEntry" b where b."entityId" = e.id) as dishonest,
      exists (select 1 from "Disposition" d join "InspectionCase" c on c.id = d."caseId" where c."entityId" = e.id and d.kind = 'penalty') as violation,
      array(select distinct f.flag from "EntityRiskFlag" f where f."entityId" = e.id and f."clearedAt" is null) as noted
    from "Entity" e
    where e."legalStatus" = 'operating'
      and (${categories}::text[] is null or e.category = any(${categories}::text[]))
      and (${streets}::text[] is null or e.street = any(${streets}::text[]))
    order by e.id::text collate "C"`;
  const officers = await db.$queryRaw<Array<{ id: string; specialties: string[]; validUntil: string; participations: number }>>`
    select o.id::text as id, o.specialties, to_char(o."certificateValidUntil", 'YYYY-MM-DD') as "validUntil",
      (select count(*)::int from "InspectionCase" c where o.id::text = any(c.team) and c."openedAt" >= ${yearStart}) as participations
    from "Officer" o
    where o.active and not o."certificateWithdrawn"
    order by o.id::text collate "C"`;
  const conflicts = await db.$queryRaw<Array<{ officerId: string; entityId: string }>>`
    select "officerId"::text as "officerId", "entityId"::text as "entityId" from "OfficerConflict"`;
  return {
    targets: targets.map((target) => ({
      id: target.id,
      uscc: target.uscc,
      category: target.category ?? '',
      street: target.street ?? '',
      inspectionsThisYear: target.inspections,
      riskFlags: [
        ...new Set([
          ...target.noted.filter((flag): flag is RiskFlag => (riskFlags as readonly string[]).includes(flag)),
          ...(target.complaints >= 2 ? (['complaints'] as RiskFlag[]) : []),
          ...(target.dishonest ? (['dishonest'] as RiskFlag[]) : []),
          ...(target.violation ? (['violation_record'] as RiskFlag[]) : []),
        ]),
      ],
    })),
    officers: officers.map((officer) => ({
      id: officer.id,
      specialties: officer.specialties,
      certificateValidUntil: officer.validUntil,
      participationsThisYear: officer.participations,
    })),
    conflicts,
  };
}

export interface DrawRequest {
  name: string;
  planId?: string;
  scope: DrawScope;
  rules: DrawRules;
  actor: string;
}

/**
 * Freezes the pool and commits to a secret seed. An infeasible draw (too few targets, a target nobody may
 * staff) is refused now, with what is short, and nothing is written; the check uses no randomness.
 */
export async function prepareDraw(db: Db, request: DrawRequest) {
  const snapshot = await freezeSnapshot(db, request.scope);
  const seed = randomBytes(32).toString('hex');
  runDraw(snapshot, request.rules, 'feasibility-check'); // throws DrawInfeasibleError before any random number
  const draw = await db.draw.create({
    data: {
      id: randomUUID(),
      name: request.name,
      planId: request.planId ?? null,
      status: 'committed',
      rules: request.rules as unknown as Prisma.InputJsonValue,
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      snapshotHash: snapshotHash(snapshot),
      commitment: commit(seed),
      seed,
      algorithmVersion: ALGORITHM_VERSION,
      createdBy: request.actor,
      createdAt: new Date(),
    },
  });
  return publicView(draw);
}

type DrawRow = NonNullable<Awaited<ReturnType<Db['draw']['findUnique']>>>;

/** What may be shown: before the draw runs, never the seed. */
export function publicView(draw: DrawRow) {
  const snapshot = draw.snapshot as unknown as DrawSnapshot;
  return {
    id: draw.id,
    name: draw.name,
    planId: draw.planId,
    status: draw.status,
    algorithmVersion: draw.algorithmVersion,
    rules: draw.rules,
    snapshotHash: draw.snapshotHash,
    commitment: draw.commitment,
    pool: { targets: snapshot.targets.length, officers: snapshot.officers.length, conflicts: snapshot.conflicts.length },
    seed: draw.status === 'drawn' ? draw.seed : null,
    outsideRandomness: draw.outsideRandomness,
    result: draw.result,
    caseIds: draw.caseIds,
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
          select: { id: true, name: true, planId: true, status: true, algorithmVersion: true, snapshotHash: true, commitment: true, caseIds: true, createdAt: true, drawnAt: true },
          orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
          ...window,
        }),
    },
    ({ caseIds, createdAt, drawnAt, ...draw }) => ({
      ...draw,
      cases: caseIds.length,
      createdAt: createdAt.toISOString(),
      drawnAt: drawnAt?.toISOString() ?? null,
    }),
  );
}

export async function findDraw(db: Db, id: string): Promise<DrawRow> {
  const draw = await db.draw.findUnique({ where: { id } });
  if (!draw) throw new DomainError('not_found', `抽取记录不存在 / no draw ${id}`);
  return draw;
}

export interface DrawnTarget {
  entityId: string;
  entityUscc: string;
  entityName: string;
  team: string[];
}

/** Runs the committed draw once; run again (a retry after a crash) it answers the recorded result. */
export async function performDraw(db: Db, id: string, outsideRandomness: string | undefined, actor: string): Promise<DrawnTarget[]> {
  const draw = await findDraw(db, id);
  let result = draw.result as unknown as DrawResult | null;
  if (!result) {
    result = runDraw(draw.snapshot as unknown as DrawSnapshot, draw.rules as unknown as DrawRules, draw.seed, outsideRandomness);
    // The draw workflow runs once per draw and this activity one attempt at a time, so nothing races here.
    await db.draw.update({
      where: { id },
      data: { result: result as unknown as Prisma.InputJsonValue, outsideRandomness: outsideRandomness ?? null, drawnBy: actor, drawnAt: new Date() },
    });
  }
  const entities = await db.entity.findMany({ where: { id: { in: result.picks.map((pick) => pick.entityId) } }, select: { id: true, uscc: true, name: true } });
  const byId = new Map(entities.map((entity) => [entity.id, entity]));
  return result.picks.map((pick) => ({
    entityId: pick.entityId,
    entityUscc: byId.get(pick.entityId)?.uscc ?? '',
    entityName: byId.get(pick.entityId)?.name ?? '',
    team: pick.team,
  }));
}

export async function completeDraw(db: Db, id: string, caseIds: string[]): Promise<void> {
  await db.draw.update({ where: { id }, data: { status: 'drawn', caseIds } });
}

/** R20: recomputes the draw from its stored record and says whether everything matches. */
export async function verifyStoredDraw(db: Db, id: string) {
  const draw = await findDraw(db, id);
  if (!draw.result || draw.status !== 'drawn') {
    return { drawId: id, valid: false, problems: ['抽取尚未进行 / the draw has not run yet'] };
  }
  const verdict = verifyDraw({
    snapshot: draw.snapshot as unknown as DrawSnapshot,
    rules: draw.rules as unknown as DrawRules,
    seed: draw.seed,
    outsideRandomness: draw.outsideRandomness ?? undefined,
    commitment: draw.commitment,
    snapshotHash: draw.snapshotHash,
    result: draw.result as unknown as DrawResult,
  });
  return { drawId: id, ...verdict };
}
