// Every branch of a case's life (R8–R17), run by the workflow on a real Temporal dev server against fake activities:
// no database, no HTTP, one-second "days". What the case wrote and sent is read from the fakes (World).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectionInput } from '../../domain/caseActions';
import {
  cancelCase,
  declareConflict,
  entityLeftMarket,
  getCaseState,
  orderRectification,
  reassignOfficer,
  recordDisposition,
  recordInspection,
  recordRevisit,
  reportRectification,
  reviewInspection,
} from '../../workflows/caseMessages';
import { recordHistory } from '../support/histories';
import { colleague, coordinator, eventually, lead, leadership, refusalOf, startHarness, team, timing, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

const today = () => new Date().toISOString().slice(0, 10);
const inspection = (resultCategory: InspectionInput['resultCategory'], passed: boolean): InspectionInput => ({
  actor: lead,
  inspectionDate: today(),
  officersPresent: team,
  resultCategory,
  items: [{ itemCode: 'SW-YFK-01', checkpoints: [{ code: 'deposit', passed }] }],
});
const revisit = (rectified: boolean) => ({ actor: lead, revisitDate: today(), officersPresent: team, rectified, findings: rectified ? '已整改' : '仍未整改' });

type Handle = Awaited<ReturnType<Harness['open']>>;
const statusOf = async (handle: Handle) => (await handle.query(getCaseState)).status;
const kinds = (caseId: string) => harness.world.eventsOf(caseId).map((event) => event.kind);
const noticeKinds = (caseId: string) => harness.world.notificationsOf(caseId).map((notification) => notification.kind);

async function rectifying(days?: number, dayMs?: number) {
  const handle = await harness.open(dayMs ? { timing: timing(dayMs) } : {});
  await handle.executeUpdate(recordInspection, { args: [inspection('problem_found', false)] });
  await handle.executeUpdate(reviewInspection, { args: [{ actor: coordinator, decision: 'approve' }] });
  const ordered = await handle.executeUpdate(orderRectification, {
    args: [{ actor: lead, requirements: '限期开立存管账户', ...(days ? { days, overrideReason: '测试期限' } : {}) }],
  });
  return { handle, caseId: ordered.caseId, deadline: Date.parse(ordered.rectificationDeadline!) };
}

describe('R12 R13 R16 R17 a case with problems found, rectified', () => {
  it('R12 reminders 2 and 1 days before the deadline, the deadline, the revisit, publication, the credit push, closed', async () => {
    const { handle, caseId, deadline } = await rectifying();
    await eventually(() => statusOf(handle), (status) => status === 'awaiting_revisit');
    const reminders = harness.world.notificationsOf(caseId).filter((notification) => notification.kind === 'deadline_reminder');
    expect(reminders.map((reminder) => reminder.message)).toEqual([
      '整改期限还有 2 天 / 2 day(s) to the rectification deadline',
      '整改期限还有 1 天 / 1 day(s) to the rectification deadline',
    ]);
    for (const reminder of reminders) expect(Date.parse(reminder.at)).toBeLessThan(deadline);

    await handle.executeUpdate(recordRevisit, { args: [revisit(true)] });
    const closed = await handle.result();
    expect(closed).toMatchObject({ status: 'closed', revisit: { rectified: true } });
    expect(closed.creditPushedAt).toBeDefined();
    expect(kinds(caseId)).toEqual(['opened', 'inspection_recorded', 'inspection_approved', 'rectification_ordered', 'rectification_deadline_reached', 'revisit_recorded', 'published', 'closed']);
    expect(harness.world.published.get(caseId)).toMatchObject({ resultCategory: 'problem_found', rectified: true, items: ['SW-YFK-01'] });
    expect(harness.world.pushes.filter((pushed) => pushed === caseId)).toHaveLength(1);
  });

  it('R12 the entity reports early; the team revisits before the deadline, and no reminder follows', async () => {
    const { handle, caseId } = await rectifying(30);
    expect(await refusalOf(handle, recordRevisit, revisit(true))).toMatchObject({ type: 'WrongState' });
    await handle.executeUpdate(reportRectification, { args: [{ actor: colleague, note: '已开立存管账户' }] });
    expect(await refusalOf(handle, reportRectification, { actor: lead, note: '再报一次' })).toMatchObject({ type: 'WrongState' });
    await handle.executeUpdate(recordRevisit, { args: [revisit(true)] });
    expect((await handle.result()).status).toBe('closed');
    expect(noticeKinds(caseId)).not.toContain('deadline_reminder');
  });
});

describe('R16 results that need no rectification', () => {
  it('R16 no problem found: published and closed at once', async () => {
    const handle = await harness.open();
    await handle.executeUpdate(recordInspection, { args: [inspection('no_problem', true)] });
    await handle.executeUpdate(reviewInspection, { args: [{ actor: coordinator, decision: 'approve' }] });
    expect((await handle.result()).status).toBe('closed');
  });

  it('R9 a result sent back goes to the team again, and the second one is reviewed', async () => {
    const handle = await harness.open();
    await handle.executeUpdate(recordInspection, { args: [inspection('no_problem', true)] });
    const returned = await handle.executeUpdate(reviewInspection, { args: [{ actor: coordinator, decision: 'return', comment: '缺少记录表编号' }] });
    expect(returned.status).toBe('awaiting_inspection');
    expect(noticeKinds(returned.caseId)).toContain('inspection_returned');
    await handle.executeUpdate(recordInspection, { args: [inspection('no_problem', true)] });
    await handle.executeUpdate(reviewInspection, { args: [{ actor: leadership, decision: 'approve' }] });
    expect((await handle.result()).status).toBe('closed');
  });

  it('R1 a result saying the entity is deregistered ends the case, unpublished', async () => {
    const handle = await harness.open();
    await handle.executeUpdate(recordInspection, { args: [inspection('entity_deregistered', true)] });
    await handle.executeUpdate(reviewInspection, { args: [{ actor: coordinator, decision: 'approve' }] });
    const ended = await handle.result();
    expect(ended).toMatchObject({ status: 'ended', endReason: 'entity_deregistered' });
    expect(harness.world.published.has(ended.caseId)).toBe(false);
  });
});

describe('R13 a revisit not recorded escalates', () => {
  it('R13 the brigade office is told past the revisit limit, leadership later; the revisit then closes the case', async () => {
    const { handle, caseId } = await rectifying(1);
    await eventually(() => handle.query(getCaseState), (state) => state.escalationLevel === 2, 20_000);
    const escalations = harness.world.notificationsOf(caseId).filter((notification) => notification.kind === 'escalation');
    expect(escalations.map((notification) => notification.recipients)).toEqual([
      ['role:coordinator', ...team],
      ['role:leadership', 'role:coordinator'],
    ]);
    await handle.executeUpdate(recordRevisit, { args: [revisit(true)] });
    expect((await handle.result()).status).toBe('closed');
  });
});

describe('R14 R15 R17 dispositions', () => {
  it('R14 R17 a failed revisit leads to a disposition: a penalty on a dishonest entity is published and blacklisted', async () => {
    const { handle, caseId } = await rectifying(1);
    await eventually(() => statusOf(handle), (status) => status === 'awaiting_revisit');
    expect((await handle.executeUpdate(recordRevisit, { args: [revisit(false)] })).status).toBe('awaiting_disposition');
    expect(await refusalOf(handle, recordDisposition, { actor: lead, dispositions: [{ kind: 'penalty', legalBasis: '第三十六条' }] })).toMatchObject({
      type: 'InvalidAction',
      field: 'dispositions.0.caseFilingNumber',
    });
    await handle.executeUpdate(recordDisposition, {
      args: [{ actor: coordinator, dispositions: [{ kind: 'penalty', caseFilingNumber: '坛商罚立〔2026〕7号', legalBasis: '第三十六条', decision: '罚款二万元', amountYuan: 20000, dishonest: true }] }],
    });
    const closed = await handle.result();
    expect(closed.status).toBe('closed');
    expect(harness.world.published.get(caseId)).toMatchObject({ penalties: [expect.objectContaining({ caseFilingNumber: '坛商罚立〔2026〕7号', amountYuan: 20000 })] });
    expect(harness.world.blacklisted).toContain(caseId);
    expect(kinds(caseId)).toEqual(expect.arrayContaining(['disposition_recorded', 'disposition_completed', 'blacklisted', 'closed']));
  });

  it('R15 refusing inspection goes straight to a disposition: a transfer and a police referral', async () => {
    const handle = await harness.open();
    await handle.executeUpdate(recordInspection, { args: [inspection('refused_inspection', true)] });
    expect((await handle.executeUpdate(reviewInspection, { args: [{ actor: coordinator, decision: 'approve' }] })).status).toBe('awaiting_disposition');
    await handle.executeUpdate(recordDisposition, {
      args: [{ actor: colleague, dispositions: [{ kind: 'transfer', department: '市场监督管理局', reason: '管辖' }, { kind: 'police_referral', reason: '涉嫌犯罪' }] }],
    });
    expect((await handle.result()).dispositions.map((disposition) => disposition.kind)).toEqual(['transfer', 'police_referral']);
  });
});

describe('R9 R10 the team', () => {
  it('R10 an officer who recuses is replaced; with nobody eligible left the recusal is refused and the team stays', async () => {
    const handle = await harness.open();
    const recused = await handle.executeUpdate(declareConflict, { args: [{ actor: colleague, relation: 'relative' }] });
    expect(recused.team).toEqual([lead.id, 'officer-spare']);
    expect(harness.world.notificationsOf(recused.caseId).filter((notification) => notification.kind === 'assigned').at(-1)?.recipients).toEqual(['officer-spare']);
    // The recused officer can no longer act; the replacement can.
    expect(await refusalOf(handle, recordInspection, { ...inspection('no_problem', true), actor: colleague })).toMatchObject({ type: 'NotAllowed' });

    const saved = harness.world.replacements;
    harness.world.replacements = [];
    try {
      expect(await refusalOf(handle, declareConflict, { actor: lead, relation: 'shareholding' })).toMatchObject({ type: 'WrongState', message: expect.stringContaining('no eligible officer') });
    } finally {
      harness.world.replacements = saved;
    }
    expect((await handle.query(getCaseState)).team).toEqual([lead.id, 'officer-spare']);
    await handle.executeUpdate(cancelCase, { args: [{ actor: leadership, reason: '测试结束' }] });
  });

  it('R9 the office changes the team; the officer taken off can no longer act', async () => {
    const handle = await harness.open();
    const changed = await handle.executeUpdate(reassignOfficer, { args: [{ actor: coordinator, officerId: colleague.id, replacementId: 'officer-new', reason: '病假' }] });
    expect(changed.team).toEqual([lead.id, 'officer-new']);
    expect(await refusalOf(handle, reportRectification, { actor: colleague, note: '已整改' })).toMatchObject({ type: 'NotAllowed' });
    await handle.executeUpdate(cancelCase, { args: [{ actor: leadership, reason: '测试结束' }] });
  });
});

describe('R1 R11 a case that ends early', () => {
  it('R11 leadership cancels with a reason, whatever the case is waiting for; it is not published', async () => {
    const { handle, caseId } = await rectifying(30);
    const cancelled = await handle.executeUpdate(cancelCase, { args: [{ actor: leadership, reason: '投诉人撤回投诉' }] });
    expect(cancelled).toMatchObject({ status: 'cancelled', endReason: '投诉人撤回投诉' });
    expect((await handle.result()).status).toBe('cancelled');
    expect(harness.world.published.has(caseId)).toBe(false);
    expect(kinds(caseId).at(-1)).toBe('cancelled');
  });

  it('R1 the entity leaves the market: its open case ends with that reason', async () => {
    const handle = await harness.open();
    await handle.signal(entityLeftMarket, { legalStatus: 'revoked', at: new Date().toISOString() });
    expect(await handle.result()).toMatchObject({ status: 'ended', endReason: 'entity_revoked' });
  });
});

describe('R17 R20 outages', () => {
  it('R20 with the database down at a step, the case waits, and goes on once it is back, writing each step once', async () => {
    const handle = await harness.open();
    harness.world.databaseDown = true;
    const failedBefore = harness.world.failedWrites;
    const inspected = handle.executeUpdate(recordInspection, { args: [inspection('no_problem', true)] });
    try {
      await eventually(() => harness.world.failedWrites, (failed) => failed >= failedBefore + 2);
    } finally {
      harness.world.databaseDown = false;
    }
    expect((await inspected).status).toBe('under_review');
    await handle.executeUpdate(reviewInspection, { args: [{ actor: coordinator, decision: 'approve' }] });
    const closed = await handle.result();
    expect(kinds(closed.caseId).filter((kind) => kind === 'inspection_recorded')).toHaveLength(1);
  });

  it('R12 issue 18: with the worker down across both reminders, one reminder comes, late, with the true time left; then the deadline', async () => {
    // 3-second "days", so that the worker comes back well before the deadline even on a loaded machine.
    const day = 3_000;
    const { handle, caseId, deadline } = await rectifying(3, day);
    await harness.stopWorker();
    // Down from before the first reminder (2 "days" before the deadline) until after the second (1 day before).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - day - Date.now() + 300)));
    harness.startWorker();
    await eventually(() => statusOf(handle), (status) => status === 'awaiting_revisit', 20_000);
    const reminders = harness.world.notificationsOf(caseId).filter((notification) => notification.kind === 'deadline_reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.message).toMatch(/^整改期限(还有 \d+ 小时|不足 1 小时) \//);
    expect(Date.parse(reminders[0]!.at)).toBeLessThan(deadline);
    await handle.executeUpdate(recordRevisit, { args: [revisit(true)] });
    await handle.result();
    await recordHistory(harness.env.client, 'reminders-after-an-outage', caseId);
  });

  it('R12 issue 18: with the worker down past the deadline, no stale reminder is sent and the revisit falls due', async () => {
    const { handle, caseId, deadline } = await rectifying(3);
    await harness.stopWorker();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now() + 300)));
    harness.startWorker();
    await eventually(() => statusOf(handle), (status) => status === 'awaiting_revisit', 20_000);
    expect(noticeKinds(caseId)).not.toContain('deadline_reminder');
    expect(noticeKinds(caseId)).toContain('revisit_due');
    await handle.executeUpdate(cancelCase, { args: [{ actor: leadership, reason: '测试结束' }] });
    await handle.result();
    await recordHistory(harness.env.client, 'reminders-slept-past-the-deadline', caseId);
  });
});
