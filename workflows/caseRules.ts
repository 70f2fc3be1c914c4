// Who may do what, and when, on a case. Pure functions of the case state and the requested action: each
// answers the refusal (kind, message, field) or nothing. The workflow turns a refusal into a rejected update,
// so a refused action never touches the case.
import type { DomainErrorKind } from '../domain/errors';
import { finishedStatuses, type Actor, type CaseStatus } from '../domain/inspectionCase';
import type {
  CancelCaseInput,
  CaseState,
  DispositionInput,
  InspectionInput,
  RecusalInput,
  RectificationOrderInput,
  ReassignmentInput,
  RectificationReportInput,
  ReviewInput,
  RevisitInput,
} from './caseMessages';

export interface Refusal {
  kind: DomainErrorKind;
  message: string;
  field?: string;
}

const refuse = (kind: DomainErrorKind, message: string, field?: string): Refusal => ({ kind, message, field });

function wrongState(state: CaseState, allowed: CaseStatus[]): Refusal | undefined {
  if (allowed.includes(state.status)) return undefined;
  return refuse('conflict', `案件当前状态为 ${state.status}，不能进行此操作 / the case is ${state.status}; this action needs ${allowed.join(' or ')}`);
}

function teamOfficer(state: CaseState, actor: Actor): Refusal | undefined {
  if (!actor.roles.includes('officer')) return refuse('refused', '仅检查组执法人员可以操作 / only an officer of the team may do this');
  if (!state.team.includes(actor.id)) return refuse('refused', '您不在本案检查组 / you are not on this case\'s team');
  return undefined;
}

/** R9: at least two officers of the team were present. */
function officersPresent(state: CaseState, present: string[]): Refusal | undefined {
  const distinct = new Set(present);
  if (distinct.size < 2) return refuse('invalid', '检查人员不得少于2人 / at least two officers must be present (R9)', 'officersPresent');
  const outsiders = [...distinct].filter((officer) => !state.team.includes(officer));
  if (outsiders.length > 0) {
    return refuse('invalid', `不在检查组的人员：${outsiders.join(', ')} / not on the team: ${outsiders.join(', ')}`, 'officersPresent');
  }
  return undefined;
}

export function checkInspection(state: CaseState, input: InspectionInput, now: number): Refusal | undefined {
  const anyFailed = input.items.some((item) => item.checkpoints.some((checkpoint) => !checkpoint.passed));
  if (anyFailed && input.resultCategory === 'no_problem') {
    return refuse('invalid', '有未通过的检查要点，结果不能为“未发现问题” / a checkpoint failed, so the result cannot be "no problem found"', 'resultCategory');
  }
  if (Date.parse(input.inspectionDate) > now + 86_400_000) {
    return refuse('invalid', '检查日期不能晚于今天 / the inspection date cannot be in the future', 'inspectionDate');
  }
  return (
    wrongState(state, ['awaiting_inspection']) ??
    teamOfficer(state, input.actor) ??
    officersPresent(state, input.officersPresent) ??
    (input.items.length === 0 ? refuse('invalid', '至少记录一个检查事项 / record at least one inspection item', 'items') : undefined)
  );
}

export function checkReview(state: CaseState, input: ReviewInput, reviewInProgress = false): Refusal | undefined {
  if (reviewInProgress) return refuse('conflict', '另一审核正在办理 / another review of this result is being recorded');
  if (!input.actor.roles.some((role) => role === 'coordinator' || role === 'leadership')) {
    return refuse('refused', '仅执法大队（办公室）可以审核检查结果 / only the brigade office reviews inspection results');
  }
  if (input.decision === 'return' && !input.comment?.trim()) {
    return refuse('invalid', '退回须写明意见 / a return needs a comment', 'comment');
  }
  return wrongState(state, ['under_review']);
}

export function checkRectificationOrder(state: CaseState, input: RectificationOrderInput, defaultDays: number): Refusal | undefined {
  if (input.days !== undefined && input.days !== defaultDays && !input.overrideReason?.trim()) {
    return refuse('invalid', `整改期限不同于默认的 ${defaultDays} 天，须说明理由 / a period other than the default ${defaultDays} days needs a reason`, 'overrideReason');
  }
  return wrongState(state, ['awaiting_rectification_order']) ?? teamOfficer(state, input.actor);
}

