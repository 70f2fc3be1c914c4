// Assignments, reminders and escalations reach people twice over: stored per recipient, and sent to the
// bureau's configured webhook (a local HTTP server stands in for it here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCreditPlatform } from '../support/creditPlatform';
import { asOfficer, eventually, openComplaintCase } from '../support/fixtures';
import { call, startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
let webhook: Awaited<ReturnType<typeof startCreditPlatform>>;

beforeAll(async () => {
  webhook = await startCreditPlatform();
  system = await startTestSystem('notifications', { notificationWebhookUrl: webhook.url });
});

afterAll(async () => {
  await system?.stop();
  await webhook?.close();
});

describe('R8 the team is told of its new case', () => {
  it('R8 each officer of the team finds the assignment in GET /me/notifications, and the webhook receives it once even after it failed', async () => {
    webhook.goDown();
    // The case opens while the webhook is down: delivery does not hold it up.
    const opened = await openComplaintCase(system.baseUrl);
    await eventually(async () => webhook.refusedAttempts(), (attempts) => attempts > 0);
    webhook.comeBack();
    for (const officer of opened.team) {
      const mine = await call(system.baseUrl, 'GET', '/me/notifications', undefined, asOfficer(officer));
      expect(mine.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: opened.id, kind: 'assigned' })]));
    }
    expect(webhook.refusedAttempts()).toBeGreaterThan(0);
    const delivered = await eventually(
      async () => webhook.received.filter((push) => push.headers['idempotency-key'] === `${opened.id}:assigned`),
      (pushes) => pushes.length === 1,
    );
    expect(JSON.parse(delivered[0]!.body)).toMatchObject({ kind: 'assigned', recipients: opened.team, caseId: opened.id });
    expect(await system.db.notification.count({ where: { caseId: opened.id, kind: 'assigned' } })).toBe(2);
  });
});

