// Appending to and verifying the hash-chained audit log (R20).
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { prepared } from '../db/prepared';
import { auditContentJson, verifyChain, type ChainVerdict } from '../domain/auditChain';

export interface AuditRecord {
  actor: string;
  action: string;
  target?: string | null;
  reason?: string | null;
  data?: Prisma.InputJsonValue;
}

/** What a write to a directory record replaced, for its audit entry (R20). */
export type Change = {
  before: Prisma.InputJsonObject;
  after: Prisma.InputJsonObject;
};

// One writer at a time extends the chain, under an advisory lock. lock_audit_chain() takes it in the argument
// and append_audit_entry() reads the last hash and inserts the entry (prisma/migrations/…_audit_append_function),
// in one statement: the lock is held inside PostgreSQL only, never across round trips to a busy API process.
// Every audited write passes through it.

const appendEntry = prepared(
  'audit_append',
  `select append_audit_entry(lock_audit_chain(), $1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::text)`,
);

export async function appendAudit(db: Db, record: AuditRecord, at = new Date()): Promise<void> {
  const content = {
    at: at.toISOString(),
    actor: record.actor,
    action: record.action,
    target: record.target ?? null,
    reason: record.reason ?? null,
    data: record.data ?? {},
  };
  // The database computes the hash as auditHash does: sha256(prevHash, '\n', the canonical JSON of the content).
  await appendEntry(db, [content.at, content.actor, content.action, content.target, content.reason, JSON.stringify(content.data), auditContentJson(content)]);
}

export async function verifyAudit(db: Db): Promise<ChainVerdict> {
  const rows = await db.auditEntry.findMany({ orderBy: { seq: 'asc' } });
  return verifyChain(
    rows.map((row) => ({
      seq: String(row.seq),
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      target: row.target,
      reason: row.reason,
      data: row.data,
      prevHash: row.prevHash,
      hash: row.hash,
    })),
  );
}
