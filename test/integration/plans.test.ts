// Plans take effect only when leadership approves them; approval schedules the draw, which opens the cases (R3, R4, R8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOfficer, beaconValue, enterPlanRandomness, eventually, inspectionBody, registerEntity, registerOfficer, untilPublished } from '../support/fixtures';
import { chinaDate, endOfChinaDay } from '../../domain/deadlines';
import { recordHistory } from '../support/histories';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let officerId: string;

beforeAll(async () => {
  system = await startTestSystem('plans');
  const item = await call(system.baseUrl, 'POST', '/inspection-items', {
    code: 'SW-ESC-01',
    name: '二手车交易市场经营者备案及经营行为检查',
    legalBasis: '《二手车流通管理办法》第二十七条',
    categories: ['used_car_market'],
    kind: 'key',
    defaultRectificationDays: 15,
    preparation: '二手车交易市场经营者备案材料\n车辆交易档案',
  });
  expect(item.status, JSON.stringify(item.body)).toBe(201);
  const unannounced = await call(system.baseUrl, 'POST', '/inspection-items', {
    code: 'SW-ESC-02',
    name: '二手车交易市场现场经营秩序检查',
    legalBasis: '《二手车流通管理办法》第二十六条',
    categories: ['used_car_market'],
    notice: 'unannounced',
  });
  expect(unannounced.status, JSON.stringify(unannounced.body)).toBe(201);
  for (let index = 0; index < 8; index += 1) await registerEntity(system.baseUrl, { category: 'used_car_market', street: '尧塘街道' });
  for (let index = 0; index < 4; index += 1) officerId = (await registerOfficer(system.baseUrl)).id;
});

afterAll(async () => {
  await system?.stop();
});

const planBody = {
  kind: 'monthly',
  title: '2026年12月二手车市场随机抽查',
  periodStart: '2026-12-01',
  periodEnd: '2026-12-31',
  itemCodes: ['SW-ESC-01'],
  scope: { streets: ['尧塘街道'] },
  targetCount: 3,
  teamSize: 2,
};

