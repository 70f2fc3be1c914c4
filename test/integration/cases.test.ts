// HTTP → Temporal → PostgreSQL and back, as an officer's or leader's request goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestSystem, testUsers, type TestSystem } from '../support/system';
import { asOfficer, registerEntity as registerEntityVia, registerOfficer } from '../support/fixtures';
import { createActivities } from '../../activities';
import { systemClock } from '../../activities/clock';
import { appendAudit, verifyAudit } from '../../services/audit';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('cases');
});

afterAll(async () => {
  await system?.stop();
});

async function team(): Promise<string[]> {
  return [(await registerOfficer(system.baseUrl)).id, (await registerOfficer(system.baseUrl)).id];
}

const registerEntity = () => registerEntityVia(system.baseUrl);

describe('R11 a complaint opens a non-random case with the full lifecycle', () => {
  it('R11 POST /cases starts the case workflow, which writes the case row; GET /cases/:id answers from both', async () => {
    const entity = await registerEntity();
    const opened = await call(
      system.baseUrl,
      'POST',
      '/cases',
      { entityId: entity.id, origin: 'complaint', reason: '12345 热线投诉 #2026-0318：预付卡无法退费', team: await team() },
      testUsers.coordinator.headers,
    );
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.headers.get('location')).toBe(`/cases/${opened.body.id}`);
    expect(opened.body).toMatchObject({
      status: 'awaiting_inspection',
      origin: 'complaint',
      originReason: '12345 热线投诉 #2026-0318：预付卡无法退费',
      openedBy: testUsers.coordinator.id,
      entity: { id: entity.id, uscc: entity.uscc },
    });

    // The row was written by the workflow's first activity, not by the API.
    const row = await system.db.inspectionCase.findUniqueOrThrow({ where: { id: opened.body.id } });
    expect(row).toMatchObject({ status: 'awaiting_inspection', origin: 'complaint', entityId: entity.id });

    const read = await call(system.baseUrl, 'GET', `/cases/${opened.body.id}?live=true`);
    expect(read.status).toBe(200);
    expect(read.body.workflow).toMatchObject({
      id: row.workflowId,
      status: 'RUNNING',
      state: { status: 'awaiting_inspection', origin: 'complaint' },
    });
    expect(read.body.timeline).toEqual([
      expect.objectContaining({ kind: 'opened', actor: testUsers.coordinator.id, reason: '12345 热线投诉 #2026-0318：预付卡无法退费' }),
      // The entity is told what to prepare (随机抽查通知书) unless the visit is unannounced.
      expect.objectContaining({ kind: 'inspection_notice_sent', actor: 'system' }),
    ]);

    // Temporal can list the case by its search attributes.
    const description = await system.temporal.workflow.getHandle(row.workflowId).describe();
    expect(description.typedSearchAttributes.get({ name: 'CaseOrigin', type: 'KEYWORD' } as never)).toBe('complaint');
  });

  it('R11 a random-draw origin cannot be opened by hand: 422 naming the field, nothing written', async () => {
    const entity = await registerEntity();
    const before = await system.db.inspectionCase.count();
    const refused = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'random', reason: '想查就查', team: await team() });
    expect(refused.status).toBe(422);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.origin' })]);
    expect(await system.db.inspectionCase.count()).toBe(before);
  });

  it('R11 missing reason and unknown fields are refused with each field named', async () => {
    const refused = await call(system.baseUrl, 'POST', '/cases', { entityId: 'not-a-uuid', origin: 'complaint', extra: 1 });
    expect(refused.status).toBe(422);
    const fields = refused.body.errors.map((error: { field: string }) => error.field).sort();
    expect(fields).toEqual(['body', 'body.entityId', 'body.reason', 'body.team']);
  });

  it('R1 a case cannot be opened against an unregistered entity (422) or one no longer operating (409)', async () => {
    const unknown = await call(system.baseUrl, 'POST', '/cases', {
      entityId: '00000000-0000-4000-8000-000000000000',
      origin: 'complaint',
      reason: '举报线索',
      team: await team(),
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'body.entityId' })]);

    const entity = await registerEntity();
    await system.db.entity.update({ where: { id: entity.id }, data: { legalStatus: 'deregistered' } });
    const deregistered = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '举报线索', team: await team() });
    expect(deregistered.status).toBe(409);
    expect(await system.db.inspectionCase.count({ where: { entityId: entity.id } })).toBe(0);
  });
});

