// Leadership's figures (R5, R7, R19) through the API: each counts what it says, and its drill-down filter opens
// exactly the cases it counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCoordinator, asLeadership, asOfficer, eventually, inspectionBody, openComplaintCase, registerOfficer } from '../support/fixtures';
import { call, startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('dashboard');
});

afterAll(async () => {
  await system?.stop();
});

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(system.baseUrl, method, path, body, headers);
const dashboard = async () => {
  const answer = await api('GET', '/dashboard', undefined, asLeadership());
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

describe('the dashboard', () => {
  it('R13 R19: a revisit left undone shows as overdue and escalated for its team, and the filter behind the figure opens that case', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const inspected = await api('POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'problem_found', false), asOfficer(opened.team[0]!));
    expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
    expect((await api('POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
    const ordered = await api('POST', `/cases/${opened.id}/rectification-order`, { requirements: '限期存管预收资金', days: 1, overrideReason: '情节轻微' }, asOfficer(opened.team[0]!));
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);

    const rectifying = await dashboard();
    expect(rectifying.backlog.rectifying).toBe(1);
    expect(rectifying.byStatus.find((row: { status: string }) => row.status === 'rectifying').cases).toBe(1);

    await eventually(() => api('GET', `/cases/${opened.id}`).then((answer) => answer.body), (found) => found.escalationLevel >= 1, 30_000);
    const escalated = await dashboard();
    expect(escalated.backlog.rectifying).toBe(0);
    expect(escalated.backlog.overdueRevisits).toBe(1);
    expect(escalated.backlog.escalatedToCoordinator + escalated.backlog.escalatedToLeadership).toBe(1);
    const team = escalated.backlog.teams.find((row: { members: Array<{ id: string }> }) => row.members.some((member) => member.id === opened.team[0]));
    expect(team.members.map((member: { name: string }) => member.name).every((name: string) => name.startsWith('执法员'))).toBe(true);

    const drilled = await api('GET', '/cases?escalated=true', undefined, asLeadership());
    expect(drilled.body.items.map((row: { id: string }) => row.id)).toEqual([opened.id]);
    const byItem = await api('GET', '/cases?itemCode=SW-YFK-01', undefined, asLeadership());
    expect(byItem.body.items.map((row: { id: string }) => row.id)).toContain(opened.id);
    const item = escalated.perItem.find((row: { itemCode: string }) => row.itemCode === 'SW-YFK-01');
    expect(item).toMatchObject({ inspected: 1, failed: 1 });
  });

  it('R7: after a drawn task, the officers on the roll who joined none of it are named below the line; those drawn are not', async () => {
    const idle = await registerOfficer(system.baseUrl, { name: '闲置执法员' });
    const before = await dashboard();
    expect(before.participation.tasksCarriedOut).toBe(0);
    expect(before.participation.belowLine).toEqual([]);
    expect(before.participation.officers.find((officer: { id: string }) => officer.id === idle.id)).toMatchObject({ casesJoined: 0, tookPart: false });

    const committed = await api('POST', '/draws', {
      name: '坛商抽查〔2026〕9号',
      rules: { targetCount: 1, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10) },
    });
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    const drawn = await api('POST', `/draws/${committed.body.id}/run`, {});
    expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
    const team: string[] = drawn.body.result.picks[0].team;

    const after = await eventually(dashboard, (figures) => figures.participation.tasksCarriedOut === 1 && figures.participation.officers.some((officer: { tasksJoined: number }) => officer.tasksJoined === 1));
    const below = after.participation.belowLine.map((officer: { id: string }) => officer.id);
    const notDrawn = after.participation.officers.filter((officer: { id: string }) => !team.includes(officer.id)).map((officer: { id: string }) => officer.id);
    // A team of two: everyone else on the roll joined 0 of 1 tasks.
    expect(notDrawn).toHaveLength(after.participation.officersOnRoll - 2);
    expect(notDrawn.length).toBeGreaterThan(0);
    expect(below.sort()).toEqual(notDrawn.sort());
    expect(after.participation.thresholds).toEqual({ minOfficersShare: 0.8, minTaskShare: 0.2 });
    expect(after.participation.meetsOfficersShare).toBe(after.participation.officersShare >= 0.8);
  });

  it('R5: coverage counts operating entities and those randomly inspected this year; its drill-down lists those cases', async () => {
    const figures = await dashboard();
    const operating = await api('GET', '/entities?legalStatus=operating&pageSize=1', undefined, asLeadership());
    expect(figures.coverage.entitiesOperating).toBe(operating.body.total);
    expect(figures.coverage.entitiesInspected).toBe(1);
    expect(figures.coverage.remaining).toBe(operating.body.total - 1);
    const drilled = await api('GET', `/cases?origin=random&year=${figures.year}`, undefined, asLeadership());
    expect(drilled.body.total).toBe(1);
  });

  it('R18: an officer may not read the dashboard', async () => {
    const officer = await registerOfficer(system.baseUrl);
    expect((await api('GET', '/dashboard', undefined, asOfficer(officer.id))).status).toBe(403);
  });
});
