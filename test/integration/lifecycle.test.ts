// Whole case lifecycles on a real Temporal server, with "days" one second long (R8–R17).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCreditPush } from '../../activities/credit';
import { startCreditPlatform } from '../support/creditPlatform';
import {
  asCoordinator,
  asLeadership,
  asOfficer,
  eventually,
  inspectionBody,
  openComplaintCase,
  registerOfficer,
  type OpenedCase,
} from '../support/fixtures';
import { penaltyDecisionWorkflowId } from '../../workflows/penaltyDecision';
import { recordHistory } from '../support/histories';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';

const SECRET = 'test-signing-secret';
let system: TestSystem;
let platform: Awaited<ReturnType<typeof startCreditPlatform>>;

beforeAll(async () => {
  platform = await startCreditPlatform();
  system = await startTestSystem('lifecycle', { creditPlatform: { url: platform.url, secret: SECRET } });
});

afterAll(async () => {
  await system?.stop();
  await platform?.close();
});

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(system.baseUrl, method, path, body, headers);
const readCase = async (id: string) => (await api('GET', `/cases/${id}`)).body;
const notificationsOf = async (headers: Record<string, string>) =>
  (await api('GET', '/me/notifications', undefined, headers)).body.items as Array<{ kind: string; caseId: string; createdAt: string }>;

async function inspectAndApprove(opened: OpenedCase, resultCategory: string, passed: boolean) {
  const [lead] = opened.team;
  const inspected = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, resultCategory, passed), asOfficer(lead!));
  expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
  expect(inspected.body.status).toBe('under_review');
  const approved = await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator());
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return approved.body;
}

async function orderRectification(opened: OpenedCase, days = 3) {
  const ordered = await api(
    'POST',
    `/cases/${opened.id}/rectification-order`,
    { requirements: '7日内完成预收资金存管', days, overrideReason: days === 3 ? undefined : '测试期限' },
    asOfficer(opened.team[0]!),
  );
  expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
  return ordered.body;
}

const revisitBody = (team: string[], rectified: boolean, dispositionNeeded = false) => ({
  revisitDate: new Date().toISOString().slice(0, 10),
  officersPresent: team,
  rectified,
  findings: rectified ? '已完成整改' : '仍未整改',
  dispositionNeeded,
});

