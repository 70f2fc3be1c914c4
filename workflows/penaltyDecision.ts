// R16, R17: a penalty decided after its case was published reaches the public record and the credit platform.
// The case has usually closed by then, so this is a workflow of its own. It publishes what the database recorded
// as the decision, never what a request merely asked for: it is started just before that record is committed,
// and waits briefly for it. The amended record is then pushed, retried without limit, so an outage of the
// platform delays the push but never loses it.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';

export interface PenaltyDecisionInput {
  caseId: string;
  dispositionId: string;
  creditRetryMaxIntervalMs: number;
}

// The decision is committed within moments of the start; if it never is (the request was refused), stop here.
const recorded = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['DomainError'] },
});

// The case's own publication may still be on its way: wait for it as long as it takes.
const publication = proxyLocalActivities<CaseActivities>({
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
  const decision = await recorded.penaltyDecisionOf(input);
  const amended = await publication.publishPenaltyDecision({ ...input, ...decision });
  await credit.pushToCreditPlatform({
    caseId: input.caseId,
    idempotencyKey: `credit-${input.caseId}-penalty-${input.dispositionId}`,
    payload: amended,
  });
}
