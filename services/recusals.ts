// R10: a conflict declared in the directory (POST /conflicts) takes the officer off the entity's open cases at
// once, each through the case's own recusal, so a replacement is found and recorded as when the officer recuses
// from the case page. Cases already publishing or finished keep their team: nothing is left for it to do.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DomainError } from '../domain/errors';
import { finishedStatuses, type CaseStatus } from '../domain/inspectionCase';
import { actOnCase, type CaseServices } from './cases';

export interface Declaration {
  officerId: string;
  entityId: string;
  relation: string;
  note?: string;
}

export interface RecusalOutcome {
  recused: Array<{ caseId: string; replacedBy: string | null }>;
  /** Cases the officer could not be taken off (no eligible replacement, say): the office must act on them. */
  refused: Array<{ caseId: string; reason: string }>;
}

const settled: readonly CaseStatus[] = [...finishedStatuses, 'publishing'];

export async function recuseFromOpenCases(services: CaseServices, declaration: Declaration): Promise<RecusalOutcome> {
  const open = await services.db.inspectionCase.findMany({
    where: { entityId: declaration.entityId, team: { has: declaration.officerId }, status: { notIn: [...settled] } },
    select: { id: true, team: true },
    orderBy: { openedAt: 'asc' },
  });
  const outcome: RecusalOutcome = { recused: [], refused: [] };
  for (const found of open) {
    try {
      const after = await actOnCase(services, found.id, 'recusal', {
        actor: { id: declaration.officerId, roles: ['officer'] },
        relation: declaration.relation,
        ...(declaration.note ? { note: declaration.note } : {}),
      });
      outcome.recused.push({ caseId: found.id, replacedBy: after.team.find((officer) => !found.team.includes(officer)) ?? null });
    } catch (error) {
      // Only the case's refusal is an answer; anything else (Temporal or the database unavailable) fails the
      // request, and repeating it finishes the job.
      if (error instanceof WorkflowUpdateFailedError) outcome.refused.push({ caseId: found.id, reason: error.cause?.message ?? error.message });
      else if (error instanceof DomainError) outcome.refused.push({ caseId: found.id, reason: error.message });
      else throw error;
    }
  }
  return outcome;
}