describe('R4 a plan takes effect only when leadership approves it', () => {
  it('R3 a plan naming an unknown inspection item is refused', async () => {
    const refused = await call(system.baseUrl, 'POST', '/plans', { ...planBody, itemCodes: ['NO-SUCH'] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.itemCodes' })]);
  });

  it("R4 R8 R12 draft → submitted → sent back with a comment → resubmitted → approved: the draw runs at the set time and opens the cases, which take the plan's rectification period", async () => {
    const drafted = await call(system.baseUrl, 'POST', '/plans', { ...planBody, rectificationDays: 10 });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    expect(drafted.body).toMatchObject({ status: 'draft', number: expect.stringMatching(/^坛商抽查〔\d{4}〕\d+号$/) });
    const id = drafted.body.id as string;
    const drawAt = () => new Date(Date.now() + 3_000).toISOString();

    // Nothing takes effect before approval: leadership cannot approve a draft, an officer cannot approve at all.
    expect((await call(system.baseUrl, 'POST', `/plans/${id}/approve`, { drawAt: drawAt() }, testUsers.leadership.headers)).status).toBe(409);
    expect((await call(system.baseUrl, 'POST', `/plans/${id}/approve`, { drawAt: drawAt() }, asOfficer(officerId))).status).toBe(403);

    expect((await call(system.baseUrl, 'POST', `/plans/${id}/submit`, {})).body.status).toBe('submitted');
    const noComment = await call(system.baseUrl, 'POST', `/plans/${id}/send-back`, {}, testUsers.leadership.headers);
    expect(noComment.status).toBe(422);
    const sentBack = await call(system.baseUrl, 'POST', `/plans/${id}/send-back`, { comment: '请补充联合检查部门' }, testUsers.leadership.headers);
    expect(sentBack.body.status).toBe('sent_back');
    expect(await system.db.draw.count({ where: { planId: id } })).toBe(0);

    expect((await call(system.baseUrl, 'POST', `/plans/${id}/submit`, {})).body.status).toBe('submitted');
    const approved = await call(system.baseUrl, 'POST', `/plans/${id}/approve`, { drawAt: drawAt(), comment: '同意' }, testUsers.leadership.headers);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'scheduled', drawId: expect.any(String) });
    // The draw is committed at approval (publishable) but has not run.
    const committed = await call(system.baseUrl, 'GET', `/draws/${approved.body.drawId}`, undefined, testUsers.auditor.headers);
    expect(committed.body).toMatchObject({ status: 'committed', seed: null, name: drafted.body.number });
    // R8: the plan's draw runs through the plan, at the approved time: not by hand, not early.
    const early = await call(system.baseUrl, 'POST', `/draws/${approved.body.drawId}/run`, { outsideRandomness: beaconValue() });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain(drafted.body.number);
    // The randomness it will mix in was named at commitment: the first drand round after the approved time.
    expect(committed.body.randomnessSource).toMatchObject({ kind: 'drand', chain: 'quicknet' });
    expect(Date.parse(committed.body.randomnessSource.publishedAt)).toBeGreaterThanOrEqual(Date.parse(committed.body.drawAt));
    // An auditor enters that value once it is out: nobody in the bureau chose it. Not the office, not any other form.
    expect((await call(system.baseUrl, 'POST', `/plans/${id}/outside-randomness`, { value: beaconValue() })).status).toBe(403);
    await untilPublished(committed.body);
    const malformed = await call(system.baseUrl, 'POST', `/plans/${id}/outside-randomness`, { value: '公开随机信标 第 88321 轮' }, testUsers.auditor.headers);
    expect(malformed.status).toBe(422);
    // Past the approved time the draw waits for the value: nothing is drawn without it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await call(system.baseUrl, 'GET', `/draws/${approved.body.drawId}`, undefined, testUsers.auditor.headers)).body.status).toBe('committed');
    const beacon = await enterPlanRandomness(system.baseUrl, id, approved.body.drawId);

    const running = await eventually(() => call(system.baseUrl, 'GET', `/plans/${id}`, undefined, testUsers.leadership.headers).then((answer) => answer.body), (plan) => plan.status === 'in_progress');
    expect(running.caseIds).toHaveLength(3);
    expect(running.history.map((step: { status: string }) => step.status)).toEqual(['submitted', 'sent_back', 'submitted', 'scheduled', 'drawn', 'in_progress']);
    const drawn = await call(system.baseUrl, 'GET', `/draws/${approved.body.drawId}/verification`, undefined, testUsers.auditor.headers);
    expect(drawn.body).toMatchObject({ valid: true });
    expect((await call(system.baseUrl, 'GET', `/draws/${approved.body.drawId}`, undefined, testUsers.auditor.headers)).body.outsideRandomness).toBe(beacon);
    const cases = await eventually(() => call(system.baseUrl, 'GET', `/cases?planId=${id}`).then((answer) => answer.body), (body) => body.total === 3);
    expect(cases.items.every((item: { origin: string }) => item.origin === 'random')).toBe(true);

    // R8: the entity is sent an inspection notice naming the plan, its items and what to have ready.
    const [drawnCase] = cases.items as Array<{ id: string; team: string[] }>;
    const drawnDetail = (await call(system.baseUrl, 'GET', `/cases/${drawnCase!.id}`)).body;
    // R19: it is to be inspected by the end of the plan's last day.
    expect(drawnDetail.inspectionDueAt).toBe(endOfChinaDay(planBody.periodEnd));
    const notice = drawnDetail.timeline.find((event: { kind: string }) => event.kind === 'inspection_notice_sent');
    expect(notice.data).toEqual({
      planNumber: drafted.body.number,
      items: [{ code: 'SW-ESC-01', name: '二手车交易市场经营者备案及经营行为检查', legalBasis: '《二手车流通管理办法》第二十七条', preparation: '二手车交易市场经营者备案材料\n车辆交易档案' }],
      unannounced: false,
    });

    // R12: the plan's 10 days, not the item's 15, are the default period of its cases' rectification orders.

    const inspection = { ...inspectionBody(drawnCase!.team, 'problem_found', false) };
    inspection.items = inspection.items.map((item) => ({ ...item, itemCode: 'SW-ESC-01' }));
    expect((await call(system.baseUrl, 'POST', `/cases/${drawnCase!.id}/inspection`, inspection, asOfficer(drawnCase!.team[0]!))).status).toBe(200);
    const reviewed = await call(system.baseUrl, 'POST', `/cases/${drawnCase!.id}/review`, { decision: 'approve' });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body.timeline.find((event: { kind: string }) => event.kind === 'inspection_approved').data).toMatchObject({ rectificationPeriod: { days: 10, source: 'plan' } });
    await recordHistory(system.temporal, 'plan-case-awaiting-rectification-order', drawnCase!.id);

    // R20: each approval step is in the audit log with who, why and before/after.
    const trail = await call(system.baseUrl, 'GET', `/audit?target=${id}`, undefined, testUsers.auditor.headers);
    const sendBack = trail.body.items.find((entry: { action: string }) => entry.action === 'plan:sent_back');
    expect(sendBack).toMatchObject({ actor: testUsers.leadership.id, reason: '请补充联合检查部门', data: { before: 'submitted', after: 'sent_back' } });

    expect((await call(system.baseUrl, 'POST', `/plans/${id}/close`, {})).body.status).toBe('closed');
    // The plan's and its draw's workflows, for the replay check of changes to come (test/histories).
    await eventually(() => system.temporal.workflow.getHandle(`plan-${id}`).describe(), (described) => described.status.name === 'COMPLETED');
    await recordHistory(system.temporal, 'plan-approved-drawn-closed', '', `plan-${id}`);
    await recordHistory(system.temporal, 'draw-of-a-plan', '', `draw-${approved.body.drawId}`);
  });

  it('R4 R11 approving a plan whose draw is infeasible is refused with what is short, and the plan stays submitted', async () => {
    const drafted = await call(system.baseUrl, 'POST', '/plans', { ...planBody, targetCount: 500 });
    await call(system.baseUrl, 'POST', `/plans/${drafted.body.id}/submit`, {});
    const refused = await call(system.baseUrl, 'POST', `/plans/${drafted.body.id}/approve`, { drawAt: new Date(Date.now() + 60_000).toISOString() }, testUsers.leadership.headers);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/500/);
    expect((await call(system.baseUrl, 'GET', `/plans/${drafted.body.id}`, undefined, testUsers.leadership.headers)).body.status).toBe('submitted');
  });
});

