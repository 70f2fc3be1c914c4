// Opening, advancing and reading inspection cases: the database holds the projection, Temporal the live case.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Prisma } from '@prisma/client';
import { searchAttributes } from '../config/temporal';
import type { Db } from '../db/client';
import { paged } from '../db/paged';
import { prepared } from '../db/prepared';
import type { CaseDetail, CaseSummary } from '../domain/caseDetail';
import { DomainError } from '../domain/errors';
import { caseWorkflowId, finishedStatuses, type Actor, type CaseOrigin, type CaseStatus, type NonRandomOrigin } from '../domain/inspectionCase';
import { yearBounds } from '../domain/oversight';
import type { CaseAction, ActionInput } from '../domain/caseActions';
import { checkAction, stateAllows, whoMay, type CaseFacts, type Refusal } from '../domain/caseRules';
import type { CaseTiming } from '../domain/caseTiming';
import { awaitCaseOpened, caseUpdates, getCaseState, type CaseState } from '../workflows/caseMessages';
import type { inspectionCaseWorkflow } from '../workflows/inspectionCase';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OpeningFacts {
  entity: { id: string; uscc: string; name: string; legalStatus: string } | null;
  officers: Array<{ id: string; name: string; certified: boolean; conflicted: boolean }>;
}

const selectOpeningFacts = prepared<{ facts: OpeningFacts }>(
  'case_opening_facts',
  `select json_build_object(
    'entity', (select json_build_object('id', n.id, 'uscc', n.uscc, 'name', n.name, 'legalStatus', n."legalStatus") from "Entity" n where n.id = $1::uuid),
    'officers', coalesce((
      select json_agg(json_build_object(
        'id', o.id, 'name', o.name,
        'certified', o.active and not o."certificateWithdrawn" and o."certificateValidUntil" >= $3::date,
        'conflicted', exists (select from "OfficerConflict" k where k."officerId" = o.id and k."entityId" = $1::uuid)))
      from "Officer" o where o.id in (select value::uuid from jsonb_array_elements_text($2::jsonb))), '[]')
  ) as facts`,
);

/** The entity and the proposed team as opening a case needs them, in one prepared statement. */
export async function openingFacts(db: Db, entityId: string, team: string[], on: Date): Promise<OpeningFacts> {
  const ids = JSON.stringify(team.filter((id) => UUID.test(id)));
  const [row] = await selectOpeningFacts(db, [entityId, ids, on.toISOString().slice(0, 10)]);
  return row!.facts;
}

/** R2, R10: why an officer may not serve on this entity's case today, or undefined when they may. */
export function officerUnfitness(officers: OpeningFacts['officers'], id: string): string | undefined {
  const officer = officers.find((candidate) => candidate.id === id);
  if (!officer) return `${id}: 不在执法人员名录 / not in the officer directory`;
  if (!officer.certified) return `${officer.name}: 无有效执法证 / no valid enforcement certificate (R2)`;
  if (officer.conflicted) return `${officer.name}: 与检查对象有利害关系，应回避 / has a declared conflict with the entity (R10)`;
  return undefined;
}

/** R2, R9, R10: a team of at least two officers holding a valid certificate, none with a declared conflict. */
function checkTeam(officers: OpeningFacts['officers'], team: string[]): void {
  const field = 'body.team';
  const distinct = [...new Set(team)];
  if (distinct.length < 2) {
    throw new DomainError('invalid', '检查组不得少于2人 / a team needs at least two officers (R9)', [{ field, message: '至少2人 / at least 2' }]);
  }
  const problems = distinct.flatMap((id) => officerUnfitness(officers, id) ?? []);
  if (problems.length > 0) {
    throw new DomainError('invalid', problems.join('; '), problems.map((message) => ({ field, message })));
  }
}