describe('R20 cancellation is recorded with who, when and why', () => {
  it('R20 a refused cancellation leaves the case exactly as it was; an accepted one ends it with the reason on the timeline', async () => {
    const entity = await registerEntity();
    const opened = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'ordered', reason: '区政府交办', team: await team() });
    const caseId = opened.body.id as string;
    const before = await call(system.baseUrl, 'GET', `/cases/${caseId}`);

    const noReason = await call(system.baseUrl, 'POST', `/cases/${caseId}/cancel`, { reason: ' ' }, testUsers.leadership.headers);
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    const unchanged = await call(system.baseUrl, 'GET', `/cases/${caseId}`);
    expect(unchanged.body).toEqual(before.body);

    const cancelled = await call(
      system.baseUrl,
      'POST',
      `/cases/${caseId}/cancel`,
      { reason: '交办事项已由市场监管部门办理' },
      testUsers.leadership.headers,
    );
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', workflow: { status: 'COMPLETED' } });
    expect(cancelled.body.closedAt).not.toBeNull();
    expect(cancelled.body.timeline.at(-1)).toMatchObject({
      kind: 'cancelled',
      actor: testUsers.leadership.id,
      reason: '交办事项已由市场监管部门办理',
    });

    const again = await call(system.baseUrl, 'POST', `/cases/${caseId}/cancel`, { reason: '重复撤销' }, testUsers.leadership.headers);
    expect(again.status).toBe(409);
  });

  it('R20 an unknown case is a 404 problem, a malformed id a 400', async () => {
    const missing = await call(system.baseUrl, 'GET', '/cases/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.contentType).toContain('application/problem+json');
    const malformed = await call(system.baseUrl, 'GET', '/cases/42');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });
});

describe('R19 reading a case is cheap unless the live state is asked for', () => {
  it('R19 without ?live the workflow state is not queried; with it, it is', async () => {
    const entity = await registerEntity();
    const opened = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '投诉线索', team: await team() });
    const plain = await call(system.baseUrl, 'GET', `/cases/${opened.body.id}`);
    expect(plain.body.workflow).toMatchObject({ status: 'RUNNING', state: null });
    const live = await call(system.baseUrl, 'GET', `/cases/${opened.body.id}?live=true`);
    expect(live.body.workflow.state).toMatchObject({ caseId: opened.body.id, status: 'awaiting_inspection' });
  });
});

describe('R2 the officer directory follows people as they move and as certificates lapse', () => {
  it('R2 a move between units is recorded, not overwritten', async () => {
    const officer = await registerOfficer(system.baseUrl);
    const moved = await call(system.baseUrl, 'POST', `/officers/${officer.id}/posting`, { unit: '市场运行科', reason: '岗位调整' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ unit: '市场运行科', postings: [expect.objectContaining({ fromUnit: '商务综合行政执法大队', toUnit: '市场运行科', reason: '岗位调整' })] });
  });

  it('R2 an officer whose certificate is withdrawn or has expired cannot be put on a team', async () => {
    const entity = await registerEntity();
    const [a, b] = await team();
    await call(system.baseUrl, 'POST', `/officers/${a}/certificate`, { withdrawn: true, reason: '调离执法岗位，收回执法证' });
    // A certificate that has run out since the officer was registered (one already expired is refused at registration).
    const expired = await registerOfficer(system.baseUrl);
    await system.db.officer.update({ where: { id: expired.id }, data: { certificateValidUntil: new Date('2020-12-31') } });
    for (const members of [[a, b], [expired.id, b]]) {
      const refused = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '投诉线索', team: members });
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0]).toMatchObject({ field: 'body.team', message: expect.stringContaining('R2') });
    }
  });
});

