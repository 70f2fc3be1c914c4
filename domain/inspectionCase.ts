// The words of an inspection case shared by the workflow, the database projection and the API.

export type Labels<K extends string> = Record<K, { zh: string; en: string }>;

export const caseOrigins = ['random', 'complaint', 'reinspection', 'ordered'] as const;
export type CaseOrigin = (typeof caseOrigins)[number];

/** Origins that never pass through the draw (R11). */
export const nonRandomOrigins = ['complaint', 'reinspection', 'ordered'] as const satisfies readonly CaseOrigin[];
export type NonRandomOrigin = (typeof nonRandomOrigins)[number];

export const caseOriginLabels: Labels<CaseOrigin> = {
  random: { zh: '双随机抽查', en: 'random draw' },
  complaint: { zh: '投诉举报', en: 'complaint or tip' },
  reinspection: { zh: '限期整改复查', en: 're-inspection after rectification' },
  ordered: { zh: '上级交办或法定方式', en: 'ordered by law or a superior' },
};

export const caseStatuses = [
  'opening',
  'awaiting_inspection',
  'under_review',
  'awaiting_rectification_order',
  'rectifying',
  'awaiting_revisit',
  'awaiting_disposition',
  'publishing',
  'closed',
  'cancelled',
  'ended',
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const finishedStatuses: readonly CaseStatus[] = ['closed', 'cancelled', 'ended'];

export const caseStatusLabels: Labels<CaseStatus> = {
  opening: { zh: '立项中', en: 'opening' },
  awaiting_inspection: { zh: '待检查', en: 'awaiting inspection' },
  under_review: { zh: '结果待审核', en: 'result under review' },
  awaiting_rectification_order: { zh: '待责令整改', en: 'awaiting rectification order' },
  rectifying: { zh: '限期整改中', en: 'rectifying' },
  awaiting_revisit: { zh: '待回访', en: 'awaiting revisit' },
  awaiting_disposition: { zh: '待处置', en: 'awaiting disposition' },
  publishing: { zh: '公示中', en: 'publishing' },
  closed: { zh: '已办结', en: 'closed' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
  ended: { zh: '已终止', en: 'ended' },
};

/** 检查结果类别 as the bureau records them. */
export const resultCategories = [
  'no_problem',
  'problem_found',
  'corrected_on_spot',
  'business_not_found',
  'closed_or_liquidating',
  'refused_inspection',
  'entity_deregistered',
] as const;
export type ResultCategory = (typeof resultCategories)[number];

export const resultCategoryLabels: Labels<ResultCategory> = {
  no_problem: { zh: '未发现问题', en: 'no problem found' },
  problem_found: { zh: '发现问题', en: 'problem found' },
  corrected_on_spot: { zh: '发现问题已当场整改', en: 'corrected on the spot' },
  business_not_found: { zh: '未发现开展本项目经营活动', en: 'business activity not found' },
  closed_or_liquidating: { zh: '已关闭停业或正在组织清算', en: 'closed or in liquidation' },
  refused_inspection: { zh: '不配合检查', en: 'refused to cooperate' },
  entity_deregistered: { zh: '主体已注销、吊销或迁出', en: 'entity deregistered, revoked or moved out' },
};

/** What a reviewed result leads to. */
export function nextStepAfterResult(category: ResultCategory): 'rectification' | 'disposition' | 'publication' | 'end' {
  switch (category) {
    case 'problem_found':
      return 'rectification';
    case 'refused_inspection':
      return 'disposition';
    case 'entity_deregistered':
      return 'end';
    default:
      return 'publication';
  }
}

export const dispositionKinds = ['penalty', 'transfer', 'police_referral'] as const;
export type DispositionKind = (typeof dispositionKinds)[number];

export const dispositionKindLabels: Labels<DispositionKind> = {
  penalty: { zh: '立案处罚', en: 'administrative penalty' },
  transfer: { zh: '移送有关部门', en: 'transfer to another department' },
  police_referral: { zh: '移送公安机关', en: 'police referral' },
};

export const roles = ['officer', 'coordinator', 'leadership', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** Who acts: an officer's directory id (so team membership can be checked) or a user's id, and their roles. */
export interface Actor {
  id: string;
  roles: Role[];
}

export function caseWorkflowId(caseId: string): string {
  return `inspection-case-${caseId}`;
}
