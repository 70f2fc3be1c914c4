// Opening, advancing and reading inspection cases: the database holds the projection, Temporal the live case.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Prisma } from '@prisma/client';
import { searchAttributes } from '../config/temporal';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import { caseWorkflowId, finishedStatuses, type Actor, type CaseOrigin, type CaseStatus, type NonRandomOrigin } from '../domain/inspectionCase';
import { yearBounds } from '../domain/oversight';
import { awaitCaseOpened, declareConflict, getCaseState, type CaseState, type CaseTiming } from '../workflows/caseMessages';
import type { inspectionCaseWorkflow } from '../workflows/inspectionCase';
import type { UpdateDefinition } from '@temporalio/common';

export interface CaseServices {
  db: Db;
  temporal: Client;
  taskQueue: string;
  caseTiming: CaseTiming;
  /** Whether the workers deliver notifications to a webhook too. */
  deliverNotifications?: boolean;
}

export interface NonRandomCaseRequest {
  entityId: string;
  origin: NonRandomOrigin;
  reason: string;
  team: string[];
  unannounced?: boolean;
  actor: Actor;
}

/** R2, R9, R10: a team of at least two officers holding a valid certificate, none with a declared conflict. */
async function checkTeam(db: Db, entityId: string, team: string[], on: Date): Promise<void> {
  const field = 'body.team';
  const distinct = [...new Set(team)];
  if (distinct.length < 2) {
    throw new DomainError('invalid', '检查组不得少于2人 / a team needs at least two officers (R9)', [{ field, message: '至少2人 / at least 2' }]);
  }
  const officers = await db.officer.findMany({ where: { id: { in: distinct } }, include: { conflicts: { where: { entityId } } } });
  const today = new Date(`${on.toISOString().slice(0, 10)}T00:00:00Z`);
  const problems: string[] = [];
  for (const id of distinct) {
    const officer = officers.find((candidate) => candidate.id === id);
    if (!officer) problems.push(`${id}: 不在执法人员名录 / not in the officer directory`);
    else if (!officer.active || officer.certificateWithdrawn || officer.certificateValidUntil < today)
      problems.push(`${officer.name}: 无有效执法证 / no valid enforcement certificate (R2)`);
    else if (officer.conflicts.length > 0) problems.push(`${officer.name}: 与检查对象有利害关系，应回避 / has a declared conflict with the entity (R10)`);
  }
  if (problems.length > 0) {
    throw new DomainError('invalid', problems.join('; '), problems.map((message) => ({ field, message })));
  }
}

/** Opens a case that does not come from the draw (R11); answers once the case row exists. */
export async function openNonRandomCase(services: CaseServices, request: NonRandomCaseRequest) {
  const { db, temporal, taskQueue, caseTiming } = services;
  const entity = await db.entity.findUnique({ where: { id: request.entityId } });
  if (!entity) {
    throw new DomainError('invalid', '检查对象不存在 / the entity does not exist', [
      { field: 'body.entityId', message: '未登记的检查对象 / no such entity' },
    ]);
  }
  if (entity.legalStatus !== 'operating') {
    throw new DomainError('conflict', `该主体不在营业状态（${entity.legalStatus}）/ the entity is not operating`);
  }
  await checkTeam(db, entity.id, request.team, new Date());
  const caseId = randomUUID();
  await temporal.workflow.executeUpdateWithStart(awaitCaseOpened, {
    startWorkflowOperation: new WithStartWorkflowOperation<typeof inspectionCaseWorkflow>('inspectionCaseWorkflow', {
      workflowId: caseWorkflowId(caseId),
      taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [
        {
          caseId,
          entityId: entity.id,
          entityUscc: entity.uscc,
          entityName: entity.name,
          origin: request.origin,
          originReason: request.reason,
          team: [...new Set(request.team)],
          unannounced: request.unannounced,
          deliverNotifications: services.deliverNotifications,
          openedBy: request.actor.id,
          timing: caseTiming,
        },
      ],
      typedSearchAttributes: [
        { key: searchAttributes.caseStatus, value: 'opening' },
        { key: searchAttributes.caseOrigin, value: request.origin },
        { key: searchAttributes.caseEntityUscc, value: entity.uscc },
      ],
    }),
  });
  return readCase(services, caseId);
}

/** Runs an officer action on the case's workflow and answers the case as it then stands. */
export async function actOnCase<Input>(
  services: CaseServices,
  caseId: string,
  action: UpdateDefinition<CaseState, [Input]>,
  input: Input,
) {
  const row = await services.db.inspectionCase.findUnique({ where: { id: caseId }, select: { workflowId: true, status: true, entityId: true } });
  if (!row) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);
  if (finishedStatuses.includes(row.status as CaseStatus)) {
    throw new DomainError('conflict', `案件已结束（${row.status}）/ the case has ended (${row.status})`);
  }
  // R10: an officer who declared a conflict with the entity may only recuse.
  const actor = (input as { actor?: Actor }).actor;
  if (actor?.roles.includes('officer') && action.name !== declareConflict.name && (await hasDeclaredConflict(services.db, actor.id, row.entityId))) {
    throw conflictRefusal();
  }
  await services.temporal.workflow.getHandle(row.workflowId).executeUpdate(action, { args: [input] });
  return readCase(services, caseId);
}

export async function hasDeclaredConflict(db: Db, officerId: string, entityId: string): Promise<boolean> {
  return (await db.officerConflict.findUnique({ where: { officerId_entityId: { officerId, entityId } }, select: { id: true } })) !== null;
}

export const conflictRefusal = () =>
  new DomainError('refused', '您已申报与该对象存在利害关系，应当回避 / you declared a conflict with this entity and must recuse (R10)');

const LIVE_STATE_WAIT_MS = 2_000;

