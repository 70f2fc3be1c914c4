// Case projection writes. Each is one transaction keyed by the timeline event it records, so a retried
// activity leaves exactly one event and the same row.
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import type { CaseOrigin, CaseStatus } from '../domain/inspectionCase';

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
}

type Transaction = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A retried activity finds its timeline event already written, and then writes nothing else either. */
async function alreadyRecorded(tx: Transaction, caseId: string, eventKey: string): Promise<boolean> {
  return (await tx.caseEvent.findUnique({ where: { caseId_eventKey: { caseId, eventKey } }, select: { id: true } })) !== null;
}

const asDate = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

export function caseActivities(db: Db) {
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
            planId: opening.planId ?? null,
            team: opening.team,
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
            data: { origin: opening.origin, team: opening.team },
            at: openedAt,
          },
        }),
      ]);
    },

    async recordCaseProgress(progress: CaseProgress): Promise<void> {
      const at = new Date(progress.at);
      const fields = progress.fields ?? {};
      await db.$transaction(async (tx) => {
        if (await alreadyRecorded(tx, progress.caseId, progress.eventKey)) return;
        await tx.inspectionCase.update({
          where: { id: progress.caseId },
          data: {
            ...(progress.status ? { status: progress.status } : {}),
            rectificationDeadline: asDate(fields.rectificationDeadline),
            revisitDueAt: asDate(fields.revisitDueAt),
            escalationLevel: fields.escalationLevel,
            resultCategory: fields.resultCategory,
            team: fields.team,
            closedAt: asDate(fields.closedAt),
            endReason: fields.endReason,
          },
        });
        if (progress.record) {
          await tx.caseRecord.create({
            data: {
              caseId: progress.caseId,
              recordKey: progress.eventKey,
              kind: progress.record.kind,
              data: progress.record.data,
              recordedBy: progress.actor,
              recordedAt: at,
            },
          });
        }
        await tx.caseEvent.create({
          data: {
            caseId: progress.caseId,
            eventKey: progress.eventKey,
            kind: progress.kind,
            actor: progress.actor,
            reason: progress.reason ?? null,
            data: progress.data ?? (progress.status ? { status: progress.status } : {}),
            at,
          },
        });
      });
    },

    /**
     * R10: an eligible replacement for a recused officer — valid certificate on the day, active, not on the
     * team, no declared conflict with the entity — choosing the one with the fewest open cases (R7).
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
      if (candidates.length === 0) {
        throw new DomainError('conflict', '没有符合回避要求的替换执法人员 / no eligible officer is left to replace the recused one');
      }
      const openCases = await db.$queryRaw<Array<{ officer: string; cases: bigint }>>`
        select unnest(team) as officer, count(*) as cases from "InspectionCase" where "closedAt" is null group by 1`;
      const casesOf = new Map(openCases.map((row) => [row.officer, Number(row.cases)]));
      return candidates
        .map((candidate) => ({ id: candidate.id, cases: casesOf.get(candidate.id) ?? 0 }))
        .sort((a, b) => a.cases - b.cases || a.id.localeCompare(b.id))[0]!.id;
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
            status: 'recorded',
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

    /** R16: the public record, with what the law allows to publish and nothing more. */
    async publishResult(request: { caseId: string; at: string; content: Prisma.InputJsonValue }): Promise<void> {
      const at = new Date(request.at);
      const row = await db.inspectionCase.findUniqueOrThrow({ where: { id: request.caseId }, include: { entity: true } });
      await db.$transaction([
        db.publication.upsert({
          where: { caseId: request.caseId },
          update: {},
          create: {
            caseId: request.caseId,
            entityName: row.entity.name,
            entityUscc: row.entity.uscc,
            content: request.content,
            publishedAt: at,
          },
        }),
        db.inspectionCase.update({ where: { id: request.caseId }, data: { publishedAt: row.publishedAt ?? at } }),
        db.caseEvent.upsert({
          where: { caseId_eventKey: { caseId: request.caseId, eventKey: 'published' } },
          update: {},
          create: { caseId: request.caseId, eventKey: 'published', kind: 'published', actor: 'system', data: {}, at },
        }),
      ]);
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