describe('R20 the projection writes are single statements that a retry leaves unchanged', () => {
  it('R20 a retried progress, notification, opening and publication writes each row, event and notification once', async () => {
    const activities = createActivities({ db: system.db, drawSeedKey: system.dependencies.drawSeedKey, clock: systemClock });
    const entity = await registerEntity();
    const opened = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '投诉线索', team: await team() });
    const caseId: string = opened.body.id;
    const row = await system.db.inspectionCase.findUniqueOrThrow({ where: { id: caseId } });

    // The opening wrote the team's assignment and the inspection notice with it, once.
    const assigned = { caseId, kind: 'assigned' };
    expect(await system.db.notification.findMany({ where: assigned, select: { recipient: true }, orderBy: { recipient: 'asc' } })).toEqual(
      [...row.team].sort().map((recipient) => ({ recipient })),
    );
    // The opening again: the row, its events and the assignment stay as they were.
    await activities.recordCaseOpened({
      caseId,
      workflowId: row.workflowId,
      entityId: row.entityId,
      origin: 'complaint',
      originReason: 'changed',
      team: row.team,
      openedBy: row.openedBy,
      openedAt: new Date().toISOString(),
      notification: { notifyKey: `${caseId}:assigned`, recipients: row.team, kind: 'assigned', caseId, message: 'changed', at: new Date().toISOString() },
      inspectionNoticeSent: true,
    });
    expect(await system.db.inspectionCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ originReason: '投诉线索', openedAt: row.openedAt });
    expect(await system.db.caseEvent.count({ where: { caseId, eventKey: { in: ['opened', 'inspection-notice'] } } })).toBe(2);
    expect(await system.db.notification.findMany({ where: assigned })).toEqual(
      row.team.map(() => expect.objectContaining({ message: expect.stringContaining('新案件') })),
    );

    const deadline = '2030-01-31T16:00:00.000Z';
    const progress = {
      caseId,
      eventKey: 'test-order',
      kind: 'rectification_ordered',
      actor: row.team[0]!,
      at: new Date().toISOString(),
      status: 'rectifying' as const,
      fields: { rectificationDeadline: deadline, revisitDueAt: null, escalationLevel: 1 },
      record: { kind: 'rectification_order', data: { requirements: '整改' } },
      notification: { notifyKey: `${caseId}:test-order`, recipients: ['r1', 'r2'], kind: 'test', caseId, message: 'm', at: new Date().toISOString() },
    };
    await activities.recordCaseProgress(progress);
    // A retry after the first attempt committed, with fields that would differ: nothing changes.
    await activities.recordCaseProgress({ ...progress, status: 'closed' as const, fields: { escalationLevel: 2 } });
    const after = await system.db.inspectionCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(after).toMatchObject({ status: 'rectifying', escalationLevel: 1, revisitDueAt: null, resultCategory: row.resultCategory, team: row.team });
    expect(after.rectificationDeadline?.toISOString()).toBe(deadline);
    expect(await system.db.caseEvent.count({ where: { caseId, eventKey: 'test-order' } })).toBe(1);
    expect(await system.db.notification.count({ where: { notifyKey: `${caseId}:test-order` } })).toBe(2);
    expect(await system.db.caseRecord.findMany({ where: { caseId, recordKey: 'test-order' } })).toEqual([
      expect.objectContaining({ kind: 'rectification_order', data: { requirements: '整改' }, recordedBy: row.team[0] }),
    ]);
    // A progress without a status or record leaves the status and records alone.
    await activities.recordCaseProgress({ caseId, eventKey: 'test-note', kind: 'escalated', actor: 'system', at: new Date().toISOString(), fields: { team: ['a', 'b'] } });
    expect(await system.db.inspectionCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: 'rectifying', team: ['a', 'b'] });
    expect(await system.db.caseRecord.count({ where: { caseId } })).toBe(1);
    // An unknown case is refused (and the activity retried), not silently skipped.
    await expect(activities.recordCaseProgress({ ...progress, caseId: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow();

    const notification = { notifyKey: `${caseId}:test`, recipients: ['r1', 'r2', 'r1'], kind: 'test', caseId, message: 'm', at: new Date().toISOString() };
    await activities.notify(notification);
    await activities.notify(notification);
    expect(await system.db.notification.count({ where: { notifyKey: `${caseId}:test` } })).toBe(2);

    const at = new Date().toISOString();
    await activities.publishResult({ caseId, at, content: { resultCategory: 'no_problem' } });
    await activities.publishResult({ caseId, at: new Date(Date.now() + 60_000).toISOString(), content: { changed: true } });
    expect(await system.db.publication.findUniqueOrThrow({ where: { caseId } })).toMatchObject({ content: { resultCategory: 'no_problem' }, entityUscc: entity.uscc });
    expect((await system.db.inspectionCase.findUniqueOrThrow({ where: { id: caseId } })).publishedAt?.toISOString()).toBe(at);
    expect(await system.db.caseEvent.count({ where: { caseId, eventKey: 'published' } })).toBe(1);
    await expect(activities.publishResult({ caseId: '00000000-0000-4000-8000-000000000000', at, content: {} })).rejects.toThrow();
  });

  it('R20 audit entries appended concurrently by the database chain up as the verifier computes them', async () => {
    const data = { 名称: '审计 "引号" \\ 反斜杠\n换行 😀', nested: { b: [1, 2.5, null, true], a: 'x' }, empty: {} };
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => appendAudit(system.db, { actor: `tester-${index}`, action: 'TEST', target: `t${index}`, reason: index % 2 ? null : '理由', data })),
    );
    expect(await system.db.auditEntry.count({ where: { action: 'TEST' } })).toBe(20);
    expect(await verifyAudit(system.db)).toMatchObject({ valid: true });
  });
});

