// Case projection writes. Each is one statement or transaction keyed by the timeline event it records, so a
// retried activity leaves exactly one event and the same row.
import { randomInt } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { insertNotificationFrom, prepared } from '../db/prepared';
import { DomainError } from '../domain/errors';
import { pickReplacement } from '../domain/replacement';
import { endOfChinaDay } from '../domain/deadlines';
import { initialDispositionStatus } from '../domain/dispositions';
import type { CaseOrigin, CaseStatus, DispositionKind } from '../domain/inspectionCase';
import type { NotificationRequest } from './notifications';

export interface CaseOpening {
  caseId: string;
  workflowId: string;
  entityId: string;
  origin: CaseOrigin;
  originReason?: string;
  planId?: string;
  team: string[];
  openedBy: string;
  openedAt: string;
  /** The team's assignment, stored with the opening. */
  notification?: NotificationRequest;
  /** 随机抽查通知书 sent (not for an unannounced visit): a timeline event of its own, written with the opening. */
  inspectionNoticeSent?: boolean;
  /** What the notice says (its items and what to prepare), kept with that event for the printed notice. */
  inspectionNotice?: InspectionNotice;
  /** A drawn case is to be inspected by this instant (the end of its plan's period). */
  inspectionDueAt?: string;
}

/** 随机抽查告知书: what the entity is told before the visit, as it was when the case opened. */
export interface InspectionNotice {
  planNumber: string | null;
  items: Array<{ code: string; name: string; legalBasis: string; preparation: string | null }>;
  /** Every item of the plan is inspected unannounced (不预先告知): no notice is sent. Only announced items are listed. */
  unannounced: boolean;
}

export interface PlanCaseFacts {
  notice: InspectionNotice;
  /** ISO instant; null for a draw without a plan. */
  inspectionDueAt: string | null;
}

export interface CaseFields {
  rectificationDeadline?: string | null;
  revisitDueAt?: string | null;
  escalationLevel?: number;
  resultCategory?: string;
  team?: string[];
  closedAt?: string;
  endReason?: string;
}

export interface CaseProgress {
  caseId: string;
  /** Unique within the case: what makes the write happen once however often it is retried. */
  eventKey: string;
  kind: string;
  actor: string;
  at: string;
  reason?: string;
  status?: CaseStatus;
  fields?: CaseFields;
  /** An officer's record (inspection, review, order, report, revisit) stored with the event. */
  record?: { kind: string; data: Prisma.InputJsonValue };
  data?: Prisma.InputJsonValue;
  /** Whom the step concerns, told in the same statement. */
  notification?: NotificationRequest;
}

const recordOpening = prepared(
  'case_opened',
  `with opened as (
    insert into "InspectionCase" (id, "workflowId", "entityId", origin, "originReason", "planId", team, status, "openedBy", "openedAt", "inspectionDueAt", "updatedAt")
    values ($1::uuid, $2::text, $3::uuid, $4::text::"CaseOrigin", $5::text, $6::text, $7::text[], 'awaiting_inspection', $8::text, $9::timestamptz, $14::timestamptz, now())
    on conflict (id) do nothing
  ),
  notified as (${insertNotificationFrom('$12')})
  insert into "CaseEvent" ("caseId", "eventKey", kind, actor, reason, data, at)
  select $1::uuid, 'opened', 'opened', $8::text, $5::text, $10::jsonb, $9::timestamptz
  union all
  select $1::uuid, 'inspection-notice', 'inspection_notice_sent', 'system', null, coalesce($13::jsonb, '{}'::jsonb), $9::timestamptz where $11::boolean
  on conflict ("caseId", "eventKey") do nothing`,
);