describe('R12 R13 R16 R17 the full lifecycle of a case with problems found', () => {
  it('R12 R13 inspection → review → rectification order → reminders before the deadline → revisit → publication → credit push → closed', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [lead] = opened.team;

    const approved = await inspectAndApprove(opened, 'problem_found', false);
    expect(approved.status).toBe('awaiting_rectification_order');
    expect(approved.resultCategory).toBe('problem_found');

    const ordered = await orderRectification(opened);
    expect(ordered.status).toBe('rectifying');
    const deadline = Date.parse(ordered.rectificationDeadline);
    expect(deadline - Date.now()).toBeGreaterThan(2_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(3_000);

    // Reminders reach the team 2 "days" and 1 "day" before the deadline, while the case is still rectifying.
    const reminders = await eventually(
      () => notificationsOf(asOfficer(lead!)),
      (items) => items.filter((item) => item.caseId === opened.id && item.kind === 'deadline_reminder').length === 2,
    );
    for (const reminder of reminders.filter((item) => item.kind === 'deadline_reminder')) {
      expect(Date.parse(reminder.createdAt)).toBeLessThan(deadline);
    }

    // At the deadline the case moves to the revisit (R13) by itself.
    const due = await eventually(() => readCase(opened.id), (body) => body.status === 'awaiting_revisit');
    expect(due.timeline.map((event: { kind: string }) => event.kind)).toContain('rectification_deadline_reached');
    expect((await notificationsOf(asOfficer(lead!))).some((item) => item.caseId === opened.id && item.kind === 'revisit_due')).toBe(true);

    const revisited = await api('POST', `/cases/${opened.id}/revisit`, revisitBody(opened.team, true), asOfficer(lead!));
    expect(revisited.status, JSON.stringify(revisited.body)).toBe(200);

    const closed = await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
    expect(closed.publication.content).toMatchObject({ entityUscc: opened.entity.uscc, resultCategory: 'problem_found', rectified: true });
    expect(closed.publishedAt).not.toBeNull();
    expect(closed.creditPushedAt).not.toBeNull();
    expect(closed.timeline.map((event: { kind: string }) => event.kind)).toEqual([
      'opened',
      'inspection_notice_sent',
      'inspection_recorded',
      'inspection_approved',
      'rectification_ordered',
      'rectification_deadline_reached',
      'revisit_recorded',
      'published',
      'closed',
    ]);

    // R17: one signed push with an idempotency key reached the platform.
    const pushes = platform.received.filter((push) => JSON.parse(push.body).caseId === opened.id);
    expect(pushes).toHaveLength(1);
    const [push] = pushes;
    expect(push!.headers['idempotency-key']).toBe(`credit-${opened.id}`);
    expect(push!.headers['x-signature']).toBe(signCreditPush(SECRET, String(push!.headers['x-timestamp']), push!.body));
    await recordHistory(system.temporal, 'rectified-after-revisit', opened.id);
  });

  it('R16 no problem found → published and closed; the public record holds no officers\' notes or evidence', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    await inspectAndApprove(opened, 'no_problem', true);
    const closed = await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
    expect(closed.publication.content).toMatchObject({ resultCategory: 'no_problem', items: ['SW-YFK-01'] });
    const published = JSON.stringify(closed.publication.content);
    expect(published).not.toContain('现场检查笔录');
    expect(published).not.toContain(opened.team[0]);
    await recordHistory(system.temporal, 'no-problem-found', opened.id);
  });

  it('R12 the entity reports rectification early; the team still revisits, and may do so before the deadline', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    await inspectAndApprove(opened, 'problem_found', false);
    await orderRectification(opened, 30);
    const early = await api('POST', `/cases/${opened.id}/revisit`, revisitBody(opened.team, true), asOfficer(opened.team[0]!));
    expect(early.status).toBe(409);
    const reported = await api('POST', `/cases/${opened.id}/rectification-report`, { note: '已开立存管账户' }, asOfficer(opened.team[1]!));
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body.status).toBe('rectifying');
    const revisited = await api('POST', `/cases/${opened.id}/revisit`, revisitBody(opened.team, true), asOfficer(opened.team[0]!));
    expect(revisited.status, JSON.stringify(revisited.body)).toBe(200);
    await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
  });

  it("R12 the order's default period is the failed item's own; another period needs a reason, and a refused order leaves the case as it was", async () => {
    const code = `ZQ-${Date.now().toString(36).toUpperCase()}`;
    const item = await api('POST', '/inspection-items', {
      code,
      name: '零售商促销行为规范',
      legalBasis: '《零售商促销行为管理办法》第六条',
      categories: ['prepaid_card_issuer'],
      defaultRectificationDays: 5,
    });
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    const opened = await openComplaintCase(system.baseUrl);
    const body = inspectionBody(opened.team, 'problem_found', false);
    body.items = [{ ...body.items[0]!, itemCode: code }, { ...body.items[0]!, checkpoints: [{ code: 'filing', description: '发卡备案', passed: true }] }];
    expect((await api('POST', `/cases/${opened.id}/inspection`, body, asOfficer(opened.team[0]!))).status).toBe(200);
    const approved = await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator());
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const approval = approved.body.timeline.find((event: { kind: string }) => event.kind === 'inspection_approved');
    expect(approval.data).toMatchObject({ rectificationPeriod: { days: 5, source: 'item' } });

    // The bureau's 3 days are no longer the default here: asking for them needs a reason.
    const refused = await api('POST', `/cases/${opened.id}/rectification-order`, { requirements: '整改促销标价', days: 3 }, asOfficer(opened.team[0]!));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.overrideReason', message: expect.stringContaining('5') })]);
    const unchanged = await readCase(opened.id);
    expect(unchanged).toMatchObject({ status: 'awaiting_rectification_order', rectificationDeadline: null });
    expect(unchanged.timeline).toEqual(approved.body.timeline);

    const ordered = await api('POST', `/cases/${opened.id}/rectification-order`, { requirements: '整改促销标价' }, asOfficer(opened.team[0]!));
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
    const order = ordered.body.records.find((record: { kind: string }) => record.kind === 'rectification_order');
    expect(order.data).toMatchObject({ days: 5, dayKind: 'calendar' });
    expect(Date.parse(ordered.body.rectificationDeadline) - Date.parse(order.data.orderedAt)).toBe(5 * 1_000);

    await eventually(() => readCase(opened.id), (found) => found.status === 'awaiting_revisit');
    const revisited = await api('POST', `/cases/${opened.id}/revisit`, revisitBody(opened.team, true), asOfficer(opened.team[0]!));
    expect(revisited.status, JSON.stringify(revisited.body)).toBe(200);
    await eventually(() => readCase(opened.id), (found) => found.status === 'closed');
    await recordHistory(system.temporal, 'item-rectification-period', opened.id);
  });
});

