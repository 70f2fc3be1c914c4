// Appending to and verifying the hash-chained audit log (R20).
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { prepared } from '../db/prepared';
import { auditContentJson, storableContent, verifyChain, type ChainBreak, type ChainCheckpoint, type PoisonedEntry } from '../domain/auditChain';
import { checkpointSignatureHolds, knownCheckpoints, type AuditVerifyingKey } from './auditCheckpoints';

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
  // The canonical form is what is both hashed and stored: text PostgreSQL cannot keep (NUL, a lone surrogate)
  // is replaced before hashing, never by the driver after it.
  const content = storableContent({
    at: at.toISOString(),
    actor: record.actor,
    action: record.action,
    target: record.target ?? null,
    reason: record.reason ?? null,
    data: record.data ?? {},
  });
  // The database computes the hash as auditHash does: sha256(prevHash, '\n', the canonical JSON of the content).
  await appendEntry(db, [content.at, content.actor, content.action, content.target, content.reason, JSON.stringify(content.data), auditContentJson(content)]);
}

export type AuditBreak = ChainBreak | { seq: string; problem: 'forged_checkpoint'; detail: string };

export interface AuditVerdict {
  valid: boolean;
  entries: number;
  head: { seq: string; hash: string } | null;
  /** The first break, when there is one (the same as `breaks[0]`). */
  brokenAt?: string;
  problem?: AuditBreak['problem'];
  breaks: AuditBreak[];
  poisoned: PoisonedEntry[];
  checkpoints: {
    keyId: string | null;
    verified: number;
    file: 'found' | 'missing' | 'not_configured';
    latest: ChainCheckpoint | null;
    entriesAfterLatest: number;
  };
}

export interface AuditVerification {
  /** The public key checkpoints are checked with; without it they cannot be trusted and are not used. */
  verifyingKey?: AuditVerifyingKey;
  checkpointFile?: string;
}

async function chainEntries(db: Db) {
  const rows = await db.auditEntry.findMany({ orderBy: { seq: 'asc' } });
  return rows.map((row) => ({
    seq: String(row.seq),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    reason: row.reason,
    data: row.data,
    prevHash: row.prevHash,
    hash: row.hash,
  }));
}

/**
 * Every break of the chain, each entry checked on its own so that one break hides no other, the entries that
 * were poisoned at writing (not tampering) apart, and the chain held against every checkpoint whose signature holds.
 */
export async function verifyAudit(db: Db, { verifyingKey, checkpointFile }: AuditVerification = {}): Promise<AuditVerdict> {
  const entries = await chainEntries(db);
  const known = verifyingKey ? await knownCheckpoints(db, checkpointFile) : undefined;
  const signed = known?.all.filter((checkpoint) => checkpointSignatureHolds(verifyingKey!, checkpoint)) ?? [];
  const forged: AuditBreak[] = (known?.all ?? [])
    .filter((checkpoint) => !signed.includes(checkpoint))
    .map((checkpoint) => ({
      seq: checkpoint.seq,
      problem: 'forged_checkpoint' as const,
      detail: '检查点的签名不成立（不是本系统的密钥所签）/ the checkpoint\'s signature does not hold: it was not signed by this system\'s key',
    }));
  const report = verifyChain(entries, signed);
  const breaks = [...report.breaks, ...forged];
  return {
    valid: breaks.length === 0,
    entries: report.entries,
    head: report.head,
    ...(breaks[0] ? { brokenAt: breaks[0].seq, problem: breaks[0].problem } : {}),
    breaks,
    poisoned: report.poisoned,
    checkpoints: {
      keyId: verifyingKey?.keyId ?? null,
      verified: signed.length,
      file: !checkpointFile || !verifyingKey ? 'not_configured' : known?.fileFound ? 'found' : 'missing',
      latest: report.latestCheckpoint,
      entriesAfterLatest: report.entriesAfterLatestCheckpoint,
    },
  };
}
