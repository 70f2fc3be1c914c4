// How a plan's workflow touches the database (R4): its status changes, audited, and its draw committed on approval.
import type { Db } from '../db/client';
import { chinaDate } from '../domain/deadlines';
import { appendAudit } from '../services/audit';
import { commitDraw } from './draws';

/** A plan's status change, recorded on the row and in the audit log with who, why and before/after (R20). */
async function recordPlanStatus(
  db: Db,
  change: { planId: string; status: string; actor: string; reason?: string; drawAt?: string; drawId?: string },
): Promise<void> {
  const before = await db.plan.findUniqueOrThrow({ where: { id: change.planId }, select: { status: true } });
  if (before.status === change.status) return; // a retried activity
  await db.plan.update({
    where: { id: change.planId },
    data: { status: change.status, ...(change.drawAt ? { drawAt: new Date(change.drawAt) } : {}), ...(change.drawId ? { drawId: change.drawId } : {}) },
  });
  const draw = change.drawId
    ? await db.draw.findUnique({ where: { id: change.drawId }, select: { commitment: true, snapshotHash: true, randomnessSource: true } })
    : null;
  await appendAudit(db, {
    actor: change.actor,
    action: `plan:${change.status}`,
    target: change.planId,
    reason: change.reason ?? null,
    // The draw's commitment enters the audit log when it is made (R20): a later rewrite of the row shows.
    data: { before: before.status, after: change.status, ...(change.drawId ? { drawId: change.drawId } : {}), ...(draw ? { draw } : {}) },
  });
}

/**
 * Commits the plan's draw (R8, R20): the pool is the plan's scope, narrowed to the categories its items cover;
 * the inspection date is the draw's day; the outside randomness is the first drand round after the approved time.
 * Refused, naming what is short, when the draw is infeasible.
 */
async function preparePlanDraw(db: Db, seedKey: Buffer, planId: string, drawAt: string, actor: string): Promise<string> {
  const plan = await db.plan.findUniqueOrThrow({ where: { id: planId } });
  if (plan.drawId) return plan.drawId;
  // A retry after a commit whose link to the plan was not written yet takes that draw: one commitment per plan.
  const committed = await db.draw.findFirst({ where: { planId }, select: { id: true } });
  if (committed) {
    await db.plan.update({ where: { id: planId }, data: { drawId: committed.id } });
    return committed.id;
  }
  const items = await db.inspectionItem.findMany({ where: { code: { in: plan.itemCodes } } });
  const scope = plan.scope as { categories?: string[]; streets?: string[] };
  const itemCategories = [...new Set(items.flatMap((item) => item.categories))];
  const categories = scope.categories?.length ? scope.categories.filter((category) => itemCategories.includes(category)) : itemCategories;
  const draw = await commitDraw(db, seedKey, {
    name: plan.number,
    planId: plan.id,
    scope: { categories, streets: scope.streets },
    drawAt: new Date(drawAt),
    rules: {
      targetCount: plan.targetCount,
      teamSize: plan.teamSize,
      inspectionDate: chinaDate(new Date(drawAt)),
      requiredSpecialty: items.find((item) => item.requiredSpecialty)?.requiredSpecialty ?? undefined,
      riskWeights: { complaints: 2, dishonest: 3, violation_record: 2, safety_hazard: 2, abnormal_operation: 2 },
      coverageFirst: true,
    },
    actor,
  });
  await db.plan.update({ where: { id: planId }, data: { drawId: draw.id } });
  return draw.id;
}

export function planActivities(db: Db, seedKey: Buffer) {
  return {
    recordPlanStatus: (change: Parameters<typeof recordPlanStatus>[1]) => recordPlanStatus(db, change),
    preparePlanDraw: (planId: string, drawAt: string, actor: string) => preparePlanDraw(db, seedKey, planId, drawAt, actor),
  };
}
