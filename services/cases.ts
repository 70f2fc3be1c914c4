// Opening and reading inspection cases: the database holds the projection, Temporal the live workflow.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { searchAttributes } from '../config/temporal';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import { caseWorkflowId, type CaseStatus, type NonRandomOrigin } from '../domain/inspectionCase';
import { awaitCaseOpened, cancelCase, getCaseState, type CaseState } from '../workflows/caseMessages';
import type { inspectionCaseWorkflow } from '../workflows/inspectionCase';

export interface CaseServices {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export interface NonRandomCaseRequest {
  entityId: string;
  origin: NonRandomOrigin;
  reason: string;
  actor: string;
}

/** Opens a case that does not come from the draw (R11); answers once the case row exists. */
export async function openNonRandomCase({ db, temporal, taskQueue }: CaseServices, request: NonRandomCaseRequest) {
  const entity = await db.entity.findUnique({ where: { id: request.entityId } });
  if (!entity) {
    throw new DomainError('invalid', '检查对象不存在 / the entity does not exist', [
      { field: 'body.entityId', message: '未登记的检查对象 / no such entity' },
    ]);
  }
  if (entity.legalStatus !== 'operating') {
    throw new DomainError('conflict', `该主体不在营业状态（${entity.legalStatus}）/ the entity is not operating`);
  }
  const caseId = randomUUID();
  const workflowId = caseWorkflowId(caseId);
  await temporal.workflow.executeUpdateWithStart(awaitCaseOpened, {
    startWorkflowOperation: new WithStartWorkflowOperation<typeof inspectionCaseWorkflow>('inspectionCaseWorkflow', {
      workflowId,
      taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [
        {
          caseId,
          entityId: entity.id,
          entityUscc: entity.uscc,
          origin: request.origin,
          originReason: request.reason,
          openedBy: request.actor,
        },
      ],
      typedSearchAttributes: [
        { key: searchAttributes.caseStatus, value: 'opening' },
        { key: searchAttributes.caseOrigin, value: request.origin },
        { key: searchAttributes.caseEntityUscc, value: entity.uscc },
      ],
    }),
  });
  return readCase({ db, temporal, taskQueue }, caseId);
}

const LIVE_STATE_WAIT_MS = 2_000;

/** The case as the database records it, with the workflow's own view when the workflow can answer. */
export async function readCase({ db, temporal }: CaseServices, caseId: string) {
  const row = await db.inspectionCase.findUnique({
    where: { id: caseId },
    include: { entity: true, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
  });
  if (!row) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);

  const handle = temporal.workflow.getHandle(row.workflowId);
  const description = await handle.describe();
  // A query needs a worker; leadership still gets the recorded status when none is running.
  const live = await Promise.race([
    handle.query(getCaseState).catch(() => null),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), LIVE_STATE_WAIT_MS).unref()),
  ]);
  return {
    id: row.id,
    status: row.status as CaseStatus,
    origin: row.origin,
    originReason: row.originReason,
    openedBy: row.openedBy,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    entity: { id: row.entity.id, uscc: row.entity.uscc, name: row.entity.name },
    timeline: row.events.map((event) => ({
      kind: event.kind,
      actor: event.actor,
      reason: event.reason,
      at: event.at.toISOString(),
    })),
    workflow: {
      id: row.workflowId,
      status: description.status.name,
      state: live as CaseState | null,
    },
  };
}

export async function cancelInspectionCase(services: CaseServices, caseId: string, actor: string, reason: string) {
  const row = await services.db.inspectionCase.findUnique({ where: { id: caseId }, select: { workflowId: true, closedAt: true } });
  if (!row) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);
  if (row.closedAt) throw new DomainError('conflict', '案件已结束，不能撤销 / the case has already ended');
  const handle = services.temporal.workflow.getHandle(row.workflowId);
  await handle.executeUpdate(cancelCase, { args: [{ actor, reason }] });
  await handle.result();
  return readCase(services, caseId);
}
