// R16, R17: a penalty decided after its case was published reaches the public record and the credit platform.
// The case has usually closed by then, so this is a workflow of its own: the public record is amended, then the
// amended record is pushed, retried without limit, so an outage delays the push but never loses it.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';

export interface PenaltyDecisionInput {
  caseId: string;
  dispositionId: string;
  decision: string;
  decidedAt: string;
  creditRetryMaxIntervalMs: number;
}

const records = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError'] },
});

export function penaltyDecisionWorkflowId(dispositionId: string): string {
  return `penalty-decision-${dispositionId}`;
}

export async function penaltyDecisionWorkflow(input: PenaltyDecisionInput): Promise<void> {
  const credit = proxyActivities<CaseActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: input.creditRetryMaxIntervalMs },
  });
  const amended = await records.publishPenaltyDecision(input);
  // Not yet published: the case's own publication will carry the decision.
  if (!amended) return;
  await credit.pushToCreditPlatform({
    caseId: input.caseId,
    idempotencyKey: `credit-${input.caseId}-penalty-${input.dispositionId}`,
    payload: amended,
  });
}
