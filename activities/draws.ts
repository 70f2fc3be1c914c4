import type { Db } from '../db/client';
import { completeDraw, performDraw } from '../services/draws';

export function drawActivities(db: Db) {
  return {
    performDraw: (drawId: string, outsideRandomness: string | undefined, actor: string) => performDraw(db, drawId, outsideRandomness, actor),
    completeDraw: (drawId: string, caseIds: string[]) => completeDraw(db, drawId, caseIds),
  };
}
