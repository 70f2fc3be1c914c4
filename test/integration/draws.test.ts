// The double-random draw wired to the directories and the case lifecycle (R5–R11, R20).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit } from '../../domain/draw';
import { projectRoot } from '../../infra/paths';
import { eventually, registerEntity, registerOfficer } from '../support/fixtures';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

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

const drawRequest = (targetCount: number) => ({
  name: '坛商抽查〔2026〕3号',
  scope: { categories: ['used_car_market'], streets: ['金城镇'] },
  rules: { targetCount, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10), riskWeights: { dishonest: 3 } },
});

describe('R8 R20 a draw is committed, run once, opens its cases, and can be verified by anyone', () => {
  it('R11 R20 an infeasible draw names what is short and writes nothing', async () => {
    const before = await system.db.draw.count();
    const refused = await call(system.baseUrl, 'POST', '/draws', drawRequest(50));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/50/);
    expect(refused.body.detail).toMatch(/12/);
    expect(await system.db.draw.count()).toBe(before);
  });

  it('R8 R9 R10 R20 commit → run with outside randomness → one case per target with a team of two, never a conflicted officer', async () => {
    const committed = await call(system.baseUrl, 'POST', '/draws', drawRequest(6));
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    expect(committed.body).toMatchObject({ status: 'committed', seed: null, pool: { targets: 12, officers: 5, conflicts: 1 } });
    expect(committed.body.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(system.baseUrl, 'GET', `/draws/${committed.body.id}`, undefined, testUsers.auditor.headers)).body.seed).toBeNull();

    const drawn = await call(system.baseUrl, 'POST', `/draws/${committed.body.id}/run`, { outsideRandomness: '随机信标第 12345 轮' });
    expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
    expect(drawn.body).toMatchObject({ status: 'drawn', outsideRandomness: '随机信标第 12345 轮' });
    expect(commit(drawn.body.seed)).toBe(committed.body.commitment);
    expect(drawn.body.caseIds).toHaveLength(6);
    for (const pick of drawn.body.result.picks) {
      expect(pick.team).toHaveLength(2);
      if (pick.entityId === entities[0]) expect(pick.team).not.toContain(officers[0]);
      expect(pick.reason).toMatch(/\//);
    }

    const listed = await eventually(
      () => call(system.baseUrl, 'GET', `/cases?planId=${committed.body.id}`).then((answer) => answer.body),
      (body) => body.total === 6,
    );
    for (const item of listed.items) {
      expect(item).toMatchObject({ origin: 'random', status: 'awaiting_inspection' });
      const pick = drawn.body.result.picks.find((candidate: { entityId: string }) => candidate.entityId === item.entity.id);
      expect([...item.team].sort()).toEqual(pick.team);
    }

    // Never twice.
    expect((await call(system.baseUrl, 'POST', `/draws/${committed.body.id}/run`, {})).status).toBe(409);

    // Anyone with read access can recompute it; a changed result or seed is detected.
    const verification = await call(system.baseUrl, 'GET', `/draws/${committed.body.id}/verification`, undefined, testUsers.auditor.headers);
    expect(verification.body).toMatchObject({ valid: true, problems: [] });
    const stored = await system.db.draw.findUniqueOrThrow({ where: { id: committed.body.id } });
    const tampered = structuredClone(stored.result) as { picks: Array<{ team: string[] }> };
    // Another team than the one drawn (a fixed pair could be the drawn one itself, and then nothing would change).
    const drawnTeam = tampered.picks[0]!.team;
    tampered.picks[0]!.team = officers.filter((officer) => !drawnTeam.includes(officer)).slice(0, 2).sort();
    await system.db.draw.update({ where: { id: stored.id }, data: { result: tampered as object } });
    expect((await call(system.baseUrl, 'GET', `/draws/${stored.id}/verification`, undefined, testUsers.auditor.headers)).body.valid).toBe(false);
    await system.db.draw.update({ where: { id: stored.id }, data: { result: stored.result as object, seed: 'another seed' } });
    const wrongSeed = (await call(system.baseUrl, 'GET', `/draws/${stored.id}/verification`, undefined, testUsers.auditor.headers)).body;
    expect(wrongSeed.valid).toBe(false);
    expect(wrongSeed.problems.join(' ')).toMatch(/commitment/);
    await system.db.draw.update({ where: { id: stored.id }, data: { seed: stored.seed } });

    // The command-line check says the same.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/draw-verify.ts', stored.id], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: system.databaseUrl },
    });
    expect(JSON.parse(stdout)).toMatchObject({ drawId: stored.id, valid: true });
  });

  it('R5 entities already drawn are preferred less: the next draw covers those not yet inspected first', async () => {
    const second = await call(system.baseUrl, 'POST', '/draws', { ...drawRequest(6), name: '坛商抽查〔2026〕4号' });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const drawn = await call(system.baseUrl, 'POST', `/draws/${second.body.id}/run`, {});
    const first = await system.db.draw.findFirstOrThrow({ where: { name: '坛商抽查〔2026〕3号' } });
    const firstPicks = new Set((first.result as { picks: Array<{ entityId: string }> }).picks.map((pick) => pick.entityId));
    const secondPicks = (drawn.body.result.picks as Array<{ entityId: string; stratum: string }>);
    expect(secondPicks.every((pick) => !firstPicks.has(pick.entityId) && pick.stratum === 'not_yet_inspected')).toBe(true);
  });
});