/** Opens a case that does not come from the draw (R11); answers once the case row exists. */
export async function openNonRandomCase(services: CaseServices, request: NonRandomCaseRequest) {
  const { db, temporal, taskQueue, caseTiming } = services;
  const { entity, officers } = await openingFacts(db, request.entityId, request.team, new Date());
  if (!entity) {
    throw new DomainError('invalid', '检查对象不存在 / the entity does not exist', [
      { field: 'body.entityId', message: '未登记的检查对象 / no such entity' },
    ]);
  }
  if (entity.legalStatus !== 'operating') {
    throw new DomainError('conflict', `该主体不在营业状态（${entity.legalStatus}）/ the entity is not operating`);
  }
  checkTeam(officers, request.team);
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

const selectActionTarget = prepared<{ workflowId: string; status: string; team: string[]; entityId: string; conflicted: boolean }>(
  'case_action_target',
  `select c."workflowId", c.status, c.team, c."entityId",
    exists (select from "OfficerConflict" k where k."officerId" = $2::uuid and k."entityId" = c."entityId") as conflicted
  from "InspectionCase" c where c.id = $1::uuid`,
);

/**
 * Runs an action on the case's workflow and answers the case as it then stands. The rules table is applied here
 * first, with what only the database knows (R10 conflicts, the entity's category), and again by the workflow's
 * validator on the live case. Who may act is settled before anything about the case is said.
 */
export async function actOnCase<A extends CaseAction>(services: CaseServices, caseId: string, action: A, input: ActionInput<A>) {
  const { actor } = input;
  const officerId = actor.roles.includes('officer') && UUID.test(actor.id) ? actor.id : null;
  const [row] = await selectActionTarget(services.db, [caseId, officerId]);
  if (!row) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);
  refuseWith(whoMay(action, row.team, actor, { actorConflicted: row.conflicted }));
  const status = row.status as CaseStatus;
  if (finishedStatuses.includes(status)) refuseWith(stateAllows(action, { status, team: row.team, rectificationReported: false }));
  if (action === 'inspection' && status === 'awaiting_inspection') {
    const inspection = input as ActionInput<'inspection'>;
    const items = await itemFacts(services.db, row.entityId, inspection.items.map((item) => item.itemCode));
    refuseWith(checkAction('inspection', { status, team: row.team, rectificationReported: false }, inspection, { now: Date.now(), facts: { items } }));
  }
  await services.temporal.workflow.getHandle(row.workflowId).executeUpdate(caseUpdates[action], { args: [input] });
  return readCase(services, caseId);
}

const selectItemFacts = prepared<{ facts: NonNullable<CaseFacts['items']> }>(
  'case_item_facts',
  `select json_build_object(
    'entityCategory', (select n.category from "Entity" n where n.id = $1::uuid),
    'categoriesOf', coalesce((select json_object_agg(i.code, i.categories) from "InspectionItem" i where i.code = any($2::text[])), '{}')
  ) as facts`,
);

/** The entity's category and the categories of the named items the directory knows, in one prepared statement. */
async function itemFacts(db: Db, entityId: string, itemCodes: string[]): Promise<NonNullable<CaseFacts['items']>> {
  const [row] = await selectItemFacts(db, [entityId, itemCodes]);
  return row!.facts;
}

/** A refusal of the rules table as the API answers it (403, 409, 422 naming the body's field). */
export function refuseWith(refusal: Refusal | undefined): void {
  if (!refusal) return;
  throw new DomainError(refusal.kind, refusal.message, refusal.field ? [{ field: `body.${refusal.field}`, message: refusal.message }] : []);
}

export async function hasDeclaredConflict(db: Db, officerId: string, entityId: string): Promise<boolean> {
  return (await db.officerConflict.findUnique({ where: { officerId_entityId: { officerId, entityId } }, select: { id: true } })) !== null;
}

export const conflictRefusal = () =>
  new DomainError('refused', '您已申报与该对象存在利害关系，应当回避 / you declared a conflict with this entity and must recuse (R10)');

const LIVE_STATE_WAIT_MS = 2_000;

