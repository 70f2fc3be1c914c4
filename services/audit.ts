// Appending to and verifying the hash-chained audit log (R20).
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { auditHash, GENESIS_HASH, verifyChain, type ChainVerdict } from '../domain/auditChain';

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

// One writer at a time extends the chain; other transactions wait on this lock, not on each other's rows.
const AUDIT_CHAIN_LOCK = 20_181_042;

export async function appendAudit(db: Db, record: AuditRecord, at = new Date()): Promise<void> {
  const content = {
    at: at.toISOString(),
    actor: record.actor,
    action: record.action,
    target: record.target ?? null,
    reason: record.reason ?? null,
    data: record.data ?? {},
  };
  // Raw SQL: every audited write passes through this lock, so the time held must be PostgreSQL's alone, not the
  // query compiler's. The lock is its own statement: the next one's snapshot must see the previous holder's entry.
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    const last = await tx.$queryRaw<Array<{ hash: string }>>`select hash from "AuditEntry" order by seq desc limit 1`;
    const prevHash = last[0]?.hash ?? GENESIS_HASH;
    await tx.$executeRaw`
      insert into "AuditEntry" (at, actor, action, target, reason, data, "prevHash", hash)
      values (${content.at}::timestamptz, ${content.actor}, ${content.action}, ${content.target}::text, ${content.reason}::text,
        ${JSON.stringify(content.data)}::jsonb, ${prevHash}, ${auditHash(prevHash, content)})`;
  });
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
