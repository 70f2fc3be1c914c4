// A plan's life (R4): draft → submitted → approved (its draw committed and scheduled) or sent back with a
// comment → drawn at the scheduled time, opening its cases → in progress → closed. Nothing takes effect
// before leadership approves.
import { allHandlersFinished, ApplicationFailure, condition, defineQuery, defineUpdate, executeChild, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { describeSource, isPublished, publicValueProblem, type RandomnessSource } from '../domain/draw/randomnessSource';
import { failureTypes } from '../domain/errors';
import type { Actor } from '../domain/inspectionCase';
import type { CaseTiming } from './caseMessages';
import { drawWorkflow, drawWorkflowId } from './draw';
import { failureMessage } from './inspectionCase';

export const planStatuses = ['draft', 'submitted', 'sent_back', 'scheduled', 'drawn', 'in_progress', 'closed'] as const;
export type PlanStatus = (typeof planStatuses)[number];

export interface PlanWorkflowInput {
  planId: string;
  number: string;
  createdBy: string;
  timing: CaseTiming;
  deliverNotifications?: boolean;
}

export interface PlanState {
  planId: string;
  status: PlanStatus;
  drawAt?: string;
  drawId?: string;
  /** The public value the draw will mix in, named when it was committed; the draw waits for it (R8, R20). */
  randomnessSource?: RandomnessSource;
  outsideRandomness?: string;
  caseIds: string[];
  history: Array<{ status: PlanStatus; actor: string; at: string; comment?: string }>;
}

export const getPlanState = defineQuery<PlanState>('getPlanState');
export const submitPlan = defineUpdate<PlanState, [{ actor: Actor }]>('submitPlan');
export const approvePlan = defineUpdate<PlanState, [{ actor: Actor; drawAt: string; comment?: string }]>('approvePlan');
export const sendBackPlan = defineUpdate<PlanState, [{ actor: Actor; comment: string }]>('sendBackPlan');
export const closePlan = defineUpdate<PlanState, [{ actor: Actor }]>('closePlan');
/** Randomness nobody in the bureau controls (e.g. a public beacon round named in advance), entered by an auditor. */
export const provideOutsideRandomness = defineUpdate<PlanState, [{ actor: Actor; value: string }]>('provideOutsideRandomness');

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError', 'DrawInfeasibleError'] },
});

export function planWorkflowId(planId: string): string {
  return `plan-${planId}`;
}

function refuse(kind: keyof typeof failureTypes, message: string, field?: string): never {
  throw ApplicationFailure.nonRetryable(message, failureTypes[kind], { field });
}

export async function planWorkflow(input: PlanWorkflowInput): Promise<PlanState> {
  const state: PlanState = { planId: input.planId, status: 'draft', caseIds: [], history: [] };
  let busy = false;

  const requireState = (...allowed: PlanStatus[]) => {
    if (busy || !allowed.includes(state.status)) refuse('conflict', `计划当前为 ${state.status}，不能进行此操作 / the plan is ${state.status}`);
  };
  const requireRole = (actor: Actor, role: 'coordinator' | 'leadership', zh: string) => {
    if (!actor.roles.includes(role)) refuse('refused', `${zh} / only ${role} may do this`);
  };

  async function move(status: PlanStatus, actor: string, comment?: string, extra: { drawAt?: string; drawId?: string } = {}) {
    state.status = status;
    const at = new Date().toISOString();
    state.history.push({ status, actor, at, comment });
    await activities.recordPlanStatus({ planId: input.planId, status, actor, reason: comment, ...extra });
  }

  setHandler(getPlanState, () => state);
  setHandler(submitPlan, async ({ actor }) => (await move('submitted', actor.id), state), {
    validator: ({ actor }) => {
      requireRole(actor, 'coordinator', '仅执法大队（办公室）可以报送计划');
      requireState('draft', 'sent_back');
    },
  });
  setHandler(
    sendBackPlan,
    async ({ actor, comment }) => (await move('sent_back', actor.id, comment), state),
    {
      validator: ({ actor, comment }) => {
        requireRole(actor, 'leadership', '仅局领导可以审批计划');
        requireState('submitted');
        if (!comment?.trim()) refuse('invalid', '退回须写明意见 / a send-back needs a comment', 'comment');
      },
    },
  );
  setHandler(
    approvePlan,
    async ({ actor, drawAt, comment }) => {
      busy = true;
      try {
        // The draw is committed now, so its pool hash and seed commitment can be published before it runs.
        const drawId = await activities.preparePlanDraw(input.planId, drawAt, actor.id).catch((error) => refuse('conflict', failureMessage(error)));
        state.drawAt = drawAt;
        state.drawId = drawId;
        if (patched('plan-names-randomness')) state.randomnessSource = (await activities.drawRandomnessSource(drawId)) ?? undefined;
        await move('scheduled', actor.id, comment, { drawAt, drawId });
        return state;
      } finally {
        busy = false;
      }
    },
    {
      validator: ({ actor, drawAt }) => {
        requireRole(actor, 'leadership', '仅局领导可以审批计划');
        requireState('submitted');
        if (!(Date.parse(drawAt) >= 0)) refuse('invalid', '抽取时间无效 / drawAt is not a date-time', 'drawAt');
      },
    },
  );
  setHandler(
    provideOutsideRandomness,
    ({ value }) => {
      state.outsideRandomness = value;
      return state;
    },
    {
      validator: ({ actor, value }) => {
        if (!actor.roles.includes('auditor')) refuse('refused', '仅审计人员可以录入外部随机数 / only an auditor enters the outside randomness');
        requireState('scheduled');
        if (state.outsideRandomness) refuse('conflict', '外部随机数已录入 / the outside randomness is already entered');
        if (!value?.trim()) refuse('invalid', '不能为空 / must not be empty', 'value');
        const source = state.randomnessSource;
        if (source && !isPublished(source, new Date())) {
          refuse('conflict', `指定的外部随机数尚未公布：${describeSource(source)} / the named outside randomness is not published yet`);
        }
        const problem = source && publicValueProblem(source, value);
        if (problem) refuse('invalid', problem, 'value');
      },
    },
  );
  setHandler(closePlan, async ({ actor }) => (await move('closed', actor.id), state), {
    validator: ({ actor }) => {
      requireRole(actor, 'coordinator', '仅执法大队（办公室）可以结束计划');
      requireState('in_progress');
    },
  });

  await condition(() => state.status === 'scheduled');
  await sleep(Math.max(1, Date.parse(state.drawAt!) - Date.now()));
  // A draw that named its outside randomness runs only with it: never early, never with a value of anyone's choosing.
  if (state.randomnessSource) await condition(() => state.outsideRandomness !== undefined);
  state.caseIds = await executeChild(drawWorkflow, {
    workflowId: drawWorkflowId(state.drawId!),
    args: [
      {
        drawId: state.drawId!,
        drawName: input.number,
        planId: input.planId,
        outsideRandomness: state.outsideRandomness,
        actor: 'system',
        timing: input.timing,
        deliverNotifications: input.deliverNotifications,
      },
    ],
  });
  await move('drawn', 'system');
  await move('in_progress', 'system');
  await condition(() => state.status === 'closed');
  await condition(allHandlersFinished); // the closing update answers before the plan's workflow ends
  return state;
}