/** The Temporal execution status that the recorded case status implies (without asking Temporal). */
export function recordedExecutionStatus(status: string): 'RUNNING' | 'COMPLETED' {
  return finishedStatuses.includes(status as CaseStatus) ? 'COMPLETED' : 'RUNNING';
}

interface CaseDocument {
  id: string;
  workflowId: string;
  status: string;
  origin: CaseOrigin;
  originReason: string | null;
  planId: string | null;
  team: string[];
  openedBy: string;
  openedAt: string;
  closedAt: string | null;
  endReason: string | null;
  resultCategory: string | null;
  inspectionDueAt: string | null;
  rectificationDeadline: string | null;
  revisitDueAt: string | null;
  escalationLevel: number;
  publishedAt: string | null;
  creditPushedAt: string | null;
  entity: CaseDetail['entity'];
  events: Array<{ kind: string; actor: string; reason: string | null; at: string; data: Prisma.JsonValue }>;
  records: Array<{ kind: string; recordedBy: string; recordedAt: string; data: Prisma.JsonValue }>;
  dispositions: Array<Omit<CaseDetail['dispositions'][number], 'details'> & { details: Prisma.JsonValue }>;
  publication: { publishedAt: string; content: Prisma.JsonValue } | null;
  officers: Array<{ id: string; name: string; unit: string | null }>;
  users: Array<{ id: string; displayName: string }>;
}

/**
 * The case, its entity, timeline, records, dispositions, publication and the names of those who acted, in one
 * prepared statement: one round trip replaces six, planned once per connection. Officers act under their
 * directory id, the office and leadership under their user id; ids that are not UUIDs (`system`, roles) name no one.
 */
const selectCaseDocument = prepared<{ doc: CaseDocument }>(
  'case_document',
  `with c as (select * from "InspectionCase" where id = $1::uuid),
  actor_ids as (
    select distinct x::uuid as id from (
      select unnest(c.team) as x from c
      union all select e.actor from "CaseEvent" e where e."caseId" = $1::uuid
      union all select r."recordedBy" from "CaseRecord" r where r."caseId" = $1::uuid
    ) ids
    where x ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  )
  select json_build_object(
    'id', c.id, 'workflowId', c."workflowId", 'status', c.status, 'origin', c.origin, 'originReason', c."originReason",
    'planId', c."planId", 'team', c.team, 'openedBy', c."openedBy", 'openedAt', c."openedAt", 'closedAt', c."closedAt",
    'endReason', c."endReason", 'resultCategory', c."resultCategory", 'inspectionDueAt', c."inspectionDueAt",
    'rectificationDeadline', c."rectificationDeadline",
    'revisitDueAt', c."revisitDueAt", 'escalationLevel', c."escalationLevel", 'publishedAt', c."publishedAt",
    'creditPushedAt', c."creditPushedAt",
    'entity', (select json_build_object('id', n.id, 'uscc', n.uscc, 'name', n.name, 'legalStatus', n."legalStatus", 'category', n.category) from "Entity" n where n.id = c."entityId"),
    'events', coalesce((select json_agg(json_build_object('kind', e.kind, 'actor', e.actor, 'reason', e.reason, 'at', e.at, 'data', e.data) order by e.at, e.id)
      from "CaseEvent" e where e."caseId" = c.id), '[]'),
    'records', coalesce((select json_agg(json_build_object('kind', r.kind, 'recordedBy', r."recordedBy", 'recordedAt', r."recordedAt", 'data', r.data) order by r.id)
      from "CaseRecord" r where r."caseId" = c.id), '[]'),
    'dispositions', coalesce((select json_agg(json_build_object('id', d.id, 'kind', d.kind, 'status', d.status, 'details', d.details,
      'recordedBy', d."recordedBy", 'recordedAt', d."recordedAt") order by d."recordedAt") from "Disposition" d where d."caseId" = c.id), '[]'),
    'publication', (select json_build_object('publishedAt', p."publishedAt", 'content', p.content) from "Publication" p where p."caseId" = c.id),
    'officers', coalesce((select json_agg(json_build_object('id', o.id, 'name', o.name, 'unit', o.unit)) from "Officer" o where o.id in (select id from actor_ids)), '[]'),
    'users', coalesce((select json_agg(json_build_object('id', u.id, 'displayName', u."displayName")) from "User" u where u.id in (select id from actor_ids)), '[]')
  ) as doc
  from c`,
);

