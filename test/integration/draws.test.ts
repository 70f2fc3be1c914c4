// The double-random draw wired to the directories and the case lifecycle (R5–R11, R20): committed with its seed
// sealed and its outside randomness named before it exists, run once with that value, opening one case per pick at
// any size, and verifiable against the cases actually opened.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../activities/drawSnapshots';
import { commit, runDraw } from '../../domain/draw';
import { projectRoot } from '../../infra/paths';
import { validUscc } from '../support/entities';
import { beaconValue, eventually, registerEntity, registerOfficer, untilPublished } from '../support/fixtures';
import { anonymous, call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
const entities: string[] = [];
const officers: string[] = [];

beforeAll(async () => {
  system = await startTestSystem('draws');
  for (let index = 0; index < 12; index += 1) entities.push((await registerEntity(system.baseUrl, { category: 'used_car_market', street: '金城镇' })).id);
  for (let index = 0; index < 5; index += 1) officers.push((await registerOfficer(system.baseUrl)).id);
  // Officer 0 is related to entity 0 (R10).
  expect((await call(system.baseUrl, 'POST', '/conflicts', { officerId: officers[0], entityId: entities[0], relation: 'relative' })).status).toBe(201);
});

afterAll(async () => {
  await system?.stop();
});

const drawRequest = (targetCount: number, scope = { categories: ['used_car_market'], streets: ['金城镇'] }) => ({
  name: '坛商抽查〔2026〕3号',
  scope,
  rules: { targetCount, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10), riskWeights: { dishonest: 3 } },
});

const asAuditor = testUsers.auditor.headers;
const verify = async (drawId: string) => (await call(system.baseUrl, 'GET', `/draws/${drawId}/verification`, undefined, asAuditor)).body;
const drawnRecord = (drawId: string) =>
  eventually(
    () => call(system.baseUrl, 'GET', `/draws/${drawId}`, undefined, asAuditor).then((answer) => answer.body),
    (body) => body.status === 'drawn',
    540_000,
  );