/** Drafts, approves and draws a plan of one target; answers the drawn case as GET /cases/:id reads it. */
async function drawOneCase(overrides: Record<string, unknown>) {
  const drafted = await call(system.baseUrl, 'POST', '/plans', { ...planBody, title: `单户抽查 ${JSON.stringify(overrides)}`, targetCount: 1, ...overrides });
  expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
  const id = drafted.body.id as string;
  await call(system.baseUrl, 'POST', `/plans/${id}/submit`, {});
  const approved = await call(system.baseUrl, 'POST', `/plans/${id}/approve`, { drawAt: new Date(Date.now() + 1_000).toISOString() }, testUsers.leadership.headers);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await enterPlanRandomness(system.baseUrl, id, approved.body.drawId);
  const cases = await eventually(() => call(system.baseUrl, 'GET', `/cases?planId=${id}`).then((answer) => answer.body), (body) => body.total === 1);
  return (await call(system.baseUrl, 'GET', `/cases/${cases.items[0].id}`)).body;
}

describe('R8 a plan whose items are all inspected unannounced', () => {
  it('R8 its cases send no inspection notice; a plan mixing both kinds names only the announced items', async () => {
    const drawCasesOf = async (itemCodes: string[]) => (await drawOneCase({ itemCodes })).timeline as Array<{ kind: string; data: any }>;
    const unannounced = await drawCasesOf(['SW-ESC-02']);
    expect(unannounced.map((event) => event.kind)).toContain('opened');
    expect(unannounced.map((event) => event.kind)).not.toContain('inspection_notice_sent');

    const mixed = await drawCasesOf(['SW-ESC-01', 'SW-ESC-02']);
    const notice = mixed.find((event) => event.kind === 'inspection_notice_sent');
    expect(notice?.data.items.map((item: { code: string }) => item.code)).toEqual(['SW-ESC-01']);
  });
});