async function loadCaseDocument(db: Db, caseId: string): Promise<CaseDocument | null> {
  const [row] = await selectCaseDocument(db, [caseId]);
  return row?.doc ?? null;
}

/** PostgreSQL's JSON timestamps (`2026-11-26T08:00:00.123+00:00`) as the API's ISO form. */
const isoOf = (value: string) => new Date(value).toISOString();
const isoOrNull = (value: string | null) => (value === null ? null : isoOf(value));

/**
 * The case as the database records it, in one query. `workflow.status` is the execution status the recorded
 * case status implies (RUNNING until the case is closed, cancelled or ended, then COMPLETED); with `live`, it is
 * Temporal's own, and `workflow.state` the running workflow's state (a query, which costs a round trip to a worker).
 */
export async function readCase(
  { db, temporal }: Pick<CaseServices, 'db' | 'temporal'>,
  caseId: string,
  { live = false } = {},
): Promise<CaseDetail> {
  const row = await loadCaseDocument(db, caseId);
  if (!row) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);

  let executionStatus: string = recordedExecutionStatus(row.status);
  let liveState: CaseState | null = null;
  if (live) {
    const handle = temporal.workflow.getHandle(row.workflowId);
    executionStatus = (await handle.describe()).status.name;
    // A query needs a worker; leadership still gets the recorded status when none is running.
    if (executionStatus === 'RUNNING') {
      liveState = await Promise.race([
        handle.query(getCaseState).catch(() => null),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), LIVE_STATE_WAIT_MS).unref()),
      ]);
    }
  }
  const memberById = new Map(row.officers.map((officer) => [officer.id, officer]));
  const actorNames = Object.fromEntries([...row.users.map((user) => [user.id, user.displayName]), ...row.officers.map((officer) => [officer.id, officer.name])]);
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
    openedAt: isoOf(row.openedAt),
    closedAt: isoOrNull(row.closedAt),
    endReason: row.endReason,
    resultCategory: row.resultCategory,
    inspectionDueAt: isoOrNull(row.inspectionDueAt),
    rectificationDeadline: isoOrNull(row.rectificationDeadline),
    revisitDueAt: isoOrNull(row.revisitDueAt),
    escalationLevel: row.escalationLevel,
    publishedAt: isoOrNull(row.publishedAt),
    creditPushedAt: isoOrNull(row.creditPushedAt),
    entity: row.entity,
    timeline: row.events.map((event) => ({ kind: event.kind, actor: event.actor, reason: event.reason, at: isoOf(event.at), data: event.data })),
    records: row.records.map((record) => ({ kind: record.kind, recordedBy: record.recordedBy, recordedAt: isoOf(record.recordedAt), data: record.data })),
    dispositions: row.dispositions.map((disposition) => ({ ...disposition, recordedAt: isoOf(disposition.recordedAt) })),
    publication: row.publication ? { publishedAt: isoOf(row.publication.publishedAt), content: row.publication.content } : null,
    workflow: { id: row.workflowId, status: executionStatus, state: liveState as unknown as Record<string, unknown> | null },
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
  /** Exactly this escalation level: 1 the brigade office, 2 leadership (R13). */
  escalationLevel?: number;
  /** Exactly this team, its members in any order: not the officers' cases in other teams. */
  team?: string[];
  /** Whether an inspection has been recorded (R5: what makes an entity inspected). */
  inspected?: boolean;
  /** The latest inspection result covered this item. */
  itemCode?: string;
  /** With itemCode: that item had a failed checkpoint in the latest inspection result. */
  itemResult?: 'failed';
  page: number;
  pageSize: number;
}