describe('R8 R20 a draw is committed, run once with the randomness it named, opens its cases, and can be verified by anyone', () => {
  it('R11 R20 an infeasible draw names what is short and writes nothing', async () => {
    const before = await system.db.draw.count();
    const refused = await call(system.baseUrl, 'POST', '/draws', drawRequest(50));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/50/);
    expect(refused.body.detail).toMatch(/12/);
    expect(await system.db.draw.count()).toBe(before);
  });

  it('R8 R9 R10 R20 commit (seed sealed, drand round named) → refused early, without or with a malformed value → run → one case per pick, verified', async () => {
    const committed = await call(system.baseUrl, 'POST', '/draws', drawRequest(6));
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    expect(committed.body).toMatchObject({ status: 'committed', seed: null, pool: { targets: 12, officers: 5, conflicts: 1 } });
    expect(committed.body.commitment).toMatch(/^[0-9a-f]{64}$/);
    // The outside randomness is named now, before it exists: the first drand round after the commitment.
    const source = committed.body.randomnessSource;
    expect(source).toMatchObject({ kind: 'drand', chain: 'quicknet', url: expect.stringContaining(`/public/${source.round}`) });
    expect(Date.parse(source.publishedAt)).toBeGreaterThan(Date.parse(committed.body.createdAt));
    // The seed is nowhere in clear: not through the API, not in the database.
    expect((await call(system.baseUrl, 'GET', `/draws/${committed.body.id}`, undefined, asAuditor)).body.seed).toBeNull();
    const row = await system.db.draw.findUniqueOrThrow({ where: { id: committed.body.id } });
    expect(row.seed).toBeNull();
    expect(row.sealedSeed).toMatch(/^aes-256-gcm:v1:/);
    // The commitment entered the audit log as it was made.
    const audited = await system.db.auditEntry.findFirstOrThrow({ where: { action: 'POST /draws', target: committed.body.id } });
    expect(audited.data).toMatchObject({ commitment: committed.body.commitment, snapshotHash: committed.body.snapshotHash });

    // From commitment on, the public sees the draw: what was fixed in advance, and no seed.
    const listedPublicly = await call(system.baseUrl, 'GET', '/public/draws', undefined, anonymous);
    expect(listedPublicly.body.items.find((item: { id: string }) => item.id === committed.body.id)).toMatchObject({
      status: 'committed',
      commitment: committed.body.commitment,
      snapshotHash: committed.body.snapshotHash,
      randomnessSource: source,
      seed: null,
      picks: 0,
    });

    const run = (body: object) => call(system.baseUrl, 'POST', `/draws/${committed.body.id}/run`, body);
    if (Date.now() < Date.parse(source.publishedAt) - 500) expect((await run({ outsideRandomness: beaconValue() })).status).toBe(409);
    await untilPublished(committed.body);
    const without = await run({});
    expect(without.status).toBe(422);
    expect(without.body.errors).toEqual([expect.objectContaining({ field: 'body.outsideRandomness' })]);
    const malformed = await run({ outsideRandomness: '随机信标第 12345 轮' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].message).toContain(`drand round ${source.round}`);
    expect((await system.db.draw.findUniqueOrThrow({ where: { id: committed.body.id } })).status).toBe('committed');

    const value = beaconValue();
    const drawn = await run({ outsideRandomness: value });
    expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
    expect(drawn.body).toMatchObject({ outsideRandomness: value, progress: { casesToOpen: 6 } });
    expect(commit(drawn.body.seed)).toBe(committed.body.commitment);
    expect(drawn.body.caseIds).toHaveLength(6);
    for (const pick of drawn.body.result.picks) {
      expect(pick.team).toHaveLength(2);
      if (pick.entityId === entities[0]) expect(pick.team).not.toContain(officers[0]);
      expect(pick.reason).toMatch(/\//);
    }

    const done = await drawnRecord(committed.body.id);
    expect(done.progress).toEqual({ casesOpened: 6, casesToOpen: 6 });
    const listed = await call(system.baseUrl, 'GET', `/cases?planId=${committed.body.id}`);
    expect(listed.body.total).toBe(6);
    for (const item of listed.body.items) {
      expect(item).toMatchObject({ origin: 'random', status: 'awaiting_inspection' });
      const index = done.caseIds.indexOf(item.id);
      expect(done.result.picks[index].entityId).toBe(item.entity.id);
      expect([...item.team].sort()).toEqual(done.result.picks[index].team);
    }

    // Never twice.
    expect((await run({ outsideRandomness: value })).status).toBe(409);

    // Anyone with read access recomputes it and compares the cases opened; a changed result or seed is detected.
    expect(await verify(committed.body.id)).toMatchObject({ valid: true, problems: [] });
    const stored = await system.db.draw.findUniqueOrThrow({ where: { id: committed.body.id } });
    const tampered = JSON.parse(stored.result!) as { picks: Array<{ team: string[] }> };
    // Another team than the one drawn (a fixed pair could be the drawn one itself, and then nothing would change).
    const drawnTeam = tampered.picks[0]!.team;
    tampered.picks[0]!.team = officers.filter((officer) => !drawnTeam.includes(officer)).slice(0, 2).sort();
    await system.db.draw.update({ where: { id: stored.id }, data: { result: JSON.stringify(tampered) } });
    expect((await verify(stored.id)).valid).toBe(false);
    await system.db.draw.update({ where: { id: stored.id }, data: { result: stored.result, seed: 'another seed' } });
    const wrongSeed = await verify(stored.id);
    expect(wrongSeed.valid).toBe(false);
    expect(wrongSeed.problems.join(' ')).toMatch(/commitment/);
    await system.db.draw.update({ where: { id: stored.id }, data: { seed: stored.seed } });

    // A case moved to another entity, or one opened in the draw's name that it did not pick, is named.
    const moved = done.caseIds[1];
    const original = await system.db.inspectionCase.findUniqueOrThrow({ where: { id: moved } });
    const elsewhere = entities.find((entity) => !done.result.picks.some((pick: { entityId: string }) => pick.entityId === entity))!;
    await system.db.inspectionCase.update({ where: { id: moved }, data: { entityId: elsewhere } });
    expect((await verify(stored.id)).problems.join(' ')).toMatch(/pick 2: the case is on another entity/);
    await system.db.inspectionCase.update({ where: { id: moved }, data: { entityId: original.entityId } });
    const extraId = randomUUID();
    await system.db.inspectionCase.create({
      data: { ...original, id: extraId, workflowId: `inspection-case-${extraId}`, team: original.team, createdAt: undefined } as never,
    });
    expect((await verify(stored.id)).problems.join(' ')).toMatch(new RegExp(`a case not among the picks: ${extraId}`));
    await system.db.inspectionCase.delete({ where: { id: extraId } });

    // The command-line check says the same as the API.
    const verifyCommand = (args: string[], env: Record<string, string | undefined> = {}) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/draw-verify.ts', ...args], {
        cwd: projectRoot,
        env: Object.fromEntries(Object.entries({ ...process.env, DATABASE_URL: undefined, ...env }).filter(([, setting]) => setting !== undefined)),
      })
        .then(({ stdout }) => ({ code: 0, verdict: JSON.parse(stdout) }))
        .catch((failure: { code: number; stdout: string }) => ({ code: failure.code, verdict: JSON.parse(failure.stdout) }));
    expect(await verifyCommand([stored.id], { DATABASE_URL: system.databaseUrl })).toMatchObject({ code: 0, verdict: { drawId: stored.id, valid: true } });

    // The public's list names each entity drawn and its team; anyone re-runs it from what the endpoints give alone,
    // without the database: the public record (the targets part of the pool) and the auditors' full record.
    const published = await call(system.baseUrl, 'GET', `/public/draws/${stored.id}`, undefined, anonymous);
    expect(published.body).toMatchObject({ status: 'drawn', seed: done.seed, outsideRandomness: value, picks: 6 });
    expect(published.body.drawn).toHaveLength(6);
    expect(published.body.drawn[0].team[0]).toMatch(/^执法员/);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'ssj-draw-record-'));
    const publicRecord = (await call(system.baseUrl, 'GET', `/public/draws/${stored.id}/record`, undefined, anonymous)).body;
    expect(publicRecord).not.toHaveProperty('snapshot');
    // R10: nothing in it names an officer's declared conflict.
    expect(publicRecord.result.picks.every((pick: object) => !('recusals' in pick))).toBe(true);
    expect(publicRecord.result.participation).not.toHaveProperty('perOfficer');
    expect(publicRecord.targets).toHaveLength(12);
    const fullRecord = (await call(system.baseUrl, 'GET', `/draws/${stored.id}/record`, undefined, asAuditor)).body;
    expect(fullRecord.snapshot.conflicts).toHaveLength(1);
    writeFileSync(path.join(folder, 'full.json'), JSON.stringify(fullRecord));
    expect(await verifyCommand(['--record', path.join(folder, 'full.json')])).toMatchObject({ code: 0, verdict: { valid: true, checked: 'full record' } });
    expect(await verifyCommand(['--record', `${system.baseUrl}/public/draws/${stored.id}/record`])).toMatchObject({ code: 0, verdict: { valid: true } });
    // A list swapped after the fact does not pass.
    const swapped = structuredClone(publicRecord);
    swapped.result.picks[0].entityId = swapped.targets.find((target: { id: string }) => !publicRecord.result.picks.some((pick: { entityId: string }) => pick.entityId === target.id)).id;
    writeFileSync(path.join(folder, 'swapped.json'), JSON.stringify(swapped));
    const refused = await verifyCommand(['--record', path.join(folder, 'swapped.json')]);
    expect(refused.code).toBe(1);
    expect(refused.verdict.problems.join(' ')).toMatch(/picks other entities/);
    rmSync(folder, { recursive: true, force: true });

    // A consistent rewrite by someone who can write the row — a seed of their own, its commitment, the result
    // recomputed to match — verifies against itself, but not against the commitment the audit log took down.
    const snapshot = await loadSnapshot(system.db, stored.id);
    const forgedSeed = 'f0'.repeat(32);
    const forgedResult = runDraw(snapshot, stored.rules as never, forgedSeed, value);
    await system.db.draw.update({ where: { id: stored.id }, data: { seed: forgedSeed, commitment: commit(forgedSeed), result: JSON.stringify(forgedResult) } });
    const rewritten = await verify(stored.id);
    expect(rewritten.valid).toBe(false);
    expect(rewritten.problems.join(' ')).toMatch(/the commitment differs from the one the audit log took down/);
    await system.db.draw.update({ where: { id: stored.id }, data: { seed: stored.seed, commitment: stored.commitment, result: stored.result } });
    expect(await verify(stored.id)).toMatchObject({ valid: true });
  });

  it('R5 entities already drawn are preferred less: the next draw covers those not yet inspected first', async () => {
    const second = await call(system.baseUrl, 'POST', '/draws', { ...drawRequest(6), name: '坛商抽查〔2026〕4号' });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    await untilPublished(second.body);
    const drawn = await call(system.baseUrl, 'POST', `/draws/${second.body.id}/run`, { outsideRandomness: beaconValue() });
    expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
    const first = await system.db.draw.findFirstOrThrow({ where: { name: '坛商抽查〔2026〕3号' } });
    const firstPicks = new Set((JSON.parse(first.result!) as { picks: Array<{ entityId: string }> }).picks.map((pick) => pick.entityId));
    const secondPicks = drawn.body.result.picks as Array<{ entityId: string; stratum: string }>;
    expect(secondPicks.filter((pick) => firstPicks.has(pick.entityId) || pick.stratum !== 'not_yet_inspected'), JSON.stringify(secondPicks)).toEqual([]);
  });

  it('R8 R20 a draw of more than 2,000 picks opens every case, in batches, and an awkward participation share verifies untouched', { timeout: 600_000 }, async () => {
    // 2,100 entities in a street of their own, written straight to the directory; eleven officers on the roll, of
    // whom only the two with the required specialty may serve: a participation share of 2/11, which needs all
    // seventeen significant digits (0.18181818181818182) and must survive storage exactly.
    const street = '薛埠镇';
    await system.db.entity.createMany({
      data: Array.from({ length: 2_100 }, (_, index) => ({ id: randomUUID(), uscc: validUscc(), name: `薛埠镇某二手车商行${index + 1}号`, street, category: 'used_car_market' })),
    });
    const roll = await system.db.officer.count({ where: { active: true, certificateWithdrawn: false } });
    for (let index = roll; index < 9; index += 1) await registerOfficer(system.baseUrl);
    const specialists: string[] = [];
    for (let index = 0; index < 2; index += 1) specialists.push((await registerOfficer(system.baseUrl, { specialties: ['vehicles'] })).id);
    const onRoll = await system.db.officer.count({ where: { active: true, certificateWithdrawn: false } });
    expect(onRoll).toBe(11);

    const big = await call(system.baseUrl, 'POST', '/draws', {
      name: '坛商抽查〔2026〕9号',
      scope: { categories: ['used_car_market'], streets: [street] },
      rules: { targetCount: 2_050, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10), requiredSpecialty: 'vehicles', riskWeights: {} },
    });
    expect(big.status, JSON.stringify(big.body)).toBe(201);
    await untilPublished(big.body);
    const started = await call(system.baseUrl, 'POST', `/draws/${big.body.id}/run`, { outsideRandomness: beaconValue() });
    // The call answers once the result is recorded, not after 2,050 cases.
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.progress.casesToOpen).toBe(2_050);

    // The page polls how far it has come: the count only grows, and ends with every case open.
    const seen: number[] = [];
    const finished = await eventually(
      async () => {
        const progress = await call(system.baseUrl, 'GET', `/draws/${big.body.id}/progress`, undefined, asAuditor);
        expect(progress.status).toBe(200);
        seen.push(progress.body.casesOpened);
        return progress.body;
      },
      (body) => body.status === 'drawn',
      540_000,
    );
    expect(finished).toEqual({ id: big.body.id, status: 'drawn', casesOpened: 2_050, casesToOpen: 2_050 });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await call(system.baseUrl, 'GET', `/draws/${randomUUID()}/progress`, undefined, asAuditor)).status).toBe(404);

    const done = await drawnRecord(big.body.id);
    expect(done.progress).toEqual({ casesOpened: 2_050, casesToOpen: 2_050 });
    expect(new Set(done.caseIds).size).toBe(2_050);
    expect(await system.db.inspectionCase.count({ where: { planId: big.body.id } })).toBe(2_050);
    expect(done.result.picks.every((pick: { team: string[] }) => pick.team.every((officer) => specialists.includes(officer)))).toBe(true);

    expect(done.result.participation).toMatchObject({ officersOnRoll: 11, officersTakingPart: 2, share: 2 / 11 });
    expect((await system.db.draw.findUniqueOrThrow({ where: { id: big.body.id } })).result).toContain('"share":0.18181818181818182');
    expect(await verify(big.body.id)).toMatchObject({ valid: true, problems: [] });
  });
});
