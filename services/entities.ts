// 检查对象 (R1): register an entity, read it back with its history, risk flags and blacklist entries.
import { randomUUID } from 'node:crypto';
import type { LegalStatus, Prisma } from '@prisma/client';
import type { Client } from '@temporalio/client';
import type { Db, DbTransaction } from '../db/client';
import { entityLeftMarket } from '../workflows/caseMessages';
import { DomainError } from '../domain/errors';
import type { Change } from './audit';
import { resolveCategories } from './categories';

export interface NewEntity {
  uscc: string;
  name: string;
  legalRepresentative?: string;
  address?: string;
  street?: string;
  category?: string;
  grade?: string;
  riskLevel?: string;
}

export async function registerEntity(db: Db, entity: NewEntity) {
  // A category outside the bureau's list would leave the entity out of every plan's scope without anyone noticing.
  const category = entity.category === undefined ? undefined : (await resolveCategories(db, [entity.category], 'body.category'))[0];
  const existing = await db.entity.findUnique({ where: { uscc: entity.uscc }, select: { id: true } });
  if (existing) {
    throw new DomainError('conflict', `统一社会信用代码已登记 / this credit code is already registered (${existing.id})`, [
      { field: 'body.uscc', message: '已存在 / already exists' },
    ]);
  }
  return db.entity.create({ data: { id: randomUUID(), ...entity, category } });
}

export async function findEntity(db: Db, id: string) {
  const entity = await db.entity.findUnique({ where: { id } });
  if (!entity) throw new DomainError('not_found', `检查对象不存在 / no entity ${id}`);
  return entity;
}

/** A blacklist entry as the bureau reads it: why, when, and the case that found the entity dishonest (R17). */
export const blacklistEntryFields = { id: true, caseId: true, reason: true, listedAt: true } as const;

/** The entity with its legal-status history, its risk flags, current and cleared, and its blacklist entries (R1, R6, R17). */
export async function entityWithHistory(db: Db, id: string) {
  const entity = await db.entity.findUnique({
    where: { id },
    include: {
      statusChanges: { orderBy: { changedAt: 'asc' } },
      riskFlags: { orderBy: { notedAt: 'asc' } },
      blacklist: { select: blacklistEntryFields, orderBy: { listedAt: 'asc' } },
    },
  });
  if (!entity) throw new DomainError('not_found', `检查对象不存在 / no entity ${id}`);
  return entity;
}

/** The entity's active risk flags with their sources, locked until the transaction ends. */
async function activeRiskFlags(tx: DbTransaction, id: string): Promise<Record<string, string>> {
  await tx.$executeRaw`select 1 from "Entity" where id = ${id}::uuid for update`;
  const flags = await tx.entityRiskFlag.findMany({ where: { entityId: id, clearedAt: null }, orderBy: { notedAt: 'asc' } });
  return Object.fromEntries(flags.map((row) => [row.flag, row.source]));
}

export async function noteRiskFlag(db: Db, id: string, flag: string, source: string, actor: string) {
  await findEntity(db, id);
  const change = await db.$transaction(async (tx): Promise<Change> => {
    const before = await activeRiskFlags(tx, id);
    if (flag in before) throw new DomainError('conflict', '该风险标记已存在 / this risk flag is already set', [{ field: 'body.flag', message: '已存在 / already set' }]);
    await tx.entityRiskFlag.create({ data: { id: randomUUID(), entityId: id, flag, source, notedBy: actor, notedAt: new Date() } });
    return { before: { riskFlags: before }, after: { riskFlags: { ...before, [flag]: source } } };
  });
  return { entity: await entityWithHistory(db, id), change };
}

export async function clearRiskFlag(db: Db, id: string, flag: string) {
  const change = await db.$transaction(async (tx): Promise<Change> => {
    const before = await activeRiskFlags(tx, id);
    if (!(flag in before)) throw new DomainError('not_found', `没有生效的风险标记 ${flag} / no active risk flag ${flag}`);
    await tx.entityRiskFlag.updateMany({ where: { entityId: id, flag, clearedAt: null }, data: { clearedAt: new Date() } });
    const { [flag]: _cleared, ...after } = before;
    return { before: { riskFlags: before }, after: { riskFlags: after } };
  });
  return { entity: await entityWithHistory(db, id), change };
}

/**
 * R1: the directory follows the entity's legal status. An entity that leaves the market (deregistered,
 * revoked, moved out) is never drawn again, and its open cases end with that reason.
 */
/** The version a reader saw, as an ETag: a write with If-Match succeeds only if nobody wrote in between. */
export function entityVersion(entity: { updatedAt: Date }): string {
  return `W/"${entity.updatedAt.getTime()}"`;
}

export async function changeLegalStatus(
  { db, temporal }: { db: Db; temporal: Client },
  id: string,
  legalStatus: LegalStatus,
  expectedVersion: string | undefined,
  change: { actor: string; reason?: string },
) {
  const current = await findEntity(db, id);
  const stale = () =>
    new DomainError('precondition_failed', '检查对象已被他人修改，请重新读取后再改 / the entity changed since you read it: read it again');
  if (expectedVersion !== undefined && expectedVersion !== entityVersion(current)) throw stale();
  // The version guard is in the write itself, so a change made between our read and this write also counts.
  await db.$transaction(async (tx) => {
    const { count } = await tx.entity.updateMany({ where: { id, updatedAt: current.updatedAt }, data: { legalStatus } });
    if (count === 0) throw stale();
    await tx.entityStatusChange.create({
      data: { id: randomUUID(), entityId: id, fromStatus: current.legalStatus, toStatus: legalStatus, reason: change.reason ?? null, changedBy: change.actor, changedAt: new Date() },
    });
  });
  const entity = await findEntity(db, id);
  const statusChange: Change = { before: { legalStatus: current.legalStatus }, after: { legalStatus } };
  if (legalStatus === 'operating') return { entity, endedCases: [] as string[], change: statusChange };
  const open = await db.inspectionCase.findMany({ where: { entityId: id, closedAt: null }, select: { id: true, workflowId: true } });
  const at = new Date().toISOString();
  await Promise.all(open.map((row) => temporal.workflow.getHandle(row.workflowId).signal(entityLeftMarket, { legalStatus, at })));
  return { entity, endedCases: open.map((row) => row.id), change: statusChange };
}