/**
 * The case as the database records it, with the workflow's execution status; with `live`, also the running
 * workflow's own state (a query, which costs a round trip to a worker).
 */
export async function readCase({ db, temporal }: Pick<CaseServices, 'db' | 'temporal'>, caseId: string, { live = false } = {}) {
  const row = await db.inspectionCase.findUnique({
    where: { id: caseId },
    include: {
      entity: true,
      events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
      records: { orderBy: { id: 'asc' } },
      dispositions: { orderBy: { recordedAt: 'asc' } },
      publication: true,
    },
  });
  if (!row) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);

  const handle = temporal.workflow.getHandle(row.workflowId);
  // Who acted, by name: officers act under their directory id, the office and leadership under their user id.
  const actorIds = [...new Set([...row.team, ...row.events.map((event) => event.actor), ...row.records.map((record) => record.recordedBy)])].filter((id) =>
    /^[0-9a-f-]{36}$/.test(id),
  );
  const [description, officers, users] = await Promise.all([
    handle.describe(),
    db.officer.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, unit: true } }),
    db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } }),
  ]);
  const memberById = new Map(officers.map((officer) => [officer.id, officer]));
  const actorNames = Object.fromEntries([...users.map((user) => [user.id, user.displayName]), ...officers.map((officer) => [officer.id, officer.name])]);
  // A query needs a worker; leadership still gets the recorded status when none is running.
  const liveState =
    live && description.status.name === 'RUNNING'
      ? await Promise.race([
          handle.query(getCaseState).catch(() => null),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), LIVE_STATE_WAIT_MS).unref()),
        ])
      : null;
  return {
    id: row.id,
    status: row.status as CaseStatus,
    origin: row.origin,
    originReason: row.originReason,
    planId: row.planId,
    team: row.team,
    teamMembers: row.team.map((id) => memberById.get(id) ?? { id, name: id, unit: null }),
    actorNames,
    openedBy: row.openedBy,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    endReason: row.endReason,
    resultCategory: row.resultCategory,
    rectificationDeadline: row.rectificationDeadline?.toISOString() ?? null,
    revisitDueAt: row.revisitDueAt?.toISOString() ?? null,
    escalationLevel: row.escalationLevel,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    creditPushedAt: row.creditPushedAt?.toISOString() ?? null,
    entity: { id: row.entity.id, uscc: row.entity.uscc, name: row.entity.name, legalStatus: row.entity.legalStatus },
    timeline: row.events.map((event) => ({ kind: event.kind, actor: event.actor, reason: event.reason, at: event.at.toISOString(), data: event.data })),
    records: row.records.map((record) => ({ kind: record.kind, recordedBy: record.recordedBy, recordedAt: record.recordedAt.toISOString(), data: record.data })),
    dispositions: row.dispositions.map((disposition) => ({
      id: disposition.id,
      kind: disposition.kind,
      status: disposition.status,
      details: disposition.details,
      recordedBy: disposition.recordedBy,
      recordedAt: disposition.recordedAt.toISOString(),
    })),
    publication: row.publication ? { publishedAt: row.publication.publishedAt.toISOString(), content: row.publication.content } : null,
    workflow: { id: row.workflowId, status: description.status.name, state: liveState },
  };
}

export interface CaseFilter {
  status?: CaseStatus;
  planId?: string;
  officerId?: string;
  entityId?: string;
  overdue?: boolean;
  origin?: CaseOrigin;
  /** Opened in this year (China Standard Time). */
  year?: number;
  /** Escalated for a late revisit (R13, R19). */
  escalated?: boolean;
  /** The latest inspection result covered this item. */
  itemCode?: string;
  page: number;
  pageSize: number;
}

/** Lists from the projection; `overdue` means past the rectification deadline without a revisit, or escalated. */
export async function listCases(db: Db, filter: CaseFilter, now = new Date()) {
  const where: Prisma.InspectionCaseWhereInput = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.planId ? { planId: filter.planId } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.officerId ? { team: { has: filter.officerId } } : {}),
    ...(filter.origin ? { origin: filter.origin } : {}),
    ...(filter.year ? { openedAt: { gte: yearBounds(filter.year).from, lt: yearBounds(filter.year).to } } : {}),
    ...(filter.escalated ? { status: 'awaiting_revisit', escalationLevel: { gt: 0 } } : {}),
    ...(filter.itemCode
      ? { records: { some: { kind: 'inspection', data: { path: ['items'], array_contains: [{ itemCode: filter.itemCode }] } } } }
      : {}),
    ...(filter.overdue
      ? {
          OR: [
            { status: 'rectifying', rectificationDeadline: { lt: now } },
            { status: 'awaiting_revisit', revisitDueAt: { lt: now } },
            { status: 'awaiting_revisit', escalationLevel: { gt: 0 } },
          ],
        }
      : {}),
  };
  const [total, rows] = await db.$transaction([
    db.inspectionCase.count({ where }),
    db.inspectionCase.findMany({
      where,
      include: { entity: { select: { id: true, uscc: true, name: true } } },
      orderBy: [{ openedAt: 'desc' }, { id: 'asc' }],
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
    }),
  ]);
  return {
    total,
    page: filter.page,
    pageSize: filter.pageSize,
    items: rows.map((row) => ({
      id: row.id,
      status: row.status,
      origin: row.origin,
      planId: row.planId,
      team: row.team,
      entity: row.entity,
      openedAt: row.openedAt.toISOString(),
      rectificationDeadline: row.rectificationDeadline?.toISOString() ?? null,
      revisitDueAt: row.revisitDueAt?.toISOString() ?? null,
      escalationLevel: row.escalationLevel,
      closedAt: row.closedAt?.toISOString() ?? null,
    })),
  };
}
