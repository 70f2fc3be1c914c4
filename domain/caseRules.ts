// Who may do what to a case, in which states, with which fields, and why not: the one table of the case's rules.
// The workflow's update validators apply it to the live case, the services first (with what only the database
// knows: a declared conflict, the entity's category), and the web shows a form only to whoever it would let act.
// Plain TypeScript that imports nothing from Node, so the web bundle carries it.
//
// Every check answers in the same order, so that a refusal reveals no more than the caller may know: who (403)
// before anything about the case's state (409), and the state before the fields (422).
import type { CaseAction, ActionInput, DispositionInput, InspectionInput, ReassignmentInput, RectificationOrderInput, RevisitInput } from './caseActions';
import type { DomainErrorKind } from './errors';
import { caseStatuses, finishedStatuses, type Actor, type CaseStatus, type Role } from './inspectionCase';

export type { CaseAction } from './caseActions';

export interface Refusal {
  kind: DomainErrorKind;
  message: string;
  /** The field of the action's body at fault (`officersPresent`, `dispositions.0.legalBasis`). */
  field?: string;
}

/** What the rules see of a case: the workflow's state, the API's projection and the page's copy each give it. */
export interface CaseSituation {
  status: CaseStatus;
  team: readonly string[];
  /** The entity has reported its rectification (which allows an early revisit, once). */
  rectificationReported: boolean;
  /** The period an order gives unless it names another with a reason (R12); known once the review approves. */
  defaultRectificationDays?: number;
  /** Steps still being written that another action must not overtake. */
  busy?: { review?: boolean; recusal?: boolean };
}

/** What only the database knows, read by the service that applies the rules before the workflow does. */
export interface CaseFacts {
  /** R10: the acting officer declared a conflict with the case's entity. */
  actorConflicted?: boolean;
  /** The entity's category and the categories of the inspection items the result names (items in the directory only). */
  items?: { entityCategory: string | null; categoriesOf: Record<string, readonly string[]> };
}

export interface CheckContext {
  /** Epoch milliseconds (the workflow's deterministic clock in a validator). */
  now: number;
  facts?: CaseFacts;
}

/** In what capacity someone acts: an officer on the case's team, or for the brigade office or leadership. */
export type Capacity = 'team' | 'coordinator' | 'leadership';

interface ActionRule<I> {
  title: { zh: string; en: string };
  by: readonly Capacity[];
  /** The statuses in which the action may be taken. */
  in(situation: CaseSituation): readonly CaseStatus[];
  /** Besides the status, what else about the case makes the action wait or come too late (409). */
  blocked?(situation: CaseSituation): Refusal | undefined;
  fields?(input: I, situation: CaseSituation, context: CheckContext): Refusal | undefined;
  /** R10: an officer with a declared conflict may still take this action (the recusal itself). */
  despiteConflict?: true;
}

const refuse = (kind: DomainErrorKind, message: string, field?: string): Refusal => (field ? { kind, message, field } : { kind, message });
const blank = (text: string | undefined) => !text?.trim();

/** A case still under way — neither finished nor being published: what the office may still change and the team may still recuse from. */
const underWay: readonly CaseStatus[] = caseStatuses.filter((status) => status !== 'publishing' && !finishedStatuses.includes(status));

/** R9: at least two officers of the team were present. */
function officersPresent(situation: CaseSituation, present: readonly string[]): Refusal | undefined {
  const distinct = new Set(present);
  if (distinct.size < 2) return refuse('invalid', '检查人员不得少于2人 / at least two officers must be present (R9)', 'officersPresent');
  const outsiders = [...distinct].filter((officer) => !situation.team.includes(officer));
  if (outsiders.length > 0) {
    return refuse('invalid', `不在检查组的人员：${outsiders.join(', ')} / not on the team: ${outsiders.join(', ')}`, 'officersPresent');
  }
  return undefined;
}

function inspectionFields(input: InspectionInput, situation: CaseSituation, { now, facts }: CheckContext): Refusal | undefined {
  const anyFailed = input.items.some((item) => item.checkpoints.some((checkpoint) => !checkpoint.passed));
  if (anyFailed && input.resultCategory === 'no_problem') {
    return refuse('invalid', '有未通过的检查要点，结果不能为“未发现问题” / a checkpoint failed, so the result cannot be "no problem found"', 'resultCategory');
  }
  if (Date.parse(input.inspectionDate) > now + 86_400_000) {
    return refuse('invalid', '检查日期不能晚于今天 / the inspection date cannot be in the future', 'inspectionDate');
  }
  return (
    officersPresent(situation, input.officersPresent) ??
    (input.items.length === 0 ? refuse('invalid', '至少记录一个检查事项 / record at least one inspection item', 'items') : undefined) ??
    (facts?.items ? itemsApply(input, facts.items) : undefined)
  );
}

