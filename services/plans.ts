// 抽查计划 (R4): plans are kept as rows; their lifecycle is a workflow (workflows/plan.ts).
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { chinaDate } from '../domain/deadlines';
import { DomainError } from '../domain/errors';

export interface NewPlan {
  kind: 'annual' | 'monthly';
  title: string;
  periodStart: string;
  periodEnd: string;
  itemCodes: string[];
  scope: { categories?: string[]; streets?: string[] };
  targetCount: number;
  teamSize: number;
  rectificationDays?: number;
  jointDepartments?: string[];
  owner: string;
}

/** The bureau's numbering: 坛商抽查〔2026〕3号. */
export async function nextPlanNumber(db: Db, now = new Date()): Promise<string> {
  const year = chinaDate(now).slice(0, 4);
  const count = await db.plan.count({ where: { number: { startsWith: `坛商抽查〔${year}〕` } } });
  return `坛商抽查〔${year}〕${count + 1}号`;
}

export async function createPlanRow(db: Db, plan: NewPlan) {
  const known = await db.inspectionItem.findMany({ where: { code: { in: plan.itemCodes } }, select: { code: true } });
  const unknown = plan.itemCodes.filter((code) => !known.some((item) => item.code === code));
  if (unknown.length > 0) {
    throw new DomainError('invalid', `未知的抽查事项：${unknown.join(', ')} / unknown inspection items: ${unknown.join(', ')}`, [
      { field: 'body.itemCodes', message: `未知 / unknown: ${unknown.join(', ')}` },
    ]);
  }
  if (plan.periodEnd < plan.periodStart) {
    throw new DomainError('invalid', '计划期限结束早于开始 / the period ends before it starts', [{ field: 'body.periodEnd', message: '早于开始 / before the start' }]);
  }
  return db.plan.create({
    data: {
      id: randomUUID(),
      number: await nextPlanNumber(db),
      kind: plan.kind,
      title: plan.title,
      periodStart: new Date(plan.periodStart),
      periodEnd: new Date(plan.periodEnd),
      itemCodes: plan.itemCodes,
      scope: plan.scope as Prisma.InputJsonValue,
      targetCount: plan.targetCount,
      teamSize: plan.teamSize,
      rectificationDays: plan.rectificationDays ?? null,
      jointDepartments: plan.jointDepartments ?? [],
      owner: plan.owner,
      status: 'draft',
      createdAt: new Date(),
    },
  });
}

/**
 * R5: how far the year stands from full coverage — the entities in the annual plan's scope, those already
 * randomly inspected in its period, and how many targets the monthly plans inside the period add up to.
 */
export async function planCoverage(db: Db, planId: string) {
  const plan = await db.plan.findUnique({ where: { id: planId } });
  if (!plan) throw new DomainError('not_found', `计划不存在 / no plan ${planId}`);
  const items = await db.inspectionItem.findMany({ where: { code: { in: plan.itemCodes } } });
  const scope = plan.scope as { categories?: string[]; streets?: string[] };
  const itemCategories = [...new Set(items.flatMap((item) => item.categories))];
  const categories = scope.categories?.length ? scope.categories.filter((category) => itemCategories.includes(category)) : itemCategories;
  const inScope = {
    legalStatus: 'operating' as const,
    category: { in: categories },
    ...(scope.streets?.length ? { street: { in: scope.streets } } : {}),
  };
  const periodEnd = new Date(plan.periodEnd.getTime() + 86_400_000);
  const [entitiesInScope, inspected, monthly] = await Promise.all([
    db.entity.count({ where: inScope }),
    db.entity.count({ where: { ...inScope, cases: { some: { origin: 'random', openedAt: { gte: plan.periodStart, lt: periodEnd } } } } }),
    plan.kind === 'annual'
      ? db.plan.findMany({
          where: { kind: 'monthly', periodStart: { gte: plan.periodStart }, periodEnd: { lte: plan.periodEnd } },
          orderBy: { periodStart: 'asc' },
          select: { id: true, number: true, title: true, periodStart: true, status: true, targetCount: true },
        })
      : Promise.resolve([]),
  ]);
  const counted = monthly.filter((month) => !['draft', 'sent_back'].includes(month.status));
  const planned = counted.reduce((sum, month) => sum + month.targetCount, 0);
  return {
    planId,
    entitiesInScope,
    inspected,
    remaining: entitiesInScope - inspected,
    monthlyPlans: monthly.map((month) => ({ ...month, periodStart: month.periodStart.toISOString().slice(0, 10) })),
    plannedByMonthlyPlans: planned,
    /** Targets still to plan for full coverage, counting what approved monthly plans have yet to draw. */
    shortfall: Math.max(0, entitiesInScope - Math.max(inspected, planned)),
    fullCoverageReachable: Math.max(inspected, planned) >= entitiesInScope,
  };
}
