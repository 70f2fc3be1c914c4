// R20: an audit log that stays verifiable and that nobody with write access to the database can quietly rewrite.
// What is hashed is what is stored, whatever the text; every break is reported; an entry poisoned at writing is
// told from tampering; and a checkpoint signed with a key outside the database catches what the chain alone
// cannot — the newest entries deleted, or the chain recomputed after a change.
import { execFile } from 'node:child_process';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AuditEntry } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolOf } from '../../db/client';
import { auditHash, canonicalJson, GENESIS_HASH } from '../../domain/auditChain';
import { projectRoot } from '../../infra/paths';
import { appendAudit } from '../../services/audit';
import { ensureAuditCheckpointSchedule } from '../../services/auditCheckpointRuns';
import { AUDIT_CHECKPOINT_SCHEDULE_ID } from '../../workflows/auditCheckpoint';
import { validUscc } from '../support/entities';
import { anonymous, call, startTestSystem, testUsers, type TestSystem } from '../support/system';

const run = promisify(execFile);
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('audit');
  for (const name of ['审计甲商行', '审计乙商行', '审计丙商行']) await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name });
});

afterAll(async () => {
  await system?.stop();
});

const verify = async () => (await call(system.baseUrl, 'GET', '/audit/verify', undefined, testUsers.auditor.headers)).body;
const rows = () => system.db.auditEntry.findMany({ orderBy: { seq: 'asc' } });
const asChained = (row: AuditEntry) => ({ ...row, seq: String(row.seq), at: row.at.toISOString() });

/** Puts the log back as it was: the rows exactly, by seq. */
async function restore(saved: AuditEntry[]) {
  await system.db.auditEntry.deleteMany({});
  await system.db.auditEntry.createMany({ data: saved.map((row) => ({ ...row, data: row.data as object })) });
}

/** What someone with write access to the database could do: change an entry and recompute every later hash. */
async function rewriteFrom(seq: bigint, change: Partial<Pick<AuditEntry, 'actor' | 'action' | 'target' | 'reason'>>) {
  let previous: string | undefined;
  for (const row of await rows()) {
    if (row.seq < seq) {
      previous = row.hash;
      continue;
    }
    const own = row.seq === seq ? change : {};
    const prevHash = previous ?? GENESIS_HASH;
    const hash = auditHash(prevHash, asChained({ ...row, ...own }));
    await system.db.auditEntry.update({ where: { seq: row.seq }, data: { ...own, prevHash, hash } });
    previous = hash;
  }
}

describe('R20 what is hashed is exactly what is stored', () => {
  it('R20 astral characters, lone surrogates and NUL given straight to appendAudit are stored in the canonical form the hash covers; the chain stays valid', async () => {
    await appendAudit(system.db, {
      actor: 'anonymous:\ud800',
      action: 'SIGN-IN FAILED',
      target: '\ud800x',
      reason: 'a\u0000b 𠮷😀 \udfff',
      data: { name: '𠮷😀', 'k\udbff': 'v\u0000', nested: [{ text: '\udc00😀\ud83d' }], count: 1e-7 },
    });
    const [row] = await system.db.auditEntry.findMany({ orderBy: { seq: 'desc' }, take: 1 });
    expect(row).toMatchObject({ actor: 'anonymous:\ufffd', target: '\ufffdx', reason: 'a\ufffdb 𠮷😀 \ufffd' });
    expect(row!.data).toEqual({ name: '𠮷😀', 'k\ufffd': 'v\ufffd', nested: [{ text: '\ufffd😀\ufffd' }], count: 1e-7 });
    // An outsider recomputing the hash from the stored row gets the stored hash.
    expect(auditHash(row!.prevHash, asChained(row!))).toBe(row!.hash);
    expect(await verify()).toMatchObject({ valid: true, breaks: [], poisoned: [] });
  });

  it('R18 R20 the anonymous sign-in that used to poison the log is refused at the edge, and the chain stays valid', async () => {
    const before = await system.db.auditEntry.count();
    const answer = await call(system.baseUrl, 'POST', '/auth/login', '{"username":"\\ud800x","password":"p"}', { ...anonymous, 'content-type': 'application/json' });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'body.username' })]);
    expect(await system.db.auditEntry.count()).toBe(before);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('R20 an entry poisoned before the canonical form is told from tampering: restored, its hash holds', async () => {
    const saved = await rows();
    // As the old code wrote it: the hash over the text with the lone surrogate, the column with U+FFFD.
    const content = { at: new Date().toISOString(), actor: 'anonymous:127.0.0.1', action: 'SIGN-IN FAILED', target: '\ud800x', reason: null, data: { ip: '127.0.0.1' } };
    await poolOf(system.db).query(
      `select append_audit_entry(lock_audit_chain(), $1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::text)`,
      [content.at, content.actor, content.action, content.target, content.reason, JSON.stringify(content.data), canonicalJson(content)],
    );
    const [poisoned] = await system.db.auditEntry.findMany({ orderBy: { seq: 'desc' }, take: 1 });
    expect(poisoned!.target).toBe('\ufffdx');
    await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '投毒之后的企业' });

    const clean = await verify();
    expect(clean).toMatchObject({ valid: true, breaks: [], poisoned: [{ seq: String(poisoned!.seq), detail: expect.stringContaining('U+D800') }] });

    // A real change elsewhere is still found, and the poisoned entry is still only poisoned.
    const [first] = await rows();
    await system.db.auditEntry.update({ where: { seq: first!.seq }, data: { reason: '改过的理由' } });
    const tampered = await verify();
    expect(tampered).toMatchObject({ valid: false, breaks: [{ seq: String(first!.seq), problem: 'altered' }], poisoned: [{ seq: String(poisoned!.seq) }] });
    // Changing the poisoned entry itself is tampering.
    await system.db.auditEntry.update({ where: { seq: poisoned!.seq }, data: { actor: 'someone-else' } });
    expect((await verify()).breaks.map((b: { seq: string; problem: string }) => `${b.seq} ${b.problem}`)).toEqual([`${first!.seq} altered`, `${poisoned!.seq} altered`]);
    await restore(saved);
    expect(await verify()).toMatchObject({ valid: true, poisoned: [] });
  });
});

