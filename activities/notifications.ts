// Reminders, escalations and assignments: stored per recipient (GET /me/notifications) and, when a webhook is
// configured, delivered there too — separately, so a webhook outage never holds a case up. A delivery is
// retried until the webhook accepts it, always with the notification's key, so a receiver can drop repeats.
import { Prisma } from '@prisma/client';
import type { Db } from '../db/client';

export interface NotificationRequest {
  /** Unique per notification: a retry stores it once per recipient. */
  notifyKey: string;
  recipients: string[];
  kind: string;
  caseId?: string;
  message: string;
  at: string;
}

export interface NotificationDependencies {
  db: Db;
  fetch: typeof fetch;
  webhookUrl?: string;
}

/**
 * The statement that stores a notification, one row per recipient. (notifyKey, recipient) is unique, so a retry
 * adds nothing. A case write embeds it, so that a step and its notification are one statement and one activity.
 */
export function insertNotification(request: NotificationRequest): Prisma.Sql {
  return Prisma.sql`
    insert into "Notification" (recipient, "notifyKey", "caseId", kind, message, "createdAt")
    select recipient, ${request.notifyKey}, ${request.caseId ?? null}::uuid, ${request.kind}, ${request.message}, ${request.at}::timestamptz
    from jsonb_array_elements_text(${JSON.stringify(request.recipients)}::jsonb) as recipient
    on conflict ("notifyKey", recipient) do nothing`;
}

export function notificationActivities({ db, fetch, webhookUrl }: NotificationDependencies) {
  return {
    async notify(request: NotificationRequest): Promise<void> {
      await db.$executeRaw(insertNotification(request));
    },

    async deliverNotification(request: NotificationRequest): Promise<void> {
      if (!webhookUrl) return;
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': request.notifyKey },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`notification webhook answered ${response.status}`);
    },
  };
}
