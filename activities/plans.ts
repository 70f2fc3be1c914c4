import type { Db } from '../db/client';
import { preparePlanDraw, recordPlanStatus } from '../services/plans';

export function planActivities(db: Db) {
  return {
    recordPlanStatus: (change: Parameters<typeof recordPlanStatus>[1]) => recordPlanStatus(db, change),
    preparePlanDraw: (planId: string, drawAt: string, actor: string) => preparePlanDraw(db, planId, drawAt, actor),
  };
}
