// The audit log's hash chain (R20): each entry's hash covers its content and the previous entry's hash, so
// changing, removing or reordering any entry breaks every hash after it.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  at: string;
  actor: string;
  action: string;
  target: string | null;
  reason: string | null;
  data: unknown;
}

export interface ChainedEntry extends AuditContent {
  seq: string;
  prevHash: string;
  hash: string;
}

/** JSON with keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** What an entry's hash covers besides the previous hash (PostgreSQL's append_audit_entry hashes the same). */
export function auditContentJson(content: AuditContent): string {
  const { at, actor, action, target, reason, data } = content;
  return canonicalJson({ at, actor, action, target, reason, data });
}

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(auditContentJson(content)).digest('hex');
}

export type ChainVerdict =
  | { valid: true; entries: number }
  | { valid: false; entries: number; brokenAt: string; problem: 'altered' | 'removed_or_reordered' };

/** Walks the entries in sequence order; the first entry whose hash or link does not hold is named. */
export function verifyChain(entries: ChainedEntry[]): ChainVerdict {
  let previous = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.prevHash !== previous) {
      return { valid: false, entries: entries.length, brokenAt: entry.seq, problem: 'removed_or_reordered' };
    }
    if (auditHash(entry.prevHash, entry) !== entry.hash) {
      return { valid: false, entries: entries.length, brokenAt: entry.seq, problem: 'altered' };
    }
    previous = entry.hash;
  }
  return { valid: true, entries: entries.length };
}