export function checkRectificationReport(state: CaseState, _input: RectificationReportInput): Refusal | undefined {
  if (state.rectificationReport) return refuse('conflict', '整改情况已报告 / the rectification has already been reported');
  return wrongState(state, ['rectifying', 'awaiting_revisit']);
}

export function checkRevisit(state: CaseState, input: RevisitInput): Refusal | undefined {
  // Before the deadline only when the entity has reported its rectification early.
  const allowed: CaseStatus[] = state.rectificationReport ? ['rectifying', 'awaiting_revisit'] : ['awaiting_revisit'];
  return wrongState(state, allowed) ?? teamOfficer(state, input.actor) ?? officersPresent(state, input.officersPresent);
}

export function checkDisposition(state: CaseState, input: DispositionInput): Refusal | undefined {
  const actorRefusal = input.actor.roles.includes('coordinator') ? undefined : teamOfficer(state, input.actor);
  if (input.dispositions.length === 0) return refuse('invalid', '至少一项处置 / at least one disposition', 'dispositions');
  for (const [index, disposition] of input.dispositions.entries()) {
    const field = (name: string) => `dispositions.${index}.${name}`;
    if (disposition.kind === 'penalty') {
      if (!disposition.caseFilingNumber?.trim()) return refuse('invalid', '处罚须填写立案号 / a penalty needs the case filing number', field('caseFilingNumber'));
      if (!disposition.legalBasis?.trim()) return refuse('invalid', '处罚须写明法律依据 / a penalty needs its legal basis', field('legalBasis'));
    } else if (disposition.kind === 'transfer') {
      if (!disposition.department?.trim()) return refuse('invalid', '移送须写明接收部门 / a transfer names the department', field('department'));
    }
    if (disposition.kind !== 'penalty' && !disposition.reason?.trim()) {
      return refuse('invalid', '移送须写明理由 / a transfer or referral needs its reason', field('reason'));
    }
  }
  return wrongState(state, ['awaiting_disposition']) ?? actorRefusal;
}

export function checkRecusal(state: CaseState, input: RecusalInput, recusalInProgress: boolean): Refusal | undefined {
  if (finishedStatuses.includes(state.status)) return refuse('conflict', '案件已结束 / the case has ended');
  if (recusalInProgress) return refuse('conflict', '另一回避申请正在处理 / another recusal is being handled');
  if (!input.relation?.trim()) return refuse('invalid', '请说明利害关系 / state the relation', 'relation');
  return teamOfficer(state, input.actor);
}

/** The brigade office changes a team (R9, R10): one of its officers for one who is not on it, with a reason. */
export function checkReassignment(state: CaseState, input: ReassignmentInput, recusalInProgress: boolean): Refusal | undefined {
  if (!input.actor.roles.includes('coordinator')) return refuse('refused', '仅执法大队（办公室）可以调整检查组 / only the brigade office changes a team');
  if ([...finishedStatuses, 'publishing'].includes(state.status)) return refuse('conflict', '案件已结束或正在公示 / the case has ended or is being published');
  if (recusalInProgress) return refuse('conflict', '回避正在处理 / a recusal is being handled');
  if (!state.team.includes(input.officerId)) return refuse('invalid', '该人员不在本案检查组 / this officer is not on the team', 'officerId');
  if (state.team.includes(input.replacementId)) return refuse('invalid', '替换人员已在检查组 / the replacement is already on the team', 'replacementId');
  if (!input.reason?.trim()) return refuse('invalid', '请说明调整理由 / state the reason', 'reason');
  return undefined;
}

export function checkCancel(state: CaseState, input: CancelCaseInput): Refusal | undefined {
  if (!input.actor.roles.includes('leadership')) return refuse('refused', '仅局领导可以撤销案件 / only leadership may cancel a case');
  if (!input.reason?.trim()) return refuse('invalid', '撤销须说明理由 / a cancellation needs a reason', 'reason');
  if (finishedStatuses.includes(state.status) || state.status === 'publishing') {
    return refuse('conflict', '案件已结束或正在公示，不能撤销 / the case has ended or is being published');
  }
  return undefined;
}