describe('R18 an officer acts only on their own team\'s cases', () => {
  it('R18 an officer not on the team is refused every action with 403, the rectification report included, and learns nothing of the case', async () => {
    const entity = await registerEntity();
    const members = await team();
    const opened = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '投诉线索', team: members });
    const caseId: string = opened.body.id;
    const outsider = asOfficer((await registerOfficer(system.baseUrl)).id);
    const today = new Date().toISOString().slice(0, 10);
    const actions: Array<[string, unknown]> = [
      ['inspection', { inspectionDate: today, officersPresent: members, resultCategory: 'no_problem', items: [{ itemCode: 'SW-YFK-01', checkpoints: [{ code: 'deposit', passed: true }] }] }],
      ['rectification-order', { requirements: '限期整改' }],
      ['rectification-report', { note: '已整改' }],
      ['revisit', { revisitDate: today, officersPresent: members, rectified: true, findings: '已整改' }],
      ['disposition', { dispositions: [{ kind: 'police_referral', reason: '涉嫌犯罪' }] }],
      ['recusal', { relation: 'relative' }],
    ];
    const refuseAll = async () => {
      for (const [action, body] of actions) {
        const refused = await call(system.baseUrl, 'POST', `/cases/${caseId}/${action}`, body, outsider);
        expect(refused.status, `${action}: ${JSON.stringify(refused.body)}`).toBe(403);
        expect(refused.body.detail).not.toMatch(/awaiting_|rectifying|under_review|publishing|closed/);
      }
    };
    await refuseAll();

    // Where the report would be taken from the team, it is still refused from the outsider, and nothing is written.
    const [lead] = members;
    const asLead = asOfficer(lead!);
    expect((await call(system.baseUrl, 'POST', `/cases/${caseId}/inspection`, { ...(actions[0]![1] as object), resultCategory: 'problem_found', items: [{ itemCode: 'SW-YFK-01', checkpoints: [{ code: 'deposit', passed: false }] }] }, asLead)).status).toBe(200);
    expect((await call(system.baseUrl, 'POST', `/cases/${caseId}/review`, { decision: 'approve' }, testUsers.coordinator.headers)).status).toBe(200);
    expect((await call(system.baseUrl, 'POST', `/cases/${caseId}/rectification-order`, { requirements: '限期整改', days: 30, overrideReason: '整改量大' }, asLead)).status).toBe(200);
    const before = await call(system.baseUrl, 'GET', `/cases/${caseId}`);
    expect(before.body.status).toBe('rectifying');
    await refuseAll();
    expect((await call(system.baseUrl, 'GET', `/cases/${caseId}`)).body).toEqual(before.body);

    // The team and the office may file it.
    const reported = await call(system.baseUrl, 'POST', `/cases/${caseId}/rectification-report`, { note: '已开立存管账户' }, asOfficer(members[1]!));
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    await call(system.baseUrl, 'POST', `/cases/${caseId}/cancel`, { reason: '测试结束' }, testUsers.leadership.headers);
  });

  it('R18 an officer not on the team is refused a closed case with 403 too, not told it has ended', async () => {
    const entity = await registerEntity();
    const opened = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '投诉线索', team: await team() });
    await call(system.baseUrl, 'POST', `/cases/${opened.body.id}/cancel`, { reason: '投诉人撤回投诉' }, testUsers.leadership.headers);
    const outsider = asOfficer((await registerOfficer(system.baseUrl)).id);
    const refused = await call(system.baseUrl, 'POST', `/cases/${opened.body.id}/rectification-report`, { note: '已整改' }, outsider);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).not.toContain('cancelled');
  });
});

describe('R5 an inspection result names only the items that apply to the entity', () => {
  it('R5 an item whose categories leave out the entity\'s is refused with 422 naming it, and the case is unchanged', async () => {
    const code = `BF-${Date.now().toString(36).toUpperCase()}`;
    const item = await call(system.baseUrl, 'POST', '/inspection-items', {
      code,
      name: '报废机动车回收拆解企业资质与拆解行为',
      legalBasis: '《报废机动车回收管理办法》第六条',
      categories: ['end_of_life_vehicle_recycler'],
    });
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    const entity = await registerEntity();
    const members = await team();
    const opened = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '投诉线索', team: members });
    const before = await call(system.baseUrl, 'GET', `/cases/${opened.body.id}`);
    const body = (itemCode: string) => ({
      inspectionDate: new Date().toISOString().slice(0, 10),
      officersPresent: members,
      resultCategory: 'no_problem',
      items: [{ itemCode: 'SW-YFK-01', checkpoints: [{ code: 'deposit', passed: true }] }, { itemCode, checkpoints: [{ code: '1', passed: true }] }],
    });
    const refused = await call(system.baseUrl, 'POST', `/cases/${opened.body.id}/inspection`, body(code), asOfficer(members[0]!));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.items.1.itemCode', message: expect.stringContaining(code) })]);
    expect((await call(system.baseUrl, 'GET', `/cases/${opened.body.id}`)).body).toEqual(before.body);
  });
});
