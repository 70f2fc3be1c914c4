// One inspection case, from opening to closure. This file says what happens; activities say how.
import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { searchAttributes } from '../config/temporal';
import { failureTypes } from '../domain/errors';
import type { CaseStatus } from '../domain/inspectionCase';
import { awaitCaseOpened, cancelCase, getCaseState, type CaseState, type OpenCaseInput } from './caseMessages';

const { recordCaseOpened, recordCaseStatus } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const finished: CaseStatus[] = ['closed', 'cancelled'];

export async function inspectionCaseWorkflow(input: OpenCaseInput): Promise<CaseState> {
  const state: CaseState = {
    caseId: input.caseId,
    status: 'opening',
    origin: input.origin,
    entityId: input.entityId,
    openedAt: new Date().toISOString(),
  };

  setHandler(getCaseState, () => state);
  setHandler(awaitCaseOpened, async () => {
    await condition(() => state.status !== 'opening');
    return state;
  });
  setHandler(
    cancelCase,
    async ({ actor, reason }) => {
      state.status = 'cancelled';
      state.closedAt = new Date().toISOString();
      state.cancellation = { by: actor, reason, at: state.closedAt };
      return state;
    },
    {
      validator: ({ reason }) => {
        if (finished.includes(state.status)) {
          throw ApplicationFailure.nonRetryable('案件已结束，不能撤销 / the case has already ended', failureTypes.conflict);
        }
        if (!reason?.trim()) {
          throw ApplicationFailure.nonRetryable('撤销须说明理由 / a cancellation needs a reason', failureTypes.invalid, {
            field: 'reason',
          });
        }
      },
    },
  );

  await recordCaseOpened({
    caseId: input.caseId,
    workflowId: workflowInfo().workflowId,
    entityId: input.entityId,
    origin: input.origin,
    originReason: input.originReason,
    openedBy: input.openedBy,
    openedAt: state.openedAt,
  });
  moveTo('awaiting_inspection');

  // The inspection, rectification, revisit, disposition and publication steps follow here.
  await condition(() => finished.includes(state.status));

  if (state.cancellation) {
    await recordCaseStatus({
      caseId: input.caseId,
      status: 'cancelled',
      eventKey: 'cancelled',
      kind: 'cancelled',
      actor: state.cancellation.by,
      reason: state.cancellation.reason,
      at: state.cancellation.at,
      closed: true,
    });
  }
  upsertSearchAttributes([{ key: searchAttributes.caseStatus, value: state.status }]);
  return state;

  function moveTo(status: CaseStatus): void {
    state.status = status;
    upsertSearchAttributes([{ key: searchAttributes.caseStatus, value: status }]);
  }
}
