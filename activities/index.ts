// Activities: how the case workflow touches the world (database, HTTP). Built from their dependencies so
// that tests give them a real database and a real local HTTP server in place of the credit platform.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { AuditSigner } from '../services/auditCheckpoints';
import { auditCheckpointActivities } from './auditCheckpoints';
import { caseActivities } from './cases';
import type { Clock } from './clock';
import { creditActivities, type CreditPlatform } from './credit';
import { drawActivities, type CalendarSettings } from './draws';
import { planActivities } from './plans';
import { notificationActivities } from './notifications';

export type { Clock } from './clock';

export interface ActivityDependencies {
  db: Db;
  /** Opens the sealed seeds of committed draws (DRAW_SEED_KEY). */
  drawSeedKey: Buffer;
  clock: Clock;
  http?: { fetch: typeof fetch };
  creditPlatform?: CreditPlatform;
  notificationWebhookUrl?: string;
  /** Signs the audit chain's checkpoints (R20); only the worker holds it. */
  auditSigner?: AuditSigner;
  /** The bureau's own holiday settings, laid over the official calendar when a draw opens its cases. */
  calendarSettings?: CalendarSettings;
  /** Starts a draw's cases by id (the worker's own connection): a draw of tens of thousands is no parent of them. */
  workflowClient?: Client;
}

export function createActivities({ db, drawSeedKey, clock, http = { fetch }, creditPlatform, notificationWebhookUrl, auditSigner, calendarSettings, workflowClient }: ActivityDependencies) {
  return {
    ...caseActivities(db),
    ...drawActivities(db, drawSeedKey, calendarSettings, workflowClient),
    ...planActivities(db, drawSeedKey),
    ...notificationActivities({ db, fetch: http.fetch, webhookUrl: notificationWebhookUrl }),
    ...creditActivities({ db, clock, fetch: http.fetch, platform: creditPlatform }),
    ...auditCheckpointActivities(db, auditSigner),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