/** An item inspected must be one that applies to the entity: the entity's category is among the item's. */
function itemsApply(input: InspectionInput, { entityCategory, categoriesOf }: NonNullable<CaseFacts['items']>): Refusal | undefined {
  if (entityCategory === null) return undefined;
  for (const [index, item] of input.items.entries()) {
    const categories = categoriesOf[item.itemCode];
    if (categories && categories.length > 0 && !categories.includes(entityCategory)) {
      return refuse(
        'invalid',
        `检查事项 ${item.itemCode} 不适用于该类检查对象（${entityCategory}）/ item ${item.itemCode} does not apply to an entity of category ${entityCategory}`,
        `items.${index}.itemCode`,
      );
    }
  }
  return undefined;
}

function orderFields(input: RectificationOrderInput, situation: CaseSituation): Refusal | undefined {
  const defaultDays = situation.defaultRectificationDays;
  if (defaultDays !== undefined && input.days !== undefined && input.days !== defaultDays && blank(input.overrideReason)) {
    return refuse('invalid', `整改期限不同于默认的 ${defaultDays} 天，须说明理由 / a period other than the default ${defaultDays} days needs a reason`, 'overrideReason');
  }
  return undefined;
}

function dispositionFields(input: DispositionInput): Refusal | undefined {
  if (input.dispositions.length === 0) return refuse('invalid', '至少一项处置 / at least one disposition', 'dispositions');
  for (const [index, disposition] of input.dispositions.entries()) {
    const field = (name: string) => `dispositions.${index}.${name}`;
    if (disposition.kind === 'penalty') {
      if (blank(disposition.caseFilingNumber)) return refuse('invalid', '处罚须填写立案号 / a penalty needs the case filing number', field('caseFilingNumber'));
      if (blank(disposition.legalBasis)) return refuse('invalid', '处罚须写明法律依据 / a penalty needs its legal basis', field('legalBasis'));
    } else if (disposition.kind === 'transfer') {
      if (blank(disposition.department)) return refuse('invalid', '移送须写明接收部门 / a transfer names the department', field('department'));
    }
    if (disposition.kind !== 'penalty' && blank(disposition.reason)) {
      return refuse('invalid', '移送须写明理由 / a transfer or referral needs its reason', field('reason'));
    }
  }
  return undefined;
}

function reassignmentFields(input: ReassignmentInput, situation: CaseSituation): Refusal | undefined {
  if (!situation.team.includes(input.officerId)) return refuse('invalid', '该人员不在本案检查组 / this officer is not on the team', 'officerId');
  if (situation.team.includes(input.replacementId)) return refuse('invalid', '替换人员已在检查组 / the replacement is already on the team', 'replacementId');
  if (blank(input.reason)) return refuse('invalid', '请说明调整理由 / state the reason', 'reason');
  return undefined;
}

const recusalUnderWay = (situation: CaseSituation) =>
  situation.busy?.recusal ? refuse('conflict', '回避正在处理，请稍后 / a recusal is being handled: try again shortly') : undefined;

/** The table: one row per action. */
export const caseRules: { readonly [A in CaseAction]: ActionRule<ActionInput<A>> } = {
  inspection: {
    title: { zh: '录入检查结果', en: 'record the inspection result' },
    by: ['team'],
    in: () => ['awaiting_inspection'],
    fields: inspectionFields,
  },
  review: {
    title: { zh: '审核检查结果', en: 'review an inspection result' },
    by: ['coordinator', 'leadership'],
    in: () => ['under_review'],
    blocked: (situation) => (situation.busy?.review ? refuse('conflict', '另一审核正在办理 / another review of this result is being recorded') : undefined),
    fields: (input) => (input.decision === 'return' && blank(input.comment) ? refuse('invalid', '退回须写明意见 / a return needs a comment', 'comment') : undefined),
  },
  'rectification-order': {
    title: { zh: '责令限期整改', en: 'order rectification' },
    by: ['team'],
    in: () => ['awaiting_rectification_order'],
    fields: orderFields,
  },
  'rectification-report': {
    title: { zh: '登记企业整改报告', en: "record the entity's rectification report" },
    by: ['team', 'coordinator'],
    in: () => ['rectifying', 'awaiting_revisit'],
    blocked: (situation) => (situation.rectificationReported ? refuse('conflict', '整改情况已报告 / the rectification has already been reported') : undefined),
  },
  revisit: {
    title: { zh: '录入回访结果', en: 'record the revisit' },
    by: ['team'],
    // Before the deadline only when the entity has reported its rectification early.
    in: (situation) => (situation.rectificationReported ? ['rectifying', 'awaiting_revisit'] : ['awaiting_revisit']),
    fields: (input: RevisitInput, situation) => officersPresent(situation, input.officersPresent),
  },
  disposition: {
    title: { zh: '处置', en: 'record the disposition' },
    by: ['team', 'coordinator'],
    in: () => ['awaiting_disposition'],
    fields: dispositionFields,
  },
  recusal: {
    title: { zh: '申请回避', en: 'recuse' },
    by: ['team'],
    in: () => underWay,
    blocked: recusalUnderWay,
    fields: (input) => (blank(input.relation) ? refuse('invalid', '请说明利害关系 / state the relation', 'relation') : undefined),
    despiteConflict: true,
  },
  reassignment: {
    title: { zh: '调整检查组', en: 'change the team' },
    by: ['coordinator'],
    in: () => underWay,
    blocked: recusalUnderWay,
    fields: reassignmentFields,
  },
  cancel: {
    title: { zh: '撤销案件', en: 'cancel the case' },
    by: ['leadership'],
    in: () => underWay,
    fields: (input) => (blank(input.reason) ? refuse('invalid', '撤销须说明理由 / a cancellation needs a reason', 'reason') : undefined),
  },
};