describe('R20 a signed checkpoint outside the database', () => {
  it('R20 a checkpoint is signed on demand, kept in the file, published with the public key, and verifies as an outsider would', async () => {
    const [head] = await system.db.auditEntry.findMany({ orderBy: { seq: 'desc' }, take: 1 });
    const taken = await call(system.baseUrl, 'POST', '/audit/checkpoints', {}, testUsers.auditor.headers);
    expect(taken.status).toBe(200);
    const { checkpoint } = taken.body;
    expect(checkpoint).toMatchObject({ version: 1, seq: String(head!.seq), hash: head!.hash });

    const file = system.dependencies.audit.checkpointFile!;
    expect(readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line))).toContainEqual(checkpoint);

    const published = await call(system.baseUrl, 'GET', '/public/audit-checkpoints', undefined, anonymous);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ algorithm: 'Ed25519', keyId: checkpoint.keyId, total: 1, items: [checkpoint] });
    // The outsider's check: Ed25519 over the canonical JSON of the fields, with the published key.
    const { signature, ...signed } = checkpoint;
    expect(verifySignature(null, Buffer.from(canonicalJson(signed)), createPublicKey(published.body.publicKey), Buffer.from(signature, 'base64'))).toBe(true);

    expect(await verify()).toMatchObject({ valid: true, checkpoints: { verified: 1, file: 'found', latest: { seq: checkpoint.seq } } });
  });

  it('R20 truncation, deletion, reordering, a recomputed rewrite and a forged checkpoint are all detected, each break reported', async () => {
    await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '检查点之后的企业' });
    const { checkpoint } = (await call(system.baseUrl, 'POST', '/audit/checkpoints', {}, testUsers.auditor.headers)).body;
    const all = await rows();
    const cut = BigInt(checkpoint.seq);
    const problems = async () => (await verify()).breaks.map((b: { seq: string; problem: string }) => `${b.seq} ${b.problem}`);

    // Truncation: the newest entries, the signed head among them, deleted. The chain alone still holds.
    await system.db.auditEntry.deleteMany({ where: { seq: { gte: cut - 1n } } });
    expect(await problems()).toEqual(expect.arrayContaining([`${checkpoint.seq} truncated`]));
    await restore(all);

    // A consistent rewrite: an early entry changed and every later hash recomputed.
    const early = all[1]!;
    await rewriteFrom(early.seq, { actor: 'someone-else' });
    const rewritten = await problems();
    expect(rewritten).toContain(`${checkpoint.seq} rewritten`);
    // The chain alone holds: only the checkpoints see it.
    expect(rewritten.every((problem: string) => problem.endsWith(' rewritten'))).toBe(true);
    await restore(all);

    // A deletion in the middle and an alteration elsewhere: both reported, not only the first.
    await system.db.auditEntry.delete({ where: { seq: all[2]!.seq } });
    await system.db.auditEntry.update({ where: { seq: all[5]!.seq }, data: { reason: 'changed' } });
    expect(await problems()).toEqual(expect.arrayContaining([`${all[3]!.seq} removed_or_reordered`, `${all[5]!.seq} altered`]));
    await restore(all);

    // Reordering: two entries trade contents.
    const [a, b] = [all[3]!, all[4]!];
    const { seq: _a, ...aContent } = a;
    const { seq: _b, ...bContent } = b;
    await system.db.auditEntry.update({ where: { seq: a.seq }, data: { ...bContent, hash: `tmp-${b.hash}`, data: b.data as object } });
    await system.db.auditEntry.update({ where: { seq: b.seq }, data: { ...aContent, data: a.data as object } });
    await system.db.auditEntry.update({ where: { seq: a.seq }, data: { hash: b.hash } });
    expect(await problems()).toEqual(expect.arrayContaining([`${a.seq} removed_or_reordered`]));
    await restore(all);

    // A database writer deletes the checkpoints it can reach and adds one of its own: the file still holds the
    // signed one, and the forged signature is named.
    await system.db.auditCheckpoint.deleteMany({});
    await system.db.auditCheckpoint.create({ data: { seq: cut + 100n, hash: 'f'.repeat(64), at: new Date(), keyId: checkpoint.keyId, signature: Buffer.alloc(64).toString('base64') } });
    expect(await problems()).toEqual([`${cut + 100n} forged_checkpoint`]);
    // A forged row is reported, but does not stop the next checkpoint: whoever wrote it cannot silence the anchor.
    expect((await call(system.baseUrl, 'POST', '/audit/checkpoints', {}, testUsers.auditor.headers)).status).toBeLessThan(300);
    await rewriteFrom(early.seq, { actor: 'someone-else' });
    expect(await problems()).toContain(`${checkpoint.seq} rewritten`);

    // A broken chain is not signed: that would vouch for the tampering.
    const refused = await call(system.baseUrl, 'POST', '/audit/checkpoints', {}, testUsers.auditor.headers);
    expect(refused.status).toBe(409);
    await restore(all);
    await system.db.auditCheckpoint.deleteMany({ where: { seq: cut + 100n } });
    expect(await verify()).toMatchObject({ valid: true, breaks: [] });
  });

  it('R20 `npm run audit:verify` lists every break and exits 1; the daily checkpoint is a Temporal schedule', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: system.databaseUrl,
      AUDIT_PUBLIC_KEY: system.dependencies.audit.verifyingKey!.publicKeyPem,
      AUDIT_CHECKPOINT_FILE: system.dependencies.audit.checkpointFile!,
    };
    const script = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const good = await run(script, ['scripts/audit-verify.ts'], { cwd: projectRoot, env });
    expect(JSON.parse(good.stdout)).toMatchObject({ valid: true });

    const all = await rows();
    await system.db.auditEntry.update({ where: { seq: all[1]!.seq }, data: { actor: 'x' } });
    await system.db.auditEntry.update({ where: { seq: all[3]!.seq }, data: { actor: 'y' } });
    const bad = await run(script, ['scripts/audit-verify.ts'], { cwd: projectRoot, env }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect((bad as { code: number }).code).toBe(1);
    expect(bad.stderr).toContain(`entry ${all[1]!.seq}: altered`);
    expect(bad.stderr).toContain(`entry ${all[3]!.seq}: altered`);
    await restore(all);

    await ensureAuditCheckpointSchedule(system.temporal, system.taskQueue, 1440);
    await ensureAuditCheckpointSchedule(system.temporal, system.taskQueue, 1440); // a second API process: no error
    const schedule = system.temporal.schedule.getHandle(AUDIT_CHECKPOINT_SCHEDULE_ID);
    try {
      expect((await schedule.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 86_400_000 })]);
      await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '定时检查点之前的企业' });
      const before = await system.db.auditCheckpoint.count();
      await schedule.trigger();
      const deadline = Date.now() + 20_000;
      while ((await system.db.auditCheckpoint.count()) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      const [latest] = await system.db.auditCheckpoint.findMany({ orderBy: { seq: 'desc' }, take: 1 });
      const [head] = await system.db.auditEntry.findMany({ orderBy: { seq: 'desc' }, take: 1 });
      expect(latest).toMatchObject({ seq: head!.seq, hash: head!.hash });
    } finally {
      await schedule.delete();
    }
  });
});