describe('R19 a drawn case left uninspected when its plan\'s period ends', () => {
  it('R19 shows as overdue, and the office and the team are told', async () => {
    const day = 86_400_000;
    const chinaDay = (offsetDays: number) => chinaDate(new Date(Date.now() + offsetDays * day));
    const late = await drawOneCase({ periodStart: chinaDay(-3), periodEnd: chinaDay(-1) });
    expect(late.inspectionDueAt).toBe(endOfChinaDay(chinaDay(-1)));
    const overdue = await eventually(
      async () => (await call(system.baseUrl, 'GET', `/cases/${late.id}`)).body,
      (found) => found.timeline.some((event: { kind: string }) => event.kind === 'inspection_overdue'),
    );
    expect(overdue.status).toBe('awaiting_inspection');
    await recordHistory(system.temporal, 'plan-case-inspection-overdue', late.id);
    const listed = await call(system.baseUrl, 'GET', '/cases?overdue=true&pageSize=200');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(late.id);
    for (const headers of [testUsers.coordinator.headers, asOfficer(late.team[0])]) {
      const inbox = (await call(system.baseUrl, 'GET', '/me/notifications', undefined, headers)).body.items;
      expect(inbox).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: late.id, kind: 'inspection_overdue' })]));
    }

    // A case whose plan runs on is neither overdue nor reported.
    const onTime = await drawOneCase({ periodStart: chinaDay(-1), periodEnd: chinaDay(30) });
    expect(onTime.timeline.map((event: { kind: string }) => event.kind)).not.toContain('inspection_overdue');
    expect((await call(system.baseUrl, 'GET', '/cases?overdue=true&pageSize=200')).body.items.map((item: { id: string }) => item.id)).not.toContain(onTime.id);
  });
});

describe('R5 the annual plan shows how its monthly plans add up to full coverage', () => {
  it('R5 coverage counts entities in scope, those inspected, and the targets of submitted monthly plans', async () => {
    const annual = await call(system.baseUrl, 'POST', '/plans', { ...planBody, kind: 'annual', title: '2026年度计划', periodStart: '2026-01-01', periodEnd: '2026-12-31' });
    const coverage = () => call(system.baseUrl, 'GET', `/plans/${annual.body.id}/coverage`, undefined, testUsers.leadership.headers).then((answer) => answer.body);
    const before = await coverage();
    expect(before.entitiesInScope).toBe(8);
    expect(before.remaining).toBe(before.entitiesInScope - before.inspected);

    const monthly = await call(system.baseUrl, 'POST', '/plans', { ...planBody, title: '12月补充抽查', targetCount: 8 });
    expect((await coverage()).plannedByMonthlyPlans).toBe(before.plannedByMonthlyPlans); // a draft does not count
    await call(system.baseUrl, 'POST', `/plans/${monthly.body.id}/submit`, {});
    const after = await coverage();
    expect(after.plannedByMonthlyPlans).toBe(before.plannedByMonthlyPlans + 8);
    expect(after.monthlyPlans.map((plan: { id: string }) => plan.id)).toContain(monthly.body.id);
    expect(after).toMatchObject({ fullCoverageReachable: true, shortfall: 0 });
  });
});