const recordProgress = prepared(
  'case_progress',
  `with input as (select $9::jsonb as f),
  event as (
    insert into "CaseEvent" ("caseId", "eventKey", kind, actor, reason, data, at)
    values ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::timestamptz)
    on conflict ("caseId", "eventKey") do nothing
    returning 1
  ),
  updated as (
    update "InspectionCase" c set
      status = coalesce($8::text, c.status),
      "rectificationDeadline" = case when f ? 'rectificationDeadline' then (f->>'rectificationDeadline')::timestamptz else c."rectificationDeadline" end,
      "revisitDueAt" = case when f ? 'revisitDueAt' then (f->>'revisitDueAt')::timestamptz else c."revisitDueAt" end,
      "escalationLevel" = case when f ? 'escalationLevel' then (f->>'escalationLevel')::int else c."escalationLevel" end,
      "resultCategory" = case when f ? 'resultCategory' then f->>'resultCategory' else c."resultCategory" end,
      team = case when f ? 'team' then array(select jsonb_array_elements_text(f->'team')) else c.team end,
      "closedAt" = case when f ? 'closedAt' then (f->>'closedAt')::timestamptz else c."closedAt" end,
      "endReason" = case when f ? 'endReason' then f->>'endReason' else c."endReason" end,
      "updatedAt" = now()
    from input
    where c.id = $1::uuid and exists (select from event)
  ),
  recorded as (
    insert into "CaseRecord" ("caseId", "recordKey", kind, data, "recordedBy", "recordedAt")
    select $1::uuid, $2::text, $10::text, $11::jsonb, $4::text, $7::timestamptz
    where $10::text is not null and exists (select from event)
    on conflict ("caseId", "recordKey") do nothing
  ),
  notified as (${insertNotificationFrom('$12')})
  select 1`,
);

const publish = prepared<{ found: number }>(
  'case_publish',
  `with c as (
    select c.id, n.name, n.uscc from "InspectionCase" c join "Entity" n on n.id = c."entityId" where c.id = $1::uuid
  ),
  published as (
    insert into "Publication" ("caseId", "entityName", "entityUscc", content, "publishedAt")
    select c.id, c.name, c.uscc, $2::jsonb, $3::timestamptz from c
    on conflict ("caseId") do nothing
  ),
  stamped as (
    update "InspectionCase" set "publishedAt" = coalesce("publishedAt", $3::timestamptz), "updatedAt" = now()
    where id in (select id from c)
  ),
  event as (
    insert into "CaseEvent" ("caseId", "eventKey", kind, actor, data, at)
    select c.id, 'published', 'published', 'system', '{}'::jsonb, $3::timestamptz from c
    on conflict ("caseId", "eventKey") do nothing
  )
  select count(*)::int as found from c`,
);

type Transaction = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A retried activity finds its timeline event already written, and then writes nothing else either. */
async function alreadyRecorded(tx: Transaction, caseId: string, eventKey: string): Promise<boolean> {
  return (await tx.caseEvent.findUnique({ where: { caseId_eventKey: { caseId, eventKey } }, select: { id: true } })) !== null;
}

