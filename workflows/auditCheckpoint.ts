// R20: a signed checkpoint of the audit chain's head, taken each day by a Temporal schedule and on demand. Only
// the worker holds the signing key, so the internet-facing API never can sign.
import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';

const { takeAuditCheckpoint } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '5 minutes',
  // A broken chain or a missing key is not cured by retrying.
  retry: { initialInterval: '5 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['DomainError'] },
});

export const AUDIT_CHECKPOINT_SCHEDULE_ID = 'audit-checkpoint';

export async function auditCheckpointWorkflow() {
  return takeAuditCheckpoint();
}