describe('R14 R15 dispositions after a failed revisit', () => {
  async function caseAwaitingDisposition() {
    const opened = await openComplaintCase(system.baseUrl);
    await inspectAndApprove(opened, 'problem_found', false);
    await orderRectification(opened, 1);
    await eventually(() => readCase(opened.id), (body) => body.status === 'awaiting_revisit');
    const revisited = await api('POST', `/cases/${opened.id}/revisit`, revisitBody(opened.team, false), asOfficer(opened.team[0]!));
    expect(revisited.body.status).toBe('awaiting_disposition');
    return opened;
  }

  it('R14 R16 R17 an administrative penalty is filed and published; a dishonest entity goes on the blacklist; its later decision is published and pushed', async () => {
    const opened = await caseAwaitingDisposition();
    const disposed = await api(
      'POST',
      `/cases/${opened.id}/disposition`,
      {
        dispositions: [
          {
            kind: 'penalty',
            caseFilingNumber: '坛商罚立〔2026〕7号',
            decision: '罚款人民币二万元',
            amountYuan: 20000,
            legalBasis: '《单用途商业预付卡管理办法（试行）》第三十六条',
            dishonest: true,
          },
        ],
      },
      asOfficer(opened.team[0]!),
    );
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(200);
    const closed = await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
    expect(closed.dispositions).toEqual([expect.objectContaining({ kind: 'penalty', status: 'filed' })]);
    expect(closed.publication.content.penalties).toEqual([
      expect.objectContaining({ caseFilingNumber: '坛商罚立〔2026〕7号', amountYuan: 20000 }),
    ]);
    const listed = await system.db.blacklistEntry.findMany({ where: { entityId: opened.entity.id } });
    expect(listed).toEqual([expect.objectContaining({ caseId: opened.id, reason: '罚款人民币二万元' })]);
    await recordHistory(system.temporal, 'penalty-and-blacklist', opened.id);

    // R16: the decision, made after publication, reaches the public record and the credit platform.
    const penalty = closed.dispositions[0] as { id: string };
    const decision = '坛商罚决〔2026〕12号：罚款人民币二万元';
    // A decision without its text is refused, and nothing goes out.
    const bare = await api('POST', `/cases/${opened.id}/dispositions/${penalty.id}/progress`, { status: 'decided' }, asOfficer(opened.team[0]!));
    expect(bare.status).toBe(422);
    await expect(system.temporal.workflow.getHandle(penaltyDecisionWorkflowId(penalty.id)).describe()).rejects.toThrow();
    const decided = await api('POST', `/cases/${opened.id}/dispositions/${penalty.id}/progress`, { status: 'decided', note: decision }, asOfficer(opened.team[0]!));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const published = await eventually(
      async () => (await api('GET', `/public/results?q=${opened.entity.uscc}`, undefined, {})).body.items[0],
      (item) => item?.result.penalties[0].decision === decision,
    );
    expect(published.result.penalties).toEqual([expect.objectContaining({ caseFilingNumber: '坛商罚立〔2026〕7号', decision, amountYuan: 20000 })]);
    const pushed = await eventually(
      async () => platform.received.filter((push) => push.headers['idempotency-key'] === `credit-${opened.id}-penalty-${penalty.id}`),
      (pushes) => pushes.length === 1,
    );
    expect(JSON.parse(pushed[0]!.body)).toMatchObject({ caseId: opened.id, penalties: [expect.objectContaining({ decision })] });
    await system.temporal.workflow.getHandle(penaltyDecisionWorkflowId(penalty.id)).result();
    await recordHistory(system.temporal, 'penalty-decision', opened.id, penaltyDecisionWorkflowId(penalty.id));
  });

  it('R15 transfer to another department and police referral are each recorded, and each moves through its own status', async () => {
    const opened = await caseAwaitingDisposition();
    const disposed = await api(
      'POST',
      `/cases/${opened.id}/disposition`,
      {
        dispositions: [
          { kind: 'transfer', department: '金坛区市场监督管理局', reason: '涉及价格违法，属市场监管部门管辖', letterReference: '坛商移〔2026〕2号' },
          { kind: 'police_referral', reason: '涉嫌非法吸收公众存款' },
        ],
      },
      asOfficer(opened.team[1]!),
    );
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(200);
    const closed = await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
    expect(closed.dispositions.map((disposition: { kind: string; status: string }) => [disposition.kind, disposition.status])).toEqual([
      ['transfer', 'sent'],
      ['police_referral', 'sent'],
    ]);
    await recordHistory(system.temporal, 'transfer-and-police-referral', opened.id);

    // After the case has closed, the team records the receiving department's steps, one at a time.
    const transfer = closed.dispositions[0] as { id: string };
    const progress = (body: unknown, headers = asOfficer(opened.team[0]!)) =>
      api('POST', `/cases/${opened.id}/dispositions/${transfer.id}/progress`, body, headers);
    const accepted = await progress({ status: 'accepted' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.dispositions[0]).toMatchObject({ id: transfer.id, status: 'accepted' });

    const withoutOutcome = await progress({ status: 'concluded' });
    expect(withoutOutcome.status).toBe(422);
    expect(withoutOutcome.body.errors).toEqual([expect.objectContaining({ field: 'body.note' })]);
    const backwards = await progress({ status: 'sent' });
    expect(backwards.status).toBe(409);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'body.status' })]);
    const outsider = await registerOfficer(system.baseUrl);
    expect((await progress({ status: 'concluded', note: '已立案查处' }, asOfficer(outsider.id))).status).toBe(403);
    const unchanged = await readCase(opened.id);
    expect(unchanged.dispositions[0].status).toBe('accepted');
    expect(unchanged.timeline.filter((event: { kind: string }) => event.kind === 'disposition_progressed')).toHaveLength(1);

    const concluded = await progress({ status: 'concluded', note: '市场监管局已立案查处，罚款五千元' }, asCoordinator());
    expect(concluded.status, JSON.stringify(concluded.body)).toBe(200);
    expect(concluded.body.dispositions[0].status).toBe('concluded');
    expect(concluded.body.timeline.filter((event: { kind: string }) => event.kind === 'disposition_progressed')).toEqual([
      expect.objectContaining({ actor: opened.team[0], data: expect.objectContaining({ from: 'sent', to: 'accepted' }) }),
      expect.objectContaining({ reason: '市场监管局已立案查处，罚款五千元', data: expect.objectContaining({ from: 'accepted', to: 'concluded' }) }),
    ]);
    expect(concluded.body.dispositions[1].status).toBe('sent');
  });

  it('R14 a penalty without its case filing number is refused, naming the field, and nothing is written', async () => {
    const opened = await caseAwaitingDisposition();
    const before = await readCase(opened.id);
    const refused = await api('POST', `/cases/${opened.id}/disposition`, { dispositions: [{ kind: 'penalty', decision: '罚款', legalBasis: '第三十六条' }] }, asOfficer(opened.team[0]!));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.dispositions.0.caseFilingNumber' })]);
    expect(await readCase(opened.id)).toEqual(before);
  });
});

