// 执法人员 (R2): changes to an officer's unit, post, affiliation and certificate, each answered with its before
// and after so the audit log shows what changed (R20).
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import type { Db, DbTransaction, Officer } from '../db/client';
import { DomainError } from '../domain/errors';
import type { Change } from './audit';

export interface NewOfficer {
  name: string;
  unit?: string;
  affiliation?: string;
  post?: string;
  gender?: 'male' | 'female';
  certificateNumber: string;
  certificateValidFrom?: string;
  certificateValidUntil: string;
  specialties: string[];
}

/** Where an officer stands: unit, post and affiliation move together in one posting. */
export interface Placement {
  unit?: string;
  post?: string;
  affiliation?: string;
}

type Placed = Pick<Officer, 'id' | 'unit' | 'post' | 'affiliation'>;

/** The officer, locked until the transaction ends: "before" is then exactly what this change replaces. */
async function lockedOfficer(tx: DbTransaction, id: string): Promise<Officer> {
  await tx.$executeRaw`select 1 from "Officer" where id = ${id}::uuid for update`;
  const officer = await tx.officer.findUnique({ where: { id } });
  if (!officer) throw new DomainError('not_found', `执法人员不存在 / no officer ${id}`);
  return officer;
}

/**
 * A move between units or posts is recorded, not overwritten; bulk imports record theirs the same way. What
 * `to` leaves out stays as it was, so each row reads as the whole placement before and after.
 */
export function postingRecord(officer: Placed, to: Placement, reason: string | null, actor: string): Prisma.OfficerPostingCreateManyInput {
  return {
    id: randomUUID(),
    officerId: officer.id,
    fromUnit: officer.unit,
    toUnit: to.unit ?? officer.unit,
    fromPost: officer.post,
    toPost: to.post ?? officer.post,
    fromAffiliation: officer.affiliation,
    toAffiliation: to.affiliation ?? officer.affiliation,
    reason,
    changedBy: actor,
    changedAt: new Date(),
  };
}

export async function moveOfficer(db: Db, id: string, to: Placement, reason: string | undefined, actor: string): Promise<Change> {
  return db.$transaction(async (tx) => {
    const officer = await lockedOfficer(tx, id);
    const fields = (Object.keys(to) as Array<keyof Placement>).filter((field) => to[field] !== undefined);
    await tx.officer.update({ where: { id }, data: Object.fromEntries(fields.map((field) => [field, to[field]])) });
    await tx.officerPosting.create({ data: postingRecord(officer, to, reason ?? null, actor) });
    return {
      before: Object.fromEntries(fields.map((field) => [field, officer[field]])),
      after: Object.fromEntries(fields.map((field) => [field, to[field]!])),
    };
  });
}

const certificateOf = (officer: Officer) => ({
  certificateValidUntil: officer.certificateValidUntil.toISOString().slice(0, 10),
  certificateWithdrawn: officer.certificateWithdrawn,
});

/** Renewal or withdrawal of the enforcement certificate; a withdrawn or expired one keeps the officer off teams. */
export async function changeCertificate(db: Db, id: string, change: { certificateValidUntil?: string; withdrawn?: boolean }): Promise<Change> {
  return db.$transaction(async (tx) => {
    const before = await lockedOfficer(tx, id);
    const after = await tx.officer.update({
      where: { id },
      data: {
        ...(change.certificateValidUntil ? { certificateValidUntil: new Date(change.certificateValidUntil) } : {}),
        ...(change.withdrawn !== undefined ? { certificateWithdrawn: change.withdrawn } : {}),
      },
    });
    return { before: certificateOf(before), after: certificateOf(after) };
  });
}
