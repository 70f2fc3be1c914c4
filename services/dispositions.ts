// A disposition's later steps (R14, R15): the penalty decided and executed, the transfer accepted and answered.
// They happen in other procedures, often after the case has closed, so they are recorded here rather than as
// steps of the case workflow: the disposition's status, and an event on the case's timeline (R20). A penalty's
// decision also goes to the public record and the credit platform (R16, R17), through a workflow of its own.
import { checkDispositionMove, type DispositionStatus } from '../domain/dispositions';
import { DomainError } from '../domain/errors';
import type { Actor, DispositionKind } from '../domain/inspectionCase';
import { penaltyDecisionWorkflow, penaltyDecisionWorkflowId } from '../workflows/penaltyDecision';
import { whoMay } from '../domain/caseRules';
import { hasDeclaredConflict, refuseWith, type CaseServices } from './cases';

export interface DispositionProgress {
  caseId: string;
  dispositionId: string;
  status: DispositionStatus;
  note?: string;
  actor: Actor;
  at: Date;
}

export async function progressDisposition(services: CaseServices, progress: DispositionProgress): Promise<void> {
  const { db } = services;
  const { caseId, dispositionId, status, note, actor, at } = progress;
  const disposition = await db.disposition.findFirst({
    where: { id: dispositionId, caseId },
    select: { kind: true, status: true, inspectionCase: { select: { team: true, entityId: true } } },
  });
  if (!disposition) throw new DomainError('not_found', `本案没有这项处置 / the case has no disposition ${dispositionId}`);
  // Whoever may record the disposition records its later steps (the rules table's row for `disposition`).
  const { team, entityId } = disposition.inspectionCase;
  const actorConflicted = actor.roles.includes('officer') && team.includes(actor.id) && (await hasDeclaredConflict(db, actor.id, entityId));
  refuseWith(whoMay('disposition', team, actor, { actorConflicted }));
  const refusal = checkDispositionMove(disposition.kind as DispositionKind, disposition.status, status, note);
  if (refusal) throw new DomainError(refusal.kind, refusal.message, [{ field: `body.${refusal.field}`, message: refusal.message }]);

  await db.$transaction(async (tx) => {
    // Only from the status just checked: of two officers recording the same step at once, one is refused.
    const { count } = await tx.disposition.updateMany({ where: { id: dispositionId, status: disposition.status }, data: { status } });
    if (count === 0) throw new DomainError('conflict', '处置状态刚被他人更新，请刷新 / someone has just updated this disposition: reload it');
    await tx.caseEvent.create({
      data: {
        caseId,
        eventKey: `disposition-${dispositionId}-${status}`,
        kind: 'disposition_progressed',
        actor: actor.id,
        reason: note?.trim() || null,
        data: { dispositionId, kind: disposition.kind, from: disposition.status, to: status },
        at,
      },
    });
    if (disposition.kind === 'penalty' && status === 'decided') {
      // Started inside the transaction: if Temporal cannot take it, nothing is recorded and the request can be
      // repeated. The workflow publishes what this transaction commits, and nothing if it does not.
      await services.temporal.workflow.start(penaltyDecisionWorkflow, {
        workflowId: penaltyDecisionWorkflowId(dispositionId),
        taskQueue: services.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ caseId, dispositionId, creditRetryMaxIntervalMs: services.caseTiming.creditRetryMaxIntervalMs }],
      });
    }
  });
}
