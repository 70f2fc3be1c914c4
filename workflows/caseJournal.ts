// How a case's steps reach the database and the people they concern: the state moves first (so the next validator
// sees it), then one local activity writes the timeline event, the projection and the notification together.
import { patched, proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import type { CaseProgress } from '../activities/cases';
import type { NotificationRequest } from '../activities/notifications';
import { searchAttributes } from '../config/temporal';
import type { CaseStatus } from '../domain/inspectionCase';
import type { CaseState, OpenCaseInput } from './caseMessages';
import { ONE_WRITE_PER_STEP } from './casePatches';

// Database writes are short and idempotent: local activities, run by the worker that runs the workflow,
// spare the server a task round trip per write.
export const activities = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError'] },
});

/** R17: an outage of the credit platform (or the notification webhook) delays a delivery, never loses it. */
export function patientActivities(maximumIntervalMs: number) {
  return proxyActivities<CaseActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: maximumIntervalMs },
  });
}

export type StepExtra = Partial<Pick<CaseProgress, 'reason' | 'fields' | 'record' | 'data'>>;

export class CaseJournal {
  private readonly delivery: ReturnType<typeof patientActivities>;

  constructor(
    private readonly state: CaseState,
    private readonly input: OpenCaseInput,
  ) {
    this.delivery = patientActivities(input.timing.creditRetryMaxIntervalMs);
  }

  setStatus(status: CaseStatus): void {
    this.state.status = status;
    upsertSearchAttributes([{ key: searchAttributes.caseStatus, value: status }]);
  }

  /** A status change: the state moves first (so the next validator sees it), then the database follows. */
  async progress(status: CaseStatus, eventKey: string, kind: string, actor: string, extra: StepExtra = {}, notification?: NotificationRequest): Promise<void> {
    this.setStatus(status);
    if (status === 'closed' || status === 'cancelled' || status === 'ended') this.state.closedAt = iso();
    await this.write({ caseId: this.state.caseId, eventKey, kind, actor, at: iso(), status, ...extra }, notification);
  }

  /** A timeline event that does not change the status. */
  async record(
    eventKey: string,
    kind: string,
    actor: string,
    officerRecord?: CaseProgress['record'],
    extra: Omit<StepExtra, 'record'> = {},
    notification?: NotificationRequest,
  ): Promise<void> {
    await this.write({ caseId: this.state.caseId, eventKey, kind, actor, at: iso(), record: officerRecord, ...extra }, notification);
  }

  notice(key: string, recipients: string[], kind: string, message: string): NotificationRequest {
    return { notifyKey: `${this.state.caseId}:${key}`, recipients, kind, caseId: this.state.caseId, message, at: iso() };
  }

  async notify(notification: NotificationRequest): Promise<void> {
    await activities.notify(notification);
    this.deliver(notification);
  }

  /** Not awaited: the case moves on while the webhook is down; the delivery keeps retrying meanwhile. */
  deliver(notification: NotificationRequest): void {
    if (this.input.deliverNotifications) void this.delivery.deliverNotification(notification).catch(() => undefined);
  }

  /** A step and whom it concerns: one write (two for cases that began before ONE_WRITE_PER_STEP). */
  private async write(step: CaseProgress, notification?: NotificationRequest): Promise<void> {
    if (notification && !patched(ONE_WRITE_PER_STEP)) {
      await activities.recordCaseProgress(step);
      await this.notify(notification);
      return;
    }
    await activities.recordCaseProgress({ ...step, notification });
    if (notification) this.deliver(notification);
  }
}

export function iso(): string {
  return new Date().toISOString();
}

/** Activity arguments travel as JSON; this makes the typing say so. */
export function toJson<T>(value: T): any {
  return JSON.parse(JSON.stringify(value));
}
