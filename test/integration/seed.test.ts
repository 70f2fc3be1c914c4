// `npm run seed` gives a newcomer a living bureau (R1–R4).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUscc } from '../../domain/uscc';
import { projectRoot } from '../../infra/paths';
import { eventually } from '../support/fixtures';
import { call, signIn, startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('seed');
});

afterAll(async () => {
  await system?.stop();
});

const seed = () =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/seed.ts'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: system.databaseUrl, TEMPORAL_ADDRESS: system.temporalAddress, TEMPORAL_TASK_QUEUE: system.taskQueue },
    timeout: 120_000,
  });

describe('R1 R2 R3 R4 sample data', () => {
  it('R1 R2 R3 R4 fills the directories with valid records and submits an annual plan; a second run adds nothing and says what it skipped', async () => {
    await seed();
    expect(await system.db.entity.count()).toBe(3_000);
    const sample = await system.db.entity.findMany({ take: 50 });
    expect(sample.every((entity) => checkUscc(entity.uscc).valid)).toBe(true);
    // Names, addresses and representatives as a real directory has them, each name once.
    expect(sample.every((entity) => /^常州市金坛区.+有限公司/.test(entity.name) && !/\d号$/.test(entity.name) && entity.address && entity.legalRepresentative)).toBe(true);
    expect(new Set((await system.db.entity.findMany({ select: { name: true } })).map((entity) => entity.name)).size).toBe(3_000);
    expect((await system.db.user.findUniqueOrThrow({ where: { username: 'officer1' } })).displayName).not.toMatch(/执法员/);
    expect(await system.db.officer.count()).toBe(20);
    const soon = await system.db.officer.count({ where: { certificateValidUntil: { lt: new Date(Date.now() + 60 * 86_400_000) } } });
    expect(soon).toBeGreaterThan(0);
    expect(await system.db.inspectionItem.count()).toBe(12);

    const leader = await signIn(system.baseUrl, 'leader', 'jintan-demo-2026');
    const plan = await system.db.plan.findFirstOrThrow();
    const read = await eventually(() => call(system.baseUrl, 'GET', `/plans/${plan.id}`, undefined, leader).then((answer) => answer.body), (body) => body.status === 'submitted');
    expect(read.kind).toBe('annual');

    const again = JSON.parse((await seed()).stdout.trim().split('\n').at(-1)!);
    expect(await system.db.entity.count()).toBe(3_000);
    expect(await system.db.plan.count()).toBe(1);
    expect(again).toMatchObject({ entitiesAdded: 0, officersAdded: 0, plan: '(already there)' });
    expect(again.signIn).not.toContain('officer1');
    expect(again.skipped).toEqual(expect.arrayContaining([expect.stringContaining('officers'), expect.stringContaining('plan')]));
    // R4: the plan's history names the office that submitted it, not a script.
    expect(read.history.every((step: { actor: string }) => step.actor !== 'seed')).toBe(true);
  });
});
