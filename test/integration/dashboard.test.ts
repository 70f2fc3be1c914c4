// Leadership's figures (R5, R7, R19) through the API: each counts what it says, and its drill-down filter opens
// exactly the cases it counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCoordinator, asLeadership, asOfficer, commitAndRunDraw, eventually, inspectionBody, openComplaintCase, registerOfficer } from '../support/fixtures';
import { call, startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  // A long second escalation, so that a case stays escalated to the office long enough to be read there.
  system = await startTestSystem('dashboard', { timing: { leadershipEscalationDays: 5 } });
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
/** The ids of the cases a drill-down filter lists. */
const listed = async (filter: string): Promise<string[]> => {
  const answer = await api('GET', `/cases?${filter}&pageSize=200`, undefined, asLeadership());
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.items.map((row: { id: string }) => row.id).sort();
};
const readCase = async (id: string) => (await api('GET', `/cases/${id}`, undefined, asLeadership())).body;

/** Every officer recorded as present at an inspection so far in this file. */
const present = new Set<string>();
let firstDrawTeam: string[] = [];
async function inspect(caseId: string, officersPresent: string[], passed: boolean) {
  const answer = await api('POST', `/cases/${caseId}/inspection`, inspectionBody(officersPresent, passed ? 'no_problem' : 'problem_found', passed), asOfficer(officersPresent[0]!));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  officersPresent.forEach((officer) => present.add(officer));
}

async function inspectAndOrder(caseId: string, team: string[], days: number) {
  await inspect(caseId, team, false);
  expect((await api('POST', `/cases/${caseId}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
  const ordered = await api('POST', `/cases/${caseId}/rectification-order`, { requirements: '限期存管预收资金', days, overrideReason: '视情节确定' }, asOfficer(team[0]!));
  expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
}

/** Runs a draw of one target and answers its case once it awaits inspection, with the team drawn. */
async function drawOne(name: string, teamSize: number) {
  const { drawn } = await commitAndRunDraw(system.baseUrl, { name, rules: { targetCount: 1, teamSize, inspectionDate: new Date().toISOString().slice(0, 10) } });
  const caseId: string = drawn.caseIds[0];
  await eventually(() => readCase(caseId), (found) => found?.status === 'awaiting_inspection');
  return { caseId, team: drawn.result.picks[0].team as string[] };
}

describe('the dashboard', () => {
  it('R13 R19: each team\'s figures and the escalation tiles open exactly the cases they count, not the officers\' cases in other teams nor the other level', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [shared, partner] = opened.team as [string, string];
    const other = await registerOfficer(system.baseUrl);
    const otherTeam = await openComplaintCase(system.baseUrl, { team: [shared, other.id] });
    await inspectAndOrder(opened.id, opened.team, 1);
    await inspectAndOrder(otherTeam.id, [shared, other.id], 300);

    const rectifying = await dashboard();
    expect(rectifying.backlog.rectifying).toBe(2);
    expect(rectifying.byStatus.find((row: { status: string }) => row.status === 'rectifying').cases).toBe(2);
    const teamOf = (figures: any, members: string[]) =>
      figures.backlog.teams.find((row: { members: Array<{ id: string }> }) => row.members.map((member) => member.id).sort().join() === [...members].sort().join());
    expect(teamOf(rectifying, opened.team)).toMatchObject({ rectifying: 1 });
    expect(teamOf(rectifying, opened.team).members.every((member: { name: string }) => member.name.startsWith('执法员'))).toBe(true);
    // Members in either order name the same team; an officer's other team is not part of it.
    expect(await listed(`status=rectifying&team=${partner},${shared}`)).toEqual([opened.id]);
    expect(await listed(`status=rectifying&team=${shared},${other.id}`)).toEqual([otherTeam.id]);
    expect(await listed(`status=rectifying&team=${shared}`)).toEqual([]);

    const atOffice = await eventually(
      async () => ({
        figures: await dashboard(),
        office: await listed('status=awaiting_revisit&escalationLevel=1'),
        leadership: await listed('status=awaiting_revisit&escalationLevel=2'),
        teamOffice: await listed(`status=awaiting_revisit&escalationLevel=1&team=${opened.team.join(',')}`),
      }),
      (seen) => seen.figures.backlog.escalatedToCoordinator === 1,
    );
    expect(atOffice.figures.backlog).toMatchObject({ rectifying: 1, overdueRevisits: 1, escalatedToLeadership: 0 });
    expect(atOffice.office).toEqual([opened.id]);
    expect(atOffice.leadership).toEqual([]);
    expect(atOffice.teamOffice).toEqual([opened.id]);
    expect(await listed(`status=awaiting_revisit&overdue=true&team=${opened.team.join(',')}`)).toEqual([opened.id]);
    expect(await listed('escalated=true')).toEqual([opened.id]);

    await eventually(() => readCase(opened.id), (found) => found.escalationLevel === 2);
    const atLeadership = await dashboard();
    expect(atLeadership.backlog).toMatchObject({ escalatedToCoordinator: 0, escalatedToLeadership: 1, overdueRevisits: 1 });
    expect(teamOf(atLeadership, opened.team)).toMatchObject({ escalatedToCoordinator: 0, escalatedToLeadership: 1 });
    expect(await listed('status=awaiting_revisit&escalationLevel=2')).toEqual([opened.id]);
    expect(await listed('status=awaiting_revisit&escalationLevel=1')).toEqual([]);
    expect(await listed(`status=awaiting_revisit&escalationLevel=2&team=${opened.team.join(',')}`)).toEqual([opened.id]);
  });

  it('R5: an entity drawn but not yet inspected is not counted as randomly inspected, and the figure opens the cases with a recorded inspection', async () => {
    const year = (await dashboard()).year;
    const { caseId, team } = await drawOne('坛商抽查〔2026〕8号', 2);
    firstDrawTeam = team;

    const awaiting = await dashboard();
    expect(awaiting.coverage.entitiesInspected).toBe(0);
    expect(awaiting.coverage.remaining).toBe(awaiting.coverage.entitiesOperating);
    expect(await listed(`origin=random&year=${year}&inspected=true`)).toEqual([]);

    await inspect(caseId, team, true);
    const inspected = await dashboard();
    const operating = await api('GET', '/entities?legalStatus=operating&pageSize=1', undefined, asLeadership());
    expect(inspected.coverage.entitiesOperating).toBe(operating.body.total);
    expect(inspected.coverage.entitiesInspected).toBe(1);
    expect(inspected.coverage.remaining).toBe(operating.body.total - 1);
    expect(await listed(`origin=random&year=${year}&inspected=true`)).toEqual([caseId]);
  });

  it('R7: an officer takes part by being present at an inspection, not by being on the team; one drawn but absent stays below the line', async () => {
    type Row = { id: string; tookPart: boolean; tasksJoined: number; casesJoined: number };
    const rowOf = (figures: any, id: string): Row => figures.participation.officers.find((officer: Row) => officer.id === id);
    const before = await dashboard();
    const { caseId, team } = await drawOne('坛商抽查〔2026〕9号', 3);
    // Preferably an officer present nowhere yet; at least one not on the first draw's team, so that they joined no task.
    const absent = team.find((officer) => !present.has(officer)) ?? team.find((officer) => !firstDrawTeam.includes(officer))!;
    const [first, second] = team.filter((officer) => officer !== absent) as [string, string];

    const drawn = await dashboard();
    expect(drawn.participation.tasksCarriedOut).toBe(2);
    // Drawn, but nobody has gone out yet: being on the team joins nobody to the task.
    expect(team.map((officer) => rowOf(drawn, officer).tasksJoined)).toEqual(team.map((officer) => rowOf(before, officer).tasksJoined));

    await inspect(caseId, [first, second], false);
    const after = await dashboard();
    expect(rowOf(after, first).tasksJoined).toBe(rowOf(before, first).tasksJoined + 1);
    expect(rowOf(after, second).tasksJoined).toBe(rowOf(before, second).tasksJoined + 1);
    expect(rowOf(after, absent)).toMatchObject({ tasksJoined: 0, tookPart: present.has(absent) });
    expect(after.participation.belowLine.map((officer: Row) => officer.id)).toContain(absent);

    const tookPart = after.participation.officers.filter((officer: Row) => officer.tookPart).map((officer: Row) => officer.id);
    expect(tookPart.sort()).toEqual([...present].sort());
    expect(after.participation.officersTakingPart).toBe(present.size);
    expect(after.participation.thresholds).toEqual({ minOfficersShare: 0.8, minTaskShare: 0.2 });
    expect(after.participation.meetsOfficersShare).toBe(after.participation.officersShare >= 0.8);
  });

  it('R19: an item\'s "failed" figure opens the cases whose latest result failed it, and a result sent back and redone as passed is not among them', async () => {
    const redone = await openComplaintCase(system.baseUrl);
    await inspect(redone.id, redone.team, false);
    const returned = await api('POST', `/cases/${redone.id}/review`, { decision: 'return', comment: '照片不清，请重新检查' }, asCoordinator());
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    await inspect(redone.id, redone.team, true);

    const figures = await dashboard();
    const item = figures.perItem.find((row: { itemCode: string }) => row.itemCode === 'SW-YFK-01');
    const inspectedCases = await listed(`year=${figures.year}&itemCode=SW-YFK-01`);
    const failedCases = await listed(`year=${figures.year}&itemCode=SW-YFK-01&itemResult=failed`);
    expect(inspectedCases).toContain(redone.id);
    expect(failedCases).not.toContain(redone.id);
    expect(inspectedCases).toHaveLength(item.inspected);
    expect(failedCases).toHaveLength(item.failed);
    expect(item.failed).toBeLessThan(item.inspected);
  });

  it('R19: a drill-down filter that cannot be read is refused naming the field', async () => {
    for (const [filter, field] of [
      ['team=not-an-officer', 'query.team.0'],
      ['escalationLevel=3', 'query.escalationLevel'],
      ['itemResult=passed&itemCode=SW-YFK-01', 'query.itemResult'],
      ['itemResult=failed', 'query.itemResult'],
      ['inspected=yes', 'query.inspected'],
    ]) {
      const answer = await api('GET', `/cases?${filter}`, undefined, asLeadership());
      expect(answer.status, filter).toBe(400);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body.errors.map((error: { field: string }) => error.field), filter).toContain(field);
    }
  });

  it('R18: an officer may not read the dashboard', async () => {
    const officer = await registerOfficer(system.baseUrl);
    expect((await api('GET', '/dashboard', undefined, asOfficer(officer.id))).status).toBe(403);
  });
});