describe('R13 R19 a revisit that is not recorded escalates', () => {
  it('R13 R19 past the revisit limit the coordinator is alerted, then leadership; the case shows as overdue', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    await inspectAndApprove(opened, 'problem_found', false);
    await orderRectification(opened, 1);
    const first = await eventually(() => readCase(opened.id), (body) => body.escalationLevel === 1, 20_000);
    expect(first.status).toBe('awaiting_revisit');
    expect((await notificationsOf(asCoordinator())).some((n) => n.caseId === opened.id && n.kind === 'escalation')).toBe(true);
    const overdue = await api('GET', `/cases?overdue=true&officerId=${opened.team[0]}`);
    expect(overdue.body.items.map((item: { id: string }) => item.id)).toEqual([opened.id]);

    await eventually(() => readCase(opened.id), (body) => body.escalationLevel === 2, 20_000);
    expect((await notificationsOf(asLeadership())).some((n) => n.caseId === opened.id && n.kind === 'escalation')).toBe(true);
    const revisited = await api('POST', `/cases/${opened.id}/revisit`, revisitBody(opened.team, true), asOfficer(opened.team[0]!));
    expect(revisited.status).toBe(200);
    await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
    await recordHistory(system.temporal, 'escalated-revisit', opened.id);
  });
});

