// The words of an inspection case shared by the workflow, the database projection and the API.

export const caseOrigins = ['random', 'complaint', 'reinspection', 'ordered'] as const;
export type CaseOrigin = (typeof caseOrigins)[number];

/** Origins that never pass through the draw (R11). */
export const nonRandomOrigins = ['complaint', 'reinspection', 'ordered'] as const satisfies readonly CaseOrigin[];
export type NonRandomOrigin = (typeof nonRandomOrigins)[number];

export const caseOriginLabels: Record<CaseOrigin, { zh: string; en: string }> = {
  random: { zh: '双随机抽查', en: 'random draw' },
  complaint: { zh: '投诉举报', en: 'complaint or tip' },
  reinspection: { zh: '限期整改复查', en: 're-inspection after rectification' },
  ordered: { zh: '上级交办或法定方式', en: 'ordered by law or a superior' },
};

export const caseStatuses = ['opening', 'awaiting_inspection', 'closed', 'cancelled'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const caseStatusLabels: Record<CaseStatus, { zh: string; en: string }> = {
  opening: { zh: '立项中', en: 'opening' },
  awaiting_inspection: { zh: '待检查', en: 'awaiting inspection' },
  closed: { zh: '已办结', en: 'closed' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
};

export function caseWorkflowId(caseId: string): string {
  return `inspection-case-${caseId}`;
}
