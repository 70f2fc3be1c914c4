// Activities: how the case workflow touches the world (database, HTTP). Built from their dependencies so
// that tests give them a real database and a real local HTTP server in place of the credit platform.
import type { Db } from '../db/client';
import { caseActivities } from './cases';
import type { Clock } from './clock';
import { creditActivities, type CreditPlatform } from './credit';
import { drawActivities } from './draws';
import { planActivities } from './plans';
import { notificationActivities } from './notifications';

export type { Clock } from './clock';

export interface ActivityDependencies {
  db: Db;
  clock: Clock;
  http?: { fetch: typeof fetch };
  creditPlatform?: CreditPlatform;
  notificationWebhookUrl?: string;
}

export function createActivities({ db, clock, http = { fetch }, creditPlatform, notificationWebhookUrl }: ActivityDependencies) {
  return {
    ...caseActivities(db),
    ...drawActivities(db),
    ...planActivities(db),
    ...notificationActivities({ db, fetch: http.fetch, webhookUrl: notificationWebhookUrl }),
    ...creditActivities({ db, clock, fetch: http.fetch, platform: creditPlatform }),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
