// Names the Temporal side of the system shares: task queue default and the custom search attributes that
// let Temporal list cases. Imported by workflows, so nothing from Node here.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'inspection-cases';

export const searchAttributes = {
  caseStatus: defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD),
  caseOrigin: defineSearchAttributeKey('CaseOrigin', SearchAttributeType.KEYWORD),
  caseEntityUscc: defineSearchAttributeKey('CaseEntityUscc', SearchAttributeType.KEYWORD),
  casePlanId: defineSearchAttributeKey('CasePlanId', SearchAttributeType.KEYWORD),
  caseDeadline: defineSearchAttributeKey('CaseDeadline', SearchAttributeType.DATETIME),
  caseTeam: defineSearchAttributeKey('CaseTeam', SearchAttributeType.KEYWORD_LIST),
} as const;

/** `Name=Type` pairs as the Temporal CLI's --search-attribute flag takes them. */
export function searchAttributeRegistrations(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
    [SearchAttributeType.TEXT]: 'Text',
    [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DOUBLE]: 'Double',
    [SearchAttributeType.BOOL]: 'Bool',
  };
  return Object.values(searchAttributes).map((key) => `${key.name}=${cliType[key.type]}`);
}
