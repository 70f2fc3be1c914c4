// The bureau's words for the codes the system keeps: what a person reads on a page, in an export and in an error
// message instead of `high` or `on_site`. Entity categories are a list the bureau manages (the EntityCategory table,
// seeded by its migration); these are fixed by the rules. The case's own words (statuses, origins, results) are in inspectionCase.ts.
import type { Labels } from './inspectionCase';

export const riskLevels = ['low', 'medium', 'high'] as const;
export const riskLevelLabels: Labels<(typeof riskLevels)[number]> = {
  low: { zh: '低', en: 'low' },
  medium: { zh: '中', en: 'medium' },
  high: { zh: '高', en: 'high' },
};

export const legalStatuses = ['operating', 'deregistered', 'revoked', 'moved_out'] as const;
export const legalStatusLabels: Labels<(typeof legalStatuses)[number]> = {
  operating: { zh: '存续（在营）', en: 'operating' },
  deregistered: { zh: '注销', en: 'deregistered' },
  revoked: { zh: '吊销', en: 'revoked' },
  moved_out: { zh: '迁出', en: 'moved out' },
};

export const itemKinds = ['general', 'key'] as const;
export const itemKindLabels: Labels<(typeof itemKinds)[number]> = {
  general: { zh: '一般检查事项', en: 'general' },
  key: { zh: '重点检查事项', en: 'key' },
};

export const itemMethods = ['on_site', 'documentary', 'other_department_results', 'testing', 'online_monitoring', 'expert'] as const;
export const itemMethodLabels: Labels<(typeof itemMethods)[number]> = {
  on_site: { zh: '实地核查', en: 'on site' },
  documentary: { zh: '书面检查', en: 'documentary' },
  other_department_results: { zh: '采信其他部门检查结果', en: 'other departments\' results' },
  testing: { zh: '抽样检测', en: 'sample testing' },
  online_monitoring: { zh: '网络监测', en: 'online monitoring' },
  expert: { zh: '专家评审', en: 'expert review' },
};

export const itemNotices = ['in_advance', 'unannounced'] as const;
export const itemNoticeLabels: Labels<(typeof itemNotices)[number]> = {
  in_advance: { zh: '事先告知', en: 'announced in advance' },
  unannounced: { zh: '不预先告知', en: 'unannounced' },
};

export const genders = ['male', 'female'] as const;
export const genderLabels: Labels<(typeof genders)[number]> = {
  male: { zh: '男', en: 'male' },
  female: { zh: '女', en: 'female' },
};

/** Words a file may use for a code: the Chinese label, the English one and the code itself. */
export function wordsFor<K extends string>(labels: Labels<K>): Record<string, K> {
  return Object.fromEntries(
    (Object.entries(labels) as Array<[K, { zh: string; en: string }]>).flatMap(([code, label]) => [
      [label.zh, code],
      [label.en, code],
    ]),
  );
}
