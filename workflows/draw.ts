// A draw runs once (its workflow id is the draw's) and opens one case per drawn target with its team (R8).
// The cases are children that outlive the draw: they live for months, the draw for seconds.
import { ParentClosePolicy, proxyActivities, startChild, uuid4 } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { searchAttributes } from '../config/temporal';
import { caseWorkflowId } from '../domain/inspectionCase';
import type { CaseTiming } from './caseMessages';
import { inspectionCaseWorkflow } from './inspectionCase';

export interface DrawWorkflowInput {
  drawId: string;
  drawName: string;
  planId?: string;
  outsideRandomness?: string;
  actor: string;
  timing: CaseTiming;
  deliverNotifications?: boolean;
}

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError', 'DrawInfeasibleError'] },
});

export function drawWorkflowId(drawId: string): string {
  return `draw-${drawId}`;
}

export async function drawWorkflow(input: DrawWorkflowInput): Promise<string[]> {
  const drawn = await activities.performDraw(input.drawId, input.outsideRandomness, input.actor);
  const caseIds: string[] = [];
  for (const target of drawn) {
    const caseId = uuid4();
    await startChild(inspectionCaseWorkflow, {
      workflowId: caseWorkflowId(caseId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          caseId,
          entityId: target.entityId,
          entityUscc: target.entityUscc,
          entityName: target.entityName,
          origin: 'random',
          originReason: `双随机抽取：${input.drawName} / random draw: ${input.drawName}`,
          planId: input.planId ?? input.drawId,
          team: target.team,
          openedBy: input.actor,
          timing: input.timing,
          deliverNotifications: input.deliverNotifications,
        },
      ],
      typedSearchAttributes: [
        { key: searchAttributes.caseStatus, value: 'opening' },
        { key: searchAttributes.caseOrigin, value: 'random' },
        { key: searchAttributes.caseEntityUscc, value: target.entityUscc },
        { key: searchAttributes.casePlanId, value: input.planId ?? input.drawId },
      ],
    });
    caseIds.push(caseId);
  }
  await activities.completeDraw(input.drawId, caseIds);
  return caseIds;
}
