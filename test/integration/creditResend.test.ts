// Results kept while no credit platform was configured reach it later with `npm run credit:resend` (R17).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../activities/clock';
import { resendUnsentPushes, signCreditPush } from '../../activities/credit';
import { startCreditPlatform } from '../support/creditPlatform';
import { asCoordinator, asOfficer, eventually, inspectionBody, openComplaintCase } from '../support/fixtures';
import { call, startTestSystem, type TestSystem } from '../support/system';

const SECRET = 'resend-signing-secret';
let system: TestSystem;
let platform: Awaited<ReturnType<typeof startCreditPlatform>>;

beforeAll(async () => {
  platform = await startCreditPlatform();
  // The bureau runs without a platform at first: pushes are kept, not sent.
  system = await startTestSystem('credit-resend');
});

afterAll(async () => {
  await system?.stop();
  await platform?.close();
});

async function closedCaseWithoutPlatform() {
  const opened = await openComplaintCase(system.baseUrl);
  expect((await call(system.baseUrl, 'POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'no_problem', true), asOfficer(opened.team[0]!))).status).toBe(200);
  expect((await call(system.baseUrl, 'POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
  await eventually(async () => (await call(system.baseUrl, 'GET', `/cases/${opened.id}`)).body, (found) => found.status === 'closed');
  return opened;
}

describe('R17 results kept while no platform was configured are sent once it is', () => {
  it('R17 the kept push is sent signed with its own idempotency key, once; a failed run leaves it for the next', async () => {
    const opened = await closedCaseWithoutPlatform();
    const key = `credit-${opened.id}`;
    expect(await system.db.creditPush.findUnique({ where: { idempotencyKey: key } })).toMatchObject({ status: 'not_configured', pushedAt: null });
    const resend = () => resendUnsentPushes({ db: system.db, clock: systemClock, fetch, platform: { url: platform.url, secret: SECRET } });

    platform.goDown();
    const refused = await resend();
    expect(refused).toMatchObject({ found: 1, delivered: 0, failed: [expect.objectContaining({ idempotencyKey: key })] });
    expect(await system.db.creditPush.findUnique({ where: { idempotencyKey: key } })).toMatchObject({ status: 'retrying', pushedAt: null });

    platform.comeBack();
    expect(await resend()).toEqual({ found: 1, delivered: 1, failed: [] });
    const sent = platform.received.filter((push) => push.headers['idempotency-key'] === key);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['x-signature']).toBe(signCreditPush(SECRET, sent[0]!.headers['x-timestamp'] as string, sent[0]!.body));
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ caseId: opened.id, entityUscc: opened.entity.uscc, resultCategory: 'no_problem' });
    expect((await call(system.baseUrl, 'GET', `/cases/${opened.id}`)).body.creditPushedAt).not.toBeNull();

    // Nothing is left to send, and nothing is sent twice.
    expect(await resend()).toEqual({ found: 0, delivered: 0, failed: [] });
    expect(await system.db.creditPush.findUnique({ where: { idempotencyKey: key } })).toMatchObject({ status: 'delivered', attempts: 2 });
  });
});
