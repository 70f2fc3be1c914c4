// Each disposition (R14, R15) keeps its own status after the case has moved on: a penalty from filing to its
// decision and execution, a transfer or police referral from sending to the receiving authority's answer. They
// are the bureau's records of what another procedure did, so they only move forward, one step at a time.
import type { DispositionKind, Labels } from './inspectionCase';

export const dispositionStatuses = ['filed', 'decided', 'executed', 'sent', 'accepted', 'concluded'] as const;
export type DispositionStatus = (typeof dispositionStatuses)[number];

export const dispositionSteps: Record<DispositionKind, readonly DispositionStatus[]> = {
  penalty: ['filed', 'decided', 'executed'],
  transfer: ['sent', 'accepted', 'concluded'],
  police_referral: ['sent', 'accepted', 'concluded'],
};

export const dispositionStatusLabels: Labels<DispositionStatus> = {
  filed: { zh: '已立案', en: 'filed' },
  decided: { zh: '已作出处罚决定', en: 'decision made' },
  executed: { zh: '执行完毕', en: 'executed' },
  sent: { zh: '已移送', en: 'sent' },
  accepted: { zh: '对方已接收', en: 'accepted by the recipient' },
  concluded: { zh: '对方已反馈处理结果', en: 'the recipient reported its outcome' },
};

/** The status a disposition starts in. Rows from before statuses were tracked say 'recorded', the same step. */
export function initialDispositionStatus(kind: DispositionKind): DispositionStatus {
  return dispositionSteps[kind][0]!;
}

export type DispositionMoveRefusal = { kind: 'invalid' | 'conflict'; message: string; field: 'status' | 'note' };

/** Steps that record what was decided or answered: the note says it (decision number, the recipient's outcome). */
const needsNote: readonly DispositionStatus[] = ['decided', 'concluded'];

/** Where a disposition stands among its kind's steps; 'recorded' (rows from before steps were kept) is the first. */
function stepIndex(kind: DispositionKind, current: string): number {
  return current === 'recorded' ? 0 : dispositionSteps[kind].indexOf(current as DispositionStatus);
}

/** The step a disposition can take next, or undefined once it has reached its last. */
export function nextDispositionStatus(kind: DispositionKind, current: string): DispositionStatus | undefined {
  return dispositionSteps[kind][stepIndex(kind, current) + 1];
}

/** Whether a disposition may move from `current` to `next`: forward, to the very next step of its kind. */
export function checkDispositionMove(kind: DispositionKind, current: string, next: DispositionStatus, note?: string): DispositionMoveRefusal | undefined {
  const steps = dispositionSteps[kind];
  if (!steps.includes(next)) {
    return { kind: 'invalid', field: 'status', message: `${kind} 的状态应为 ${steps.join(' / ')} 之一 / a ${kind} moves through ${steps.join(', ')}` };
  }
  if (needsNote.includes(next) && !note?.trim()) {
    return { kind: 'invalid', field: 'note', message: '请写明决定或处理结果 / say what was decided or answered' };
  }
  const expected = nextDispositionStatus(kind, current);
  if (next !== expected) {
    const at = stepIndex(kind, current);
    return {
      kind: 'conflict',
      field: 'status',
      message: expected
        ? `当前为 ${steps[at]}，下一步应为 ${expected} / it is ${steps[at]}; the next step is ${expected}`
        : `已到最后一步（${steps[at]}）/ it has reached its last step (${steps[at]})`,
    };
  }
  return undefined;
}
