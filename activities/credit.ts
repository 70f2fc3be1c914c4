// R17: results go to the public credit platform (公共信用信息平台) over HTTP. Each push is signed (HMAC-SHA256
// over timestamp and body) and carries an idempotency key; the activity is retried with backoff until the
// platform accepts it, so an outage delays a push but never loses it, and the platform sees one key per push.
import { createHmac } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/client';
import { prepared } from '../db/prepared';
import type { Clock } from './clock';

export interface CreditPlatform {
  url: string;
  secret: string;
}

export interface CreditDependencies {
  db: Db;
  clock: Clock;
  fetch: typeof fetch;
  platform?: CreditPlatform;
}

export interface CreditPushRequest {
  caseId: string;
  idempotencyKey: string;
  payload: Prisma.InputJsonObject;
}

export function signCreditPush(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const recordPush = prepared<{ status: string }>(
  'credit_push',
  `insert into "CreditPush" ("idempotencyKey", "caseId", status, payload)
  values ($1::text, $2::uuid, $3::text, $4::jsonb)
  on conflict ("idempotencyKey") do update
    set status = case when excluded.status = 'pending' or "CreditPush".status = 'delivered' then "CreditPush".status else excluded.status end
  returning status`,
);

const recordPushFailure = prepared(
  'credit_push_failed',
  `update "CreditPush" set attempts = attempts + 1, status = 'retrying', "lastError" = $2::text where "idempotencyKey" = $1::text`,
);

const recordPushDelivered = prepared(
  'credit_push_delivered',
  `with delivered as (
    update "CreditPush" set attempts = attempts + 1, status = 'delivered', "pushedAt" = $3::timestamptz, "lastError" = null
    where "idempotencyKey" = $1::text
  )
  update "InspectionCase" set "creditPushedAt" = $3::timestamptz, "updatedAt" = now() where id = $2::uuid`,
);

export function creditActivities({ db, clock, fetch, platform }: CreditDependencies) {
  return {
    async pushToCreditPlatform(request: CreditPushRequest): Promise<{ delivered: boolean }> {
      // The push row is keyed by its idempotency key, so a retry finds it; a delivered push is never sent again.
      // Not connected yet: the push stays on record as not sent; `npm run credit:resend` sends it once a platform
      // is configured (resendUnsentPushes below).
      const initial = platform ? 'pending' : 'not_configured';
      const [push] = await recordPush(db, [request.idempotencyKey, request.caseId, initial, JSON.stringify(request.payload)]);
      if (push!.status === 'delivered') return { delivered: true };
      if (!platform) return { delivered: false };
      const body = JSON.stringify(request.payload);
      const timestamp = clock.now().toISOString();
      try {
        const response = await fetch(platform.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': request.idempotencyKey,
            'x-timestamp': timestamp,
            'x-signature': signCreditPush(platform.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        if (!response.ok) throw new Error(`credit platform answered ${response.status}`);
      } catch (error) {
        await recordPushFailure(db, [request.idempotencyKey, String(error instanceof Error ? error.message : error)]);
        throw error;
      }
      const now = clock.now();
      await recordPushDelivered(db, [request.idempotencyKey, request.caseId, now.toISOString()]);
      return { delivered: true };
    },
  };
}

/**
 * Sends the pushes kept while no platform was configured (status not_configured), each with the key, payload and
 * signature a live push would carry, so the platform still sees one key per result. One that fails stays on record
 * as retrying with its error; the next run tries it again. A delivered push is never sent twice.
 */
export async function resendUnsentPushes(dependencies: CreditDependencies & { platform: CreditPlatform }) {
  const { pushToCreditPlatform } = creditActivities(dependencies);
  const unsent = await dependencies.db.creditPush.findMany({
    where: { OR: [{ status: 'not_configured' }, { status: 'retrying', pushedAt: null }] },
    orderBy: { createdAt: 'asc' },
    select: { idempotencyKey: true, caseId: true, payload: true },
  });
  const failed: Array<{ idempotencyKey: string; error: string }> = [];
  for (const push of unsent) {
    try {
      await pushToCreditPlatform({ caseId: push.caseId, idempotencyKey: push.idempotencyKey, payload: push.payload as Prisma.InputJsonObject });
    } catch (error) {
      failed.push({ idempotencyKey: push.idempotencyKey, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { found: unsent.length, delivered: unsent.length - failed.length, failed };
}