/**
 * The ids of the cases kept by the filters Prisma cannot express: a team compared as a set (the dashboard groups
 * teams whatever order their members are stored in), and an item of the latest inspection result only (a result
 * sent back on review no longer counts, as on the dashboard). Undefined when neither filter is asked for.
 */
async function caseIdsByTeamAndItem(db: Db, filter: CaseFilter): Promise<string[] | undefined> {
  if (!filter.team && !filter.itemCode) return undefined;
  const team = filter.team ?? null;
  const itemCode = filter.itemCode ?? null;
  const failedOnly = filter.itemResult === 'failed';
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    select c.id from "InspectionCase" c
    where (${team}::text[] is null or (c.team @> ${team}::text[] and c.team <@ ${team}::text[]))
      and (${itemCode}::text is null or exists (
        select from (select r.data from "CaseRecord" r where r."caseId" = c.id and r.kind = 'inspection' order by r.id desc limit 1) latest,
          jsonb_array_elements(latest.data->'items') as item
        where item->>'itemCode' = ${itemCode}::text
          and (not ${failedOnly}::boolean or exists (
            select from jsonb_array_elements(item->'checkpoints') as checkpoint where (checkpoint->>'passed')::boolean = false))))`;
  return rows.map((row) => row.id);
}

/**
 * Lists from the projection; `overdue` means a drawn case uninspected after its plan's period, past the
 * rectification deadline without a revisit, or escalated.
 */
export async function listCases(db: Db, filter: CaseFilter, now = new Date()) {
  const matchingIds = await caseIdsByTeamAndItem(db, filter);
  const where: Prisma.InspectionCaseWhereInput = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.planId ? { planId: filter.planId } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.officerId ? { team: { has: filter.officerId } } : {}),
    ...(filter.origin ? { origin: filter.origin } : {}),
    ...(filter.year ? { openedAt: { gte: yearBounds(filter.year).from, lt: yearBounds(filter.year).to } } : {}),
    ...(filter.escalated ? { status: 'awaiting_revisit', escalationLevel: { gt: 0 } } : {}),
    // Under AND so that it narrows `escalated` rather than replacing its condition.
    ...(filter.escalationLevel !== undefined ? { AND: [{ escalationLevel: filter.escalationLevel }] } : {}),
    ...(filter.inspected !== undefined ? { records: filter.inspected ? { some: { kind: 'inspection' } } : { none: { kind: 'inspection' } } } : {}),
    ...(matchingIds ? { id: { in: matchingIds } } : {}),
    ...(filter.overdue
      ? {
          OR: [
            { status: 'awaiting_inspection', inspectionDueAt: { lt: now } },
            { status: 'rectifying', rectificationDeadline: { lt: now } },
            { status: 'awaiting_revisit', revisitDueAt: { lt: now } },
            { status: 'awaiting_revisit', escalationLevel: { gt: 0 } },
          ],
        }
      : {}),
  };
  return paged(
    db,
    filter,
    {
      count: db.inspectionCase.count({ where }),
      findMany: (window) =>
        db.inspectionCase.findMany({
          where,
          include: { entity: { select: { id: true, uscc: true, name: true } } },
          orderBy: [{ openedAt: 'desc' }, { id: 'asc' }],
          ...window,
        }),
    },
    (row): CaseSummary => ({
      id: row.id,
      status: row.status as CaseStatus,
      origin: row.origin,
      planId: row.planId,
      team: row.team,
      entity: row.entity,
      openedAt: row.openedAt.toISOString(),
      inspectionDueAt: row.inspectionDueAt?.toISOString() ?? null,
      rectificationDeadline: row.rectificationDeadline?.toISOString() ?? null,
      revisitDueAt: row.revisitDueAt?.toISOString() ?? null,
      escalationLevel: row.escalationLevel,
      closedAt: row.closedAt?.toISOString() ?? null,
    }),
  );
}