export const caseActions = Object.keys(caseRules) as CaseAction[];

const capacityRole: Record<Capacity, Role> = { team: 'officer', coordinator: 'coordinator', leadership: 'leadership' };
const capacityLabel: Record<Capacity, { zh: string; en: string }> = {
  team: { zh: '本案检查组执法人员', en: "an officer of the case's team" },
  coordinator: { zh: '执法大队（办公室）', en: 'the brigade office' },
  leadership: { zh: '局领导', en: 'leadership' },
};

/** The roles that may ask for an action at all (the route's access); whether they may act on this case is `whoMay`'s. */
export function rolesFor(action: CaseAction): Role[] {
  return caseRules[action].by.map((capacity) => capacityRole[capacity]);
}

const actsAs = (capacity: Capacity, team: readonly string[], actor: Actor) =>
  capacity === 'team' ? actor.roles.includes('officer') && team.includes(actor.id) : actor.roles.includes(capacity);

/**
 * 403 or nothing: whether this actor may take the action on a case with this team, and, given the facts, has no
 * declared conflict with its entity (R10). Says nothing of the case's state.
 */
export function whoMay(action: CaseAction, team: readonly string[], actor: Actor, facts: CaseFacts = {}): Refusal | undefined {
  const rule = caseRules[action];
  // A conflict speaks for itself, on the team or taken off it since (R10).
  if (facts.actorConflicted && !rule.despiteConflict && actor.roles.includes('officer')) {
    return refuse('refused', '您已申报与该对象存在利害关系，应当回避 / you declared a conflict with this entity and must recuse (R10)');
  }
  if (!rule.by.some((capacity) => actsAs(capacity, team, actor))) {
    if (rule.by.includes('team') && actor.roles.includes('officer')) return refuse('refused', '您不在本案检查组 / you are not on this case\'s team');
    const who = rule.by.map((capacity) => capacityLabel[capacity]);
    return refuse(
      'refused',
      `仅${who.map((label) => label.zh).join('或')}可以${rule.title.zh} / only ${who.map((label) => label.en).join(' or ')} may ${rule.title.en}`,
    );
  }
  return undefined;
}

/** 409 or nothing: whether the case is where the action can be taken. */
export function stateAllows(action: CaseAction, situation: CaseSituation): Refusal | undefined {
  const rule = caseRules[action];
  const allowed = rule.in(situation);
  if (!allowed.includes(situation.status)) {
    if (finishedStatuses.includes(situation.status)) {
      return refuse('conflict', `案件已结束（${situation.status}）/ the case has ended (${situation.status})`);
    }
    return refuse('conflict', `案件当前状态为 ${situation.status}，不能${rule.title.zh} / the case is ${situation.status}; to ${rule.title.en} it must be ${allowed.join(' or ')}`);
  }
  return rule.blocked?.(situation);
}

/** The whole check of one action, in the order that reveals nothing to whoever may not act: who, state, fields. */
export function checkAction<A extends CaseAction>(
  action: A,
  situation: CaseSituation,
  input: ActionInput<A>,
  context: CheckContext,
): Refusal | undefined {
  const rule = caseRules[action] as ActionRule<ActionInput<A>>;
  return whoMay(action, situation.team, input.actor, context.facts) ?? stateAllows(action, situation) ?? rule.fields?.(input, situation, context);
}

/** The actions this person could take on the case as it stands (their fields still to be checked): the forms a page shows. */
export function availableActions(situation: CaseSituation, actor: Actor): CaseAction[] {
  return caseActions.filter((action) => !whoMay(action, situation.team, actor) && !stateAllows(action, situation));
}
