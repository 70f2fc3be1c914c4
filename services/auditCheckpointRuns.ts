// Running the checkpoint workflow (R20): every AUDIT_CHECKPOINT_INTERVAL_MINUTES by a Temporal schedule, and on
// demand from the API. The API starts it and waits; the worker, which holds the key, signs.
import { randomUUID } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowFailedError, type Client } from '@temporalio/client';
import { DomainError } from '../domain/errors';
import { AUDIT_CHECKPOINT_SCHEDULE_ID, auditCheckpointWorkflow } from '../workflows/auditCheckpoint';
import type { SignedCheckpoint } from './auditCheckpoints';

/** Creates the schedule, or brings an existing one to this interval and task queue; any API process may. */
export async function ensureAuditCheckpointSchedule(temporal: Client, taskQueue: string, intervalMinutes: number): Promise<void> {
  const spec = { intervals: [{ every: `${intervalMinutes}m` }] };
  const action = { type: 'startWorkflow' as const, workflowType: auditCheckpointWorkflow, taskQueue, args: [] as [] };
  try {
    await temporal.schedule.create({ scheduleId: AUDIT_CHECKPOINT_SCHEDULE_ID, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(AUDIT_CHECKPOINT_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
  }
}

function causeMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  let message = '';
  while (current) {
    if (current.message) message = current.message;
    current = current.cause as typeof current;
  }
  return message;
}

export async function checkpointNow(temporal: Client, taskQueue: string): Promise<SignedCheckpoint | null> {
  try {
    return await temporal.workflow.execute(auditCheckpointWorkflow, {
      taskQueue,
      workflowId: `audit-checkpoint-on-demand-${randomUUID()}`,
      workflowExecutionTimeout: '10 minutes',
    });
  } catch (error) {
    if (error instanceof WorkflowFailedError) throw new DomainError('conflict', causeMessage(error));
    throw error;
  }
}