export function caseActivities(db: Db) {
  return {
    // The hot writes are single prepared statements (db/prepared.ts). ON CONFLICT on the unique keys (case id,
    // (caseId, eventKey), (caseId, recordKey), (notifyKey, recipient)) keeps a retried activity from writing twice.
    async recordCaseOpened(opening: CaseOpening): Promise<void> {
      await recordOpening(db, [
        opening.caseId,
        opening.workflowId,
        opening.entityId,
        opening.origin,
        opening.originReason ?? null,
        opening.planId ?? null,
        opening.team,
        opening.openedBy,
        opening.openedAt,
        JSON.stringify({ origin: opening.origin, team: opening.team }),
        opening.inspectionNoticeSent ?? false,
        opening.notification ? JSON.stringify(opening.notification) : null,
        opening.inspectionNotice ? JSON.stringify(opening.inspectionNotice) : null,
        opening.inspectionDueAt ?? null,
      ]);
    },

    /**
     * One statement: the timeline event is inserted first, and the case row and the officer's record change
     * only when it was (a retry finds the event and changes nothing). Fields left undefined keep their value.
     * An unknown case fails the statement on the event's foreign key, and the activity is retried.
     */
    async recordCaseProgress(progress: CaseProgress): Promise<void> {
      await recordProgress(db, [
        progress.caseId,
        progress.eventKey,
        progress.kind,
        progress.actor,
        progress.reason ?? null,
        JSON.stringify(progress.data ?? (progress.status ? { status: progress.status } : {})),
        progress.at,
        progress.status ?? null,
        JSON.stringify(progress.fields ?? {}),
        progress.record?.kind ?? null,
        progress.record ? JSON.stringify(progress.record.data) : null,
        progress.notification ? JSON.stringify(progress.notification) : null,
      ]);
    },

    /**
     * What a plan's case needs from its plan when it opens: the inspection notice (the items announced in advance,
     * what to prepare, or none at all when every item is unannounced) and when the inspection is due: by the end
     * of the plan's last day, China time.
     */
    async planCaseFacts(request: { planId: string }): Promise<PlanCaseFacts> {
      const plan = await db.plan.findUnique({ where: { id: request.planId }, select: { number: true, itemCodes: true, periodEnd: true } });
      if (!plan) return { notice: { planNumber: null, items: [], unannounced: false }, inspectionDueAt: null };
      const items = await db.inspectionItem.findMany({
        where: { code: { in: plan.itemCodes } },
        select: { code: true, name: true, legalBasis: true, preparation: true, notice: true },
        orderBy: { code: 'asc' },
      });
      // An item inspected unannounced is not named in the notice: naming it would announce it.
      const announced = items.filter((item) => item.notice !== 'unannounced');
      return {
        notice: {
          planNumber: plan.number,
          items: announced.map(({ notice: _notice, ...item }) => item),
          unannounced: items.length > 0 && announced.length === 0,
        },
        inspectionDueAt: endOfChinaDay(plan.periodEnd.toISOString().slice(0, 10)),
      };
    },

    /** The rectification periods the plan and the directory set (R12); the workflow decides which applies. */
    async rectificationPeriodsOf(request: { planId?: string; itemCodes: string[] }): Promise<{ planDays: number | null; itemDays: Record<string, number | null> }> {
      const [plan, items] = await Promise.all([
        request.planId ? db.plan.findUnique({ where: { id: request.planId }, select: { rectificationDays: true } }) : null,
        db.inspectionItem.findMany({ where: { code: { in: request.itemCodes } }, select: { code: true, defaultRectificationDays: true } }),
      ]);
      return {
        planDays: plan?.rectificationDays ?? null,
        itemDays: Object.fromEntries(items.map((item) => [item.code, item.defaultRectificationDays])),
      };
    },

    /**
     * R10: an eligible replacement for a recused officer — valid certificate on the day, active, not on the
     * team, no declared conflict with the entity — drawn by chance among those with the fewest open cases (R7).
     */
    async findReplacementOfficer(request: { entityId: string; team: string[]; on: string }): Promise<string> {
      const day = new Date(`${request.on.slice(0, 10)}T00:00:00Z`);
      const candidates = await db.officer.findMany({
        where: {
          active: true,
          certificateWithdrawn: false,
          certificateValidUntil: { gte: day },
          OR: [{ certificateValidFrom: null }, { certificateValidFrom: { lte: day } }],
          id: { notIn: request.team },
          conflicts: { none: { entityId: request.entityId } },
        },
        select: { id: true },
      });
      const openCases = await db.$queryRaw<Array<{ officer: string; cases: bigint }>>`
        select unnest(team) as officer, count(*) as cases from "InspectionCase" where "closedAt" is null group by 1`;
      const casesOf = new Map(openCases.map((row) => [row.officer, Number(row.cases)]));
      // An activity's result is recorded in the case's history, so the chance taken here is taken once.
      const picked = pickReplacement(
        candidates.map((candidate) => ({ id: candidate.id, openCases: casesOf.get(candidate.id) ?? 0 })),
        (count) => randomInt(count),
      );
      if (!picked) throw new DomainError('conflict', '没有符合回避要求的替换执法人员 / no eligible officer is left to replace the recused one');
      return picked;
    },

    async recordConflict(conflict: { id: string; officerId: string; entityId: string; relation: string; note?: string; at: string }) {
      await db.officerConflict.upsert({
        where: { officerId_entityId: { officerId: conflict.officerId, entityId: conflict.entityId } },
        update: {},
        create: {
          id: conflict.id,
          officerId: conflict.officerId,
          entityId: conflict.entityId,
          relation: conflict.relation,
          note: conflict.note ?? null,
          declaredBy: conflict.officerId,
          declaredAt: new Date(conflict.at),
        },
      });
    },

    async recordDispositions(request: {
      caseId: string;
      eventKey: string;
      actor: string;
      at: string;
      dispositions: Array<{ id: string; kind: string; details: Prisma.InputJsonValue }>;
    }): Promise<void> {
      await db.$transaction(async (tx) => {
        if (await alreadyRecorded(tx, request.caseId, request.eventKey)) return;
        await tx.disposition.createMany({
          data: request.dispositions.map((disposition) => ({
            id: disposition.id,
            caseId: request.caseId,
            kind: disposition.kind,
            status: initialDispositionStatus(disposition.kind as DispositionKind),
            details: disposition.details,
            recordedBy: request.actor,
            recordedAt: new Date(request.at),
          })),
        });
        await tx.caseEvent.create({
          data: {
            caseId: request.caseId,
            eventKey: request.eventKey,
            kind: 'disposition_recorded',
            actor: request.actor,
            data: { kinds: request.dispositions.map((disposition) => disposition.kind) },
            at: new Date(request.at),
          },
        });
      });
    },

    /** R16: the public record, with what the law allows to publish and nothing more. One statement, idempotent. */
    async publishResult(request: { caseId: string; at: string; content: Prisma.InputJsonValue }): Promise<void> {
      const [found] = await publish(db, [request.caseId, JSON.stringify(request.content), request.at]);
      if (!found?.found) throw new Error(`no case ${request.caseId} to publish`);
    },

    /** The decision recorded for a penalty (R14): the note and time of its 'decided' step. */
    async penaltyDecisionOf(request: { caseId: string; dispositionId: string }): Promise<{ decision: string; decidedAt: string }> {
      const event = await db.caseEvent.findUnique({
        where: { caseId_eventKey: { caseId: request.caseId, eventKey: `disposition-${request.dispositionId}-decided` } },
        select: { reason: true, at: true },
      });
      // Retried: the request that started the workflow commits the step a moment later, or was refused.
      if (!event?.reason) throw new Error(`no decision recorded yet for penalty ${request.dispositionId}`);
      return { decision: event.reason, decidedAt: event.at.toISOString() };
    },

    /**
     * A penalty decided after publication (R16): the disposition and the public record take the decision; answers
     * the amended public record as the credit platform receives it. Retried until the case's own publication exists.
     * Writing the same decision twice changes nothing.
     */
    async publishPenaltyDecision(request: { caseId: string; dispositionId: string; decision: string; decidedAt: string }): Promise<Prisma.InputJsonObject> {
      return db.$transaction(async (tx) => {
        const disposition = await tx.disposition.findFirst({ where: { id: request.dispositionId, caseId: request.caseId, kind: 'penalty' } });
        if (!disposition) throw new DomainError('not_found', `本案没有这项处罚 / the case has no penalty ${request.dispositionId}`);
        const publication = await tx.publication.findUnique({ where: { caseId: request.caseId } });
        if (!publication) throw new Error(`case ${request.caseId} is not published yet`);
        const previous = disposition.details as Prisma.JsonObject;
        await tx.disposition.update({ where: { id: disposition.id }, data: { details: { ...previous, decision: request.decision, decidedAt: request.decidedAt } } });
        const content = publication.content as Prisma.JsonObject & { penalties?: Array<Prisma.JsonObject> };
        const penalties = (content.penalties ?? []).map((penalty) =>
          penalty.caseFilingNumber === previous.caseFilingNumber ? { ...penalty, decision: request.decision, decidedAt: request.decidedAt } : penalty,
        );
        const amended = { ...content, penalties };
        await tx.publication.update({ where: { caseId: request.caseId }, data: { content: amended } });
        return { ...amended, caseId: request.caseId, publishedAt: publication.publishedAt.toISOString() } as Prisma.InputJsonObject;
      });
    },

    async addToBlacklist(request: { id: string; entityId: string; caseId: string; reason: string; at: string }) {
      await db.blacklistEntry.upsert({
        where: { entityId_caseId: { entityId: request.entityId, caseId: request.caseId } },
        update: {},
        create: { id: request.id, entityId: request.entityId, caseId: request.caseId, reason: request.reason, listedAt: new Date(request.at) },
      });
    },
  };
}
