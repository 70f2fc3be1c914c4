// A draw runs once (its workflow id is the draw's) and opens one case per drawn target with its team (R8).
// The cases are children that outlive the draw: they live for months, the draw for minutes. They open in batches,
// and a run hands over to a fresh one (continue-as-new) before its open children near Temporal's limit on pending
// children (2,000) or its history grows long: a provincial draw of tens of thousands opens every case.
import {
  condition,
  continueAsNew,
  defineUpdate,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
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
  /** Set by continue-as-new: how many picks the draw made, and from which the cases still need opening. */
  picks?: number;
  openFrom?: number;
}

/** Completes once the draw's result is recorded: `POST /draws/:id/run` answers then, while its cases open. */
export const awaitDrawResult = defineUpdate<void>('awaitDrawResult');

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError', 'DrawInfeasibleError'] },
});

type DrawnCase = Awaited<ReturnType<CaseActivities['drawnCasesToOpen']>>[number];

/** Cases started together in one workflow task. */
const BATCH = 250;
/** Cases one run opens before it continues as new: well inside the 2,000 pending children a run may have. */
const CASES_PER_RUN = 1_000;

export function drawWorkflowId(drawId: string): string {
  return `draw-${drawId}`;
}

export async function drawWorkflow(input: DrawWorkflowInput): Promise<string[]> {
  if (input.picks === undefined && !patched('draw-opens-cases-in-batches')) return openCasesOneByOne(input);

  let picks = input.picks;
  setHandler(awaitDrawResult, async () => {
    await condition(() => picks !== undefined);
  });
  if (picks === undefined) {
    picks = (await activities.recordDrawResult(input.drawId, input.outsideRandomness ?? null, input.actor)).picks;
    // The cases count working days by the calendar as it stands now, not as it stood when their plan was approved.
    input = { ...input, timing: { ...input.timing, ...(await activities.workingCalendarNow()) } };
  }

  const first = input.openFrom ?? 0;
  for (let from = first; from < picks; from += BATCH) {
    if (from - first >= CASES_PER_RUN) return continueAsNew<typeof drawWorkflow>({ ...input, picks, openFrom: from });
    const batch = await activities.drawnCasesToOpen(input.drawId, from, BATCH);
    await Promise.all(batch.map((drawn) => openCase(input, drawn)));
  }
  await activities.finishDraw(input.drawId);
  // The case ids are on the draw's record (Draw.caseIds): a result of tens of thousands of ids would pass the
  // payload limit of whoever awaits it (a plan). Earlier draws returned them; this one returns none.
  return [];
}

/** Starts the drawn case under the id the draw gave it; a case already started (a run repeated) is left as it is. */
async function openCase(input: DrawWorkflowInput, drawn: DrawnCase): Promise<void> {
  try {
    await startChild(inspectionCaseWorkflow, caseStart(input, drawn.caseId, drawn));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

function caseStart(
  input: DrawWorkflowInput,
  caseId: string,
  target: Omit<DrawnCase, 'caseId'>,
): Omit<ChildWorkflowOptions, 'typeInfo'> & { workflowId: string; args: Parameters<typeof inspectionCaseWorkflow> } {
  return {
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
  };
}

/** How draws ran before 2026-12-06, kept for the runs under way then: one child at a time, case ids made here. */
async function openCasesOneByOne(input: DrawWorkflowInput): Promise<string[]> {
  const drawn = await activities.performDraw(input.drawId, input.outsideRandomness, input.actor);
  const caseIds: string[] = [];
  for (const target of drawn) {
    const caseId = uuid4();
    await startChild(inspectionCaseWorkflow, caseStart(input, caseId, target));
    caseIds.push(caseId);
  }
  await activities.completeDraw(input.drawId, caseIds);
  return caseIds;
}
