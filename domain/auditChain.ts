// The audit log's hash chain (R20): each entry's hash covers its content and the previous entry's hash, so
// changing, removing or reordering any entry breaks every hash after it. A signed checkpoint of the chain's head,
// kept where the database's writers cannot reach it, catches what the chain alone cannot: the newest entries
// deleted, or the whole chain recomputed after a change.
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

const REPLACEMENT = '\ufffd';
// PostgreSQL's text cannot hold NUL, and a UTF-16 surrogate without its pair has no UTF-8 form (the driver
// writes U+FFFD for it). Both become U+FFFD before anything is hashed or stored, so the text hashed is the text
// PostgreSQL keeps and gives back.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, REPLACEMENT);
}

/** JSON-safe values in the form the database returns them: storable text, no undefined, no non-finite numbers. */
export function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(storableValue);
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== undefined) result[storableText(key)] = storableValue(item);
    }
    return result;
  }
  return null;
}

/** The one canonical form of an entry's content: the form it is hashed in and stored in. */
export function storableContent(content: AuditContent): AuditContent {
  return {
    at: new Date(content.at).toISOString(),
    actor: storableText(content.actor),
    action: storableText(content.action),
    target: content.target === null ? null : storableText(content.target),
    reason: content.reason === null ? null : storableText(content.reason),
    data: storableValue(content.data ?? {}),
  };
}

/** What an entry's hash covers besides the previous hash (PostgreSQL's append_audit_entry hashes the same). */
export function auditContentJson(content: AuditContent): string {
  const { at, actor, action, target, reason, data } = content;
  return canonicalJson({ at, actor, action, target, reason, data });
}

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(auditContentJson(content)).digest('hex');
}

/** The head of the chain as a checkpoint signed it: the entry `seq` had this `hash` at `at`. */
export interface ChainCheckpoint {
  seq: string;
  hash: string;
  at: string;
}

export type BreakProblem =
  /** The entry's content no longer gives its hash: it was changed. */
  | 'altered'
  /** The entry does not follow the one before it: entries between them were removed, or the order changed. */
  | 'removed_or_reordered'
  /** A signed checkpoint names an entry past the end of the log: the newest entries were deleted. */
  | 'truncated'
  /** A signed checkpoint names an entry that is missing or has another hash: history was rewritten. */
  | 'rewritten';

export interface ChainBreak {
  seq: string;
  problem: BreakProblem;
  detail: string;
}

/**
 * An entry whose hash covers text PostgreSQL could not keep: written before the canonical form, its lone
 * surrogate was stored as U+FFFD. Restoring it proves that the entry is as written, so it is no tampering.
 */
export interface PoisonedEntry {
  seq: string;
  detail: string;
}

export interface ChainReport {
  entries: number;
  head: { seq: string; hash: string } | null;
  breaks: ChainBreak[];
  poisoned: PoisonedEntry[];
  /** The newest checkpoint that matched the chain, and how many entries came after it (not yet covered). */
  latestCheckpoint: ChainCheckpoint | null;
  entriesAfterLatestCheckpoint: number;
}

const TEXT_FIELDS = ['actor', 'action', 'target', 'reason'] as const;
const SURROGATES = Array.from({ length: 0xe000 - 0xd800 }, (_, index) => String.fromCharCode(0xd800 + index));

/**
 * Tries each lone surrogate in place of the U+FFFD characters of the entry's text columns (the same one in every
 * place when there are several: 2,048 hashes at most) and answers which restores the hash.
 */
function restoredSurrogate(entry: ChainedEntry): string | undefined {
  const fields = TEXT_FIELDS.filter((field) => entry[field]?.includes(REPLACEMENT));
  if (fields.length === 0) return undefined;
  for (const surrogate of SURROGATES) {
    const restored = { ...entry };
    for (const field of fields) restored[field] = entry[field]!.split(REPLACEMENT).join(surrogate);
    if (auditHash(entry.prevHash, restored) === entry.hash) return surrogate;
  }
  return undefined;
}

/**
 * Walks the whole chain and reports every break, not only the first: each entry is checked against its own hash
 * and against the entry before it, and each signed checkpoint against the entry it names.
 */
export function verifyChain(entries: ChainedEntry[], checkpoints: ChainCheckpoint[] = []): ChainReport {
  const breaks: ChainBreak[] = [];
  const poisoned: PoisonedEntry[] = [];
  let previous = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.prevHash !== previous) {
      breaks.push({
        seq: entry.seq,
        problem: 'removed_or_reordered',
        detail: `前一条的哈希不符，其间的记录被删除或顺序被改动 / it does not follow the entry before it: entries were removed or reordered`,
      });
    }
    if (auditHash(entry.prevHash, entry) !== entry.hash) {
      const surrogate = restoredSurrogate(entry);
      if (surrogate) {
        poisoned.push({
          seq: entry.seq,
          detail: `写入时含不成对的代理项 U+${surrogate.charCodeAt(0).toString(16).toUpperCase()}，数据库存为 U+FFFD；还原后哈希一致，未被篡改 / written with the unpaired surrogate U+${surrogate.charCodeAt(0).toString(16).toUpperCase()}, which the database stored as U+FFFD; restored, the hash holds: not tampered with`,
        });
      } else {
        breaks.push({ seq: entry.seq, problem: 'altered', detail: '内容与其哈希不符，记录被改动 / its content does not give its hash: the entry was changed' });
      }
    }
    previous = entry.hash;
  }

  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  const last = entries.at(-1);
  let latestCheckpoint: ChainCheckpoint | null = null;
  for (const checkpoint of [...checkpoints].sort((a, b) => compareSeq(a.seq, b.seq))) {
    const entry = bySeq.get(checkpoint.seq);
    if (entry?.hash === checkpoint.hash) {
      latestCheckpoint = { seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at };
    } else if (!last || compareSeq(checkpoint.seq, last.seq) > 0) {
      breaks.push({
        seq: checkpoint.seq,
        problem: 'truncated',
        detail: `${checkpoint.at} 签名的检查点记到第 ${checkpoint.seq} 条，日志现只到第 ${last?.seq ?? 0} 条：最新的记录被删除 / the checkpoint signed at ${checkpoint.at} reaches entry ${checkpoint.seq}; the log now ends at ${last?.seq ?? 0}: the newest entries were deleted`,
      });
    } else {
      breaks.push({
        seq: checkpoint.seq,
        problem: 'rewritten',
        detail: entry
          ? `${checkpoint.at} 签名的检查点所记哈希与此条不同：此前的历史被改写 / its hash differs from the one the checkpoint signed at ${checkpoint.at}: history up to it was rewritten`
          : `${checkpoint.at} 签名的检查点所记的此条已不存在 / the entry the checkpoint signed at ${checkpoint.at} no longer exists`,
      });
    }
  }
  const afterLatest = latestCheckpoint ? entries.filter((entry) => compareSeq(entry.seq, latestCheckpoint!.seq) > 0).length : entries.length;
  breaks.sort((a, b) => compareSeq(a.seq, b.seq));
  return {
    entries: entries.length,
    head: last ? { seq: last.seq, hash: last.hash } : null,
    breaks,
    poisoned,
    latestCheckpoint,
    entriesAfterLatestCheckpoint: afterLatest,
  };
}

/** Sequence numbers are decimal strings of bigints: compared by length, then digits. */
export function compareSeq(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