describe('R9 R20 refused actions leave the case exactly as it was', () => {
  it('R9 an officer not on the team (403), the wrong state (409) and one officer present (422) are refused', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const outsider = await registerOfficer(system.baseUrl);
    const before = await readCase(opened.id);

    const notOnTeam = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'no_problem', true), asOfficer(outsider.id));
    expect(notOnTeam.status).toBe(403);
    const wrongState = await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator());
    expect(wrongState.status).toBe(409);
    const alone = await api('POST', `/cases/${opened.id}/inspection`, { ...inspectionBody(opened.team, 'no_problem', true), officersPresent: [opened.team[0]] }, asOfficer(opened.team[0]!));
    expect(alone.status).toBe(422);
    expect(alone.body.errors).toEqual([expect.objectContaining({ field: 'body.officersPresent' })]);
    const contradictory = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'no_problem', false), asOfficer(opened.team[0]!));
    expect(contradictory.status).toBe(422);
    expect(contradictory.body.errors).toEqual([expect.objectContaining({ field: 'body.resultCategory' })]);
    const notLeadership = await api('POST', `/cases/${opened.id}/cancel`, { reason: '越权撤销' }, asOfficer(opened.team[0]!));
    expect(notLeadership.status).toBe(403);

    expect(await readCase(opened.id)).toEqual(before);
  });

  it('R20 a returned inspection goes back to the team with the coordinator\'s comment', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'no_problem', true), asOfficer(opened.team[0]!));
    const returned = await api('POST', `/cases/${opened.id}/review`, { decision: 'return', comment: '缺少检查记录表编号' }, asCoordinator());
    expect(returned.body.status).toBe('awaiting_inspection');
    expect(returned.body.timeline.at(-1)).toMatchObject({ kind: 'inspection_returned', actor: testUsers.coordinator.id, reason: '缺少检查记录表编号' });
    const again = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'no_problem', true), asOfficer(opened.team[0]!));
    expect(again.body.status).toBe('under_review');
    await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator());
    await eventually(() => readCase(opened.id), (body) => body.status === 'closed');
    await recordHistory(system.temporal, 'returned-then-approved', opened.id);
  });
});

