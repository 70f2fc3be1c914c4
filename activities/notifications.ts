// Reminders, escalations and assignments: stored per recipient (GET /me/notifications) and, when a webhook is
// configured, delivered there too — separately, so a webhook outage never holds a case up. A delivery is
// retried until the webhook accepts it, always with the notification's key, so a receiver can drop repeats.
import type { Db } from '../db/client';
import { insertNotificationFrom, prepared } from '../db/prepared';

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

const storeNotification = prepared('notification', insertNotificationFrom('$1'));

export function notificationActivities({ db, fetch, webhookUrl }: NotificationDependencies) {
  return {
    async notify(request: NotificationRequest): Promise<void> {
      await storeNotification(db, [JSON.stringify(request)]);
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
