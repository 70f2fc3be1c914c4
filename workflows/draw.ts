// A draw runs once (its workflow id is the draw's) and opens one case per drawn target with its team (R8).
// The cases outlive the draw: they live for months, the draw for minutes. Its activity starts them batch by batch,
// each under the id the draw gave it when its result was recorded, so a retry starts none twice; the draw's own
// history holds one activity per batch, whatever the size. (Draws begun before 2026-12-06 evening started their
// cases as children, continuing as new before Temporal's limit on pending children; their runs replay that way.)
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
import type { CaseTiming } from './caseMessages';
import { drawnCaseStart, type DrawnCase, type DrawnCaseOpening, type DrawnCaseStart } from './drawnCase';
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

/** Cases started by one activity (or, before, together in one workflow task). */
const BATCH = 250;
/** Cases one run opened as children before it continued as new: well inside the 2,000 pending children a run may have. */
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
  if (patched('draw-starts-cases-from-its-activity')) {
    const { drawId, drawName, planId, actor, timing, deliverNotifications } = input;
    const opening: DrawnCaseOpening = { drawId, drawName, planId, actor, timing, deliverNotifications };
    for (let from = first; from < picks; from += BATCH) await activities.openDrawnCases(opening, from, BATCH);
  } else {
    for (let from = first; from < picks; from += BATCH) {
      if (from - first >= CASES_PER_RUN) return continueAsNew<typeof drawWorkflow>({ ...input, picks, openFrom: from });
      const batch = await activities.drawnCasesToOpen(input.drawId, from, BATCH);
      await Promise.all(batch.map((drawn) => openCase(input, drawn)));
    }
  }
  await activities.finishDraw(input.drawId);
  // The case ids are on the draw's record (Draw.caseIds): a result of tens of thousands of ids would pass the
  // payload limit of whoever awaits it (a plan). Earlier draws returned them; this one returns none.
  return [];
}

/** Starts the drawn case as a child, under the id the draw gave it; a case already started (a run repeated) is left as it is. */
async function openCase(input: DrawWorkflowInput, drawn: DrawnCase): Promise<void> {
  try {
    await startChild(inspectionCaseWorkflow, caseStart(input, drawn));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

function caseStart(input: DrawWorkflowInput, drawn: DrawnCase): Omit<ChildWorkflowOptions, 'typeInfo'> & DrawnCaseStart {
  return { ...drawnCaseStart(input, drawn), parentClosePolicy: ParentClosePolicy.ABANDON };
}

/** How draws ran before 2026-12-06, kept for the runs under way then: one child at a time, case ids made here. */
async function openCasesOneByOne(input: DrawWorkflowInput): Promise<string[]> {
  const drawn = await activities.performDraw(input.drawId, input.outsideRandomness, input.actor);
  const caseIds: string[] = [];
  for (const target of drawn) {
    const caseId = uuid4();
    await startChild(inspectionCaseWorkflow, caseStart(input, { ...target, caseId }));
    caseIds.push(caseId);
  }
  await activities.completeDraw(input.drawId, caseIds);
  return caseIds;
}
