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
