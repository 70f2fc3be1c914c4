// Chinese first, English on request; the choice is kept in the browser.
import { chineseDate, englishDate } from '../../domain/chineseDate';
import { chinaDate } from '../../domain/deadlines';
import { dispositionStatusLabels } from '../../domain/dispositions';
import {
  caseOriginLabels,
  caseStatusLabels,
  dispositionKindLabels,
  resultCategoryLabels,
} from '../../domain/inspectionCase';

export type Language = 'zh' | 'en';
type Text = { zh: string; en: string };

let language: Language = localStorage.getItem('language') === 'en' ? 'en' : 'zh';

export function currentLanguage(): Language {
  return language;
}

export function setLanguage(next: Language): void {
  language = next;
  localStorage.setItem('language', next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

export function pick(text: Text): string {
  return text[language];
}

/** One phrase in both languages. */
export function tr(zh: string, en: string): string {
  return language === 'zh' ? zh : en;
}

function labelOf<K extends string>(labels: Record<K, Text>, key: string | null | undefined): string {
  if (!key) return '';
  return key in labels ? pick(labels[key as K]) : key;
}

export const statusLabel = (status: string | null | undefined) => labelOf(caseStatusLabels, status);
export const originLabel = (origin: string | null | undefined) => labelOf(caseOriginLabels, origin);
export const resultLabel = (category: string | null | undefined) => labelOf(resultCategoryLabels, category);
export const dispositionLabel = (kind: string | null | undefined) => labelOf(dispositionKindLabels, kind);
/** Rows from before statuses were tracked say 'recorded': the first step of their kind. */
export const dispositionStatusLabel = (status: string | null | undefined) => (status === 'recorded' ? tr('已录入', 'recorded') : labelOf(dispositionStatusLabels, status));

const nextSteps: Record<string, Text> = {
  opening: { zh: '立项中', en: 'being opened' },
  awaiting_inspection: { zh: '实施检查并录入结果', en: 'inspect and record the result' },
  under_review: { zh: '等待大队办公室审核', en: 'waiting for the office’s review' },
  awaiting_rectification_order: { zh: '下达责令整改通知书', en: 'issue the rectification order' },
  rectifying: { zh: '整改期内，期满回访', en: 'rectifying; revisit at the deadline' },
  awaiting_revisit: { zh: '回访核查整改情况', en: 'revisit and check the rectification' },
  awaiting_disposition: { zh: '处罚、移送或移送公安', en: 'penalty, transfer or police referral' },
  publishing: { zh: '公示并推送信用平台', en: 'publishing and pushing to the credit platform' },
  closed: { zh: '已办结', en: 'closed' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
  ended: { zh: '已终止', en: 'ended' },
};
export const nextStepLabel = (status: string) => labelOf(nextSteps, status);

const eventLabels: Record<string, Text> = {
  opened: { zh: '立案', en: 'opened' },
  inspection_notice_sent: { zh: '送达随机抽查通知书', en: 'inspection notice sent' },
  inspection_recorded: { zh: '录入检查结果', en: 'inspection recorded' },
  inspection_approved: { zh: '审核通过', en: 'result approved' },
  inspection_returned: { zh: '退回补正', en: 'result returned' },
  rectification_ordered: { zh: '责令限期整改', en: 'rectification ordered' },
  rectification_reported: { zh: '企业报告整改', en: 'rectification reported' },
  rectification_deadline_reached: { zh: '整改期满，待回访', en: 'deadline reached; revisit due' },
  revisit_recorded: { zh: '录入回访结果', en: 'revisit recorded' },
  escalated: { zh: '逾期督办', en: 'escalated' },
  inspection_overdue: { zh: '计划期满未检查', en: 'not inspected by the plan\'s end' },
  disposition_recorded: { zh: '录入处置', en: 'disposition recorded' },
  disposition_completed: { zh: '处置完成', en: 'dispositions complete' },
  disposition_progressed: { zh: '处置进度更新', en: 'disposition moved on' },
  published: { zh: '结果公示', en: 'published' },
  credit_pushed: { zh: '推送信用平台', en: 'pushed to the credit platform' },
  blacklisted: { zh: '列入失信黑名单', en: 'put on the blacklist' },
  recusal: { zh: '回避并替换', en: 'recusal and replacement' },
  reassigned: { zh: '调整检查组', en: 'team changed' },
  closed: { zh: '办结', en: 'closed' },
  cancelled: { zh: '撤销', en: 'cancelled' },
  ended: { zh: '终止', en: 'ended' },
  document_issued: { zh: '出具文书', en: 'document issued' },
};
export const eventLabel = (kind: string) => labelOf(eventLabels, kind);

/** A day as the bureau writes it on screen and in files: YYYY-MM-DD, in China time, whatever the browser's locale. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : chinaDate(new Date(iso));
}

/** A date in words, as notices write it: 2026年12月6日 (6 December 2026); a YYYY-MM-DD date or an instant. */
export function formatChineseDate(value: string | null | undefined): string {
  if (!value) return '';
  return language === 'zh' ? chineseDate(value) : englishDate(value);
}

/** An instant as YYYY-MM-DD HH:mm in China time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const shifted = new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

export function formatShare(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** The API writes messages as "中文 / English": show the half in the reader's language. */
export function bilingual(message: string): string {
  const at = message.indexOf(' / ');
  if (at < 0) return message;
  return language === 'zh' ? message.slice(0, at) : message.slice(at + 3);
}