describe('R8 an officer works through their notifications', () => {
  it('R8 marking the assignment read takes it off the unread count and the unread filter, and keeps the time it was first read', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const officer = asOfficer(opened.team[0]!);
    const before = await call(system.baseUrl, 'GET', '/me/notifications?unread=true', undefined, officer);
    const assignment = before.body.items.find((item: { caseId: string; kind: string }) => item.caseId === opened.id && item.kind === 'assigned');
    expect(assignment).toMatchObject({ readAt: null });
    expect(before.body.unreadCount).toBeGreaterThanOrEqual(1);

    const marked = await call(system.baseUrl, 'POST', '/me/notifications/read', { ids: [assignment.id] }, officer);
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({ marked: 1, unreadCount: before.body.unreadCount - 1 });

    const after = await call(system.baseUrl, 'GET', '/me/notifications', undefined, officer);
    const read = after.body.items.find((item: { id: string }) => item.id === assignment.id);
    expect(read.readAt).not.toBeNull();
    expect(after.body.unreadCount).toBe(before.body.unreadCount - 1);
    const unread = await call(system.baseUrl, 'GET', '/me/notifications?unread=true', undefined, officer);
    expect(unread.body.items.map((item: { id: string }) => item.id)).not.toContain(assignment.id);

    // Marking it again changes nothing, not even when it was read.
    const again = await call(system.baseUrl, 'POST', '/me/notifications/read', { ids: [assignment.id] }, officer);
    expect(again.body.marked).toBe(0);
    const still = await call(system.baseUrl, 'GET', '/me/notifications', undefined, officer);
    expect(still.body.items.find((item: { id: string }) => item.id === assignment.id).readAt).toBe(read.readAt);

    // The teammate's own copy of the assignment is still unread.
    const teammate = await call(system.baseUrl, 'GET', '/me/notifications?unread=true', undefined, asOfficer(opened.team[1]!));
    expect(teammate.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: opened.id, kind: 'assigned', readAt: null })]));
  });

  it("R8 a request naming someone else's notification is refused, names the id's field, and marks nothing", async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [first, second] = opened.team as [string, string];
    const find = async (officerId: string) =>
      (await call(system.baseUrl, 'GET', '/me/notifications', undefined, asOfficer(officerId))).body.items.find(
        (item: { caseId: string; kind: string }) => item.caseId === opened.id && item.kind === 'assigned',
      );
    const mine = await find(first);
    const theirs = await find(second);

    const refused = await call(system.baseUrl, 'POST', '/me/notifications/read', { ids: [mine.id, theirs.id] }, asOfficer(first));
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([{ field: 'body.ids.1', message: expect.stringContaining('not a notification of yours') }]);
    expect((await find(first)).readAt).toBeNull();
    expect((await find(second)).readAt).toBeNull();

    const neither = await call(system.baseUrl, 'POST', '/me/notifications/read', {}, asOfficer(first));
    expect(neither.status).toBe(422);
    expect(neither.body.errors).toEqual([expect.objectContaining({ field: 'body.ids' })]);
    const notAnId = await call(system.baseUrl, 'POST', '/me/notifications/read', { ids: ['abc'] }, asOfficer(first));
    expect(notAnId.status).toBe(422);
    expect(notAnId.body.errors).toEqual([expect.objectContaining({ field: 'body.ids.0' })]);
    expect((await find(first)).readAt).toBeNull();
  });

  it('R8 "mark all read" empties the unread count of this officer only', async () => {
    const opened = await openComplaintCase(system.baseUrl);
    const [first, second] = opened.team as [string, string];
    const all = await call(system.baseUrl, 'POST', '/me/notifications/read', { all: true }, asOfficer(first));
    expect(all.status).toBe(200);
    expect(all.body.marked).toBeGreaterThanOrEqual(1);
    expect(all.body.unreadCount).toBe(0);
    expect((await call(system.baseUrl, 'GET', '/me/notifications?unread=true', undefined, asOfficer(first))).body).toEqual({ items: [], unreadCount: 0, total: 0, nextCursor: null });
    expect((await call(system.baseUrl, 'GET', '/me/notifications', undefined, asOfficer(second))).body.unreadCount).toBeGreaterThanOrEqual(1);
  });
});

describe('R8 an office inbox of hundreds pages through everything', () => {
  it('R8 GET /me/notifications pages by cursor through all 650 notices of the leadership inbox, none twice, even as new ones arrive', async () => {
    const { testUsers } = await import('../support/system');
    const start = Date.parse('2026-03-01T08:00:00Z');
    // Several notices share a moment: the cursor orders ties by id.
    await system.db.notification.createMany({
      data: Array.from({ length: 650 }, (_, index) => ({
        recipient: 'role:leadership',
        notifyKey: `paging-${index}`,
        kind: 'escalation',
        message: `第 ${index} 条督办 / escalation ${index}`,
        createdAt: new Date(start + Math.floor(index / 3) * 60_000),
      })),
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await call(system.baseUrl, 'GET', `/me/notifications?limit=200${cursor ? `&cursor=${cursor}` : ''}`, undefined, testUsers.leadership.headers);
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBeGreaterThanOrEqual(650);
      seen.push(...answer.body.items.filter((item: { message: string }) => item.message.includes('督办 / escalation')).map((item: { message: string }) => item.message));
      if (pages === 0) {
        // A notice arriving while someone pages lands on top, not in the pages still to come.
        await system.db.notification.create({ data: { recipient: 'role:leadership', notifyKey: 'paging-new', kind: 'escalation', message: '新到的督办 / a new escalation', createdAt: new Date() } });
      }
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(650);
    expect(new Set(seen).size).toBe(650);
    expect(seen[0]).toBe('第 649 条督办 / escalation 649');
    expect(seen.at(-1)).toBe('第 0 条督办 / escalation 0');

    const refused = await call(system.baseUrl, 'GET', '/me/notifications?cursor=abc', undefined, testUsers.leadership.headers);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
  });
});