describe('R10 recusal', () => {
  it('R10 an officer who declares a conflict with the entity is taken off its case and may neither read nor act on it', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    await registerOfficer(system.baseUrl); // someone free to replace them
    const [related] = opened.team;
    const declared = await api('POST', '/conflicts', { officerId: related, entityId: opened.entity.id, relation: 'shareholding' }, asOfficer(related!));
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    expect((await api('GET', `/cases/${opened.id}`, undefined, asOfficer(related!))).status).toBe(403);
    const acting = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'no_problem', true), asOfficer(related!));
    expect(acting.status).toBe(403);
    expect(acting.body.detail).toContain('R10');
    expect(declared.body.recusals.recused.map((recusal: { caseId: string }) => recusal.caseId)).toEqual([opened.id]);
    expect((await readCase(opened.id)).team).not.toContain(related);
  });

  it('R10 an officer who declares a conflict is replaced by an eligible officer without one, and it is recorded', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [recused, stays] = opened.team;
    const recusal = await api('POST', `/cases/${opened.id}/recusal`, { relation: 'relative', note: '法定代表人系其表兄' }, asOfficer(recused!));
    expect(recusal.status, JSON.stringify(recusal.body)).toBe(200);
    expect(recusal.body.team).toContain(stays);
    expect(recusal.body.team).not.toContain(recused);
    expect(recusal.body.team).toHaveLength(2);
    expect(recusal.body.timeline.at(-1)).toMatchObject({ kind: 'recusal', actor: recused, reason: 'relative' });
    const conflict = await system.db.officerConflict.findUnique({ where: { officerId_entityId: { officerId: recused!, entityId: opened.entity.id } } });
    expect(conflict).not.toBeNull();
    const replacement = recusal.body.team.find((officer: string) => officer !== stays);
    expect((await notificationsOf(asOfficer(replacement))).some((n) => n.caseId === opened.id && n.kind === 'assigned')).toBe(true);

    // The recused officer can no longer act on the case.
    const refused = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(recusal.body.team, 'no_problem', true), asOfficer(recused!));
    expect(refused.status).toBe(403);
    await api('POST', `/cases/${opened.id}/cancel`, { reason: '测试结束' }, asLeadership());
    await recordHistory(system.temporal, 'recusal-then-cancelled', opened.id);
  });

  it('R10 a conflict the office declares in the directory takes the officer off the entity\'s open case, with a replacement', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [conflicted, stays] = opened.team;
    const declared = await api('POST', '/conflicts', { officerId: conflicted, entityId: opened.entity.id, relation: 'shareholding', note: '持有该企业 5% 股份' }, asCoordinator());
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    expect(declared.body.recusals).toEqual({ recused: [{ caseId: opened.id, replacedBy: expect.any(String) }], refused: [] });

    const found = await readCase(opened.id);
    expect(found.team).toEqual(expect.arrayContaining([stays, declared.body.recusals.recused[0].replacedBy]));
    expect(found.team).not.toContain(conflicted);
    expect(found.timeline.at(-1)).toMatchObject({ kind: 'recusal', actor: conflicted, reason: 'shareholding' });
    // A colleague can no longer count the conflicted officer as present (R9 with R10).
    const withConflicted = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody([stays!, conflicted!], 'no_problem', true), asOfficer(stays!));
    expect(withConflicted.status).toBe(422);
    expect(withConflicted.body.errors).toEqual([expect.objectContaining({ field: 'body.officersPresent' })]);
    await api('POST', `/cases/${opened.id}/cancel`, { reason: '测试结束' }, asLeadership());
  });
});

