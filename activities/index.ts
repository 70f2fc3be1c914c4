// Activities: how the case workflow touches the world. Each one is idempotent, because Temporal retries an
// activity whose result it did not see: a retry never writes a second row or timeline event.
import type { Db } from '../db/client';
import type { CaseOrigin, CaseStatus } from '../domain/inspectionCase';

export interface Clock {
  now(): Date;
}

export interface ActivityDependencies {
  db: Db;
  clock: Clock;
}

export interface CaseOpening {
  caseId: string;
  workflowId: string;
  entityId: string;
  origin: CaseOrigin;
  originReason?: string;
  openedBy: string;
  openedAt: string;
}

export interface CaseStatusChange {
  caseId: string;
  status: CaseStatus;
  /** Unique within the case: the timeline event is written once however often the activity runs. */
  eventKey: string;
  kind: string;
  actor: string;
  reason?: string;
  at: string;
  closed?: boolean;
}

export function createActivities({ db }: ActivityDependencies) {
  return {
    async recordCaseOpened(opening: CaseOpening): Promise<void> {
      const openedAt = new Date(opening.openedAt);
      await db.$transaction([
        db.inspectionCase.upsert({
          where: { id: opening.caseId },
          update: {},
          create: {
            id: opening.caseId,
            workflowId: opening.workflowId,
            entityId: opening.entityId,
            origin: opening.origin,
            originReason: opening.originReason ?? null,
            status: 'awaiting_inspection',
            openedBy: opening.openedBy,
            openedAt,
          },
        }),
        db.caseEvent.upsert({
          where: { caseId_eventKey: { caseId: opening.caseId, eventKey: 'opened' } },
          update: {},
          create: {
            caseId: opening.caseId,
            eventKey: 'opened',
            kind: 'opened',
            actor: opening.openedBy,
            reason: opening.originReason ?? null,
            data: { origin: opening.origin },
            at: openedAt,
          },
        }),
      ]);
    },

    async recordCaseStatus(change: CaseStatusChange): Promise<void> {
      const at = new Date(change.at);
      await db.$transaction([
        db.inspectionCase.update({
          where: { id: change.caseId },
          data: { status: change.status, ...(change.closed ? { closedAt: at } : {}) },
        }),
        db.caseEvent.upsert({
          where: { caseId_eventKey: { caseId: change.caseId, eventKey: change.eventKey } },
          update: {},
          create: {
            caseId: change.caseId,
            eventKey: change.eventKey,
            kind: change.kind,
            actor: change.actor,
            reason: change.reason ?? null,
            data: { status: change.status },
            at,
          },
        }),
      ]);
    },
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