describe('R9 R10 the office changes a team', () => {
  it('R9 R10 the coordinator replaces an officer with one who may serve, with a reason; ineligible or invalid changes are refused and change nothing', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [leaving, stays] = opened.team as [string, string];
    const replacement = (await registerOfficer(system.baseUrl)).id;
    const conflicted = (await registerOfficer(system.baseUrl)).id;
    expect((await api('POST', '/conflicts', { officerId: conflicted, entityId: opened.entity.id, relation: 'relative' }, asCoordinator())).status).toBe(201);
    const reassign = (body: Record<string, unknown>, headers = asCoordinator()) => api('POST', `/cases/${opened.id}/reassignment`, body, headers);
    const before = await readCase(opened.id);

    expect((await reassign({ officerId: leaving, replacementId: replacement, reason: '病假' }, asOfficer(stays))).status).toBe(403);
    const withConflict = await reassign({ officerId: leaving, replacementId: conflicted, reason: '病假' });
    expect(withConflict.status).toBe(422);
    expect(withConflict.body.errors).toEqual([expect.objectContaining({ field: 'body.replacementId', message: expect.stringContaining('R10') })]);
    const alreadyOn = await reassign({ officerId: leaving, replacementId: stays, reason: '病假' });
    expect(alreadyOn.status).toBe(422);
    expect(alreadyOn.body.errors).toEqual([expect.objectContaining({ field: 'body.replacementId' })]);
    const noReason = await reassign({ officerId: leaving, replacementId: replacement, reason: ' ' });
    expect(noReason.status).toBe(422);
    expect(await readCase(opened.id)).toEqual(before);

    const changed = await reassign({ officerId: leaving, replacementId: replacement, reason: '原检查人员长期病假' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.team).toEqual([replacement, stays]);
    expect(changed.body.timeline.at(-1)).toMatchObject({ kind: 'reassigned', actor: testUsers.coordinator.id, reason: '原检查人员长期病假' });
    expect((await notificationsOf(asOfficer(replacement))).some((n) => n.caseId === opened.id && n.kind === 'assigned')).toBe(true);
    // The officer taken off can no longer act; the new one can.
    expect((await api('POST', `/cases/${opened.id}/inspection`, inspectionBody([replacement, stays], 'no_problem', true), asOfficer(leaving))).status).toBe(403);
    expect((await api('POST', `/cases/${opened.id}/inspection`, inspectionBody([replacement, stays], 'no_problem', true), asOfficer(replacement))).status).toBe(200);
    await recordHistory(system.temporal, 'reassigned-then-inspected', opened.id);
  });
});

describe('R17 a credit platform outage delays the push but never loses it', () => {
  it('R17 while the platform refuses, the push is retried; when it returns, it arrives once', async () => {
    platform.goDown();
    try {
      const opened = await openComplaintCase(system.baseUrl);
      await inspectAndApprove(opened, 'no_problem', true);
      await eventually(async () => system.db.creditPush.findUnique({ where: { idempotencyKey: `credit-${opened.id}` } }), (push) => (push?.attempts ?? 0) >= 2);
      expect((await readCase(opened.id)).status).toBe('publishing');
      platform.comeBack();
      const closed = await eventually(() => readCase(opened.id), (body) => body.status === 'closed', 20_000);
      expect(closed.creditPushedAt).not.toBeNull();
      expect(platform.received.filter((push) => JSON.parse(push.body).caseId === opened.id)).toHaveLength(1);
    } finally {
      platform.comeBack();
    }
  });
});

describe('R11 cancellation by leadership', () => {
  it('R11 leadership cancels with a reason; the case ends and is not published', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const cancelled = await api('POST', `/cases/${opened.id}/cancel`, { reason: '投诉人撤回投诉' }, asLeadership());
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', publication: null, endReason: '投诉人撤回投诉' });
  });
});

describe('R1 an entity that leaves the market', () => {
  it('R1 deregistering the entity ends its open case with that reason', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const changed = await api('POST', `/entities/${opened.entity.id}/legal-status`, { legalStatus: 'deregistered' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.endedCases).toEqual([opened.id]);
    const ended = await eventually(() => readCase(opened.id), (body) => body.status === 'ended');
    expect(ended).toMatchObject({ endReason: 'entity_deregistered', publication: null });
    expect(ended.timeline.at(-1)).toMatchObject({ kind: 'ended', actor: 'system', reason: 'entity_deregistered' });
    await recordHistory(system.temporal, 'entity-deregistered', opened.id);
  });
});

describe('R19 leadership lists cases through Temporal too', () => {
  it('R19 the case workflow carries its status and team as search attributes', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    await eventually(
      async () => {
        const found: string[] = [];
        for await (const execution of system.temporal.workflow.list({
          query: `CaseStatus = 'awaiting_inspection' AND CaseTeam = '${opened.team[0]}'`,
        })) {
          found.push(execution.workflowId);
        }
        return found;
      },
      (found) => found.includes(`inspection-case-${opened.id}`),
    );
  });
});
