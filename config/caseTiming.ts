import type { CaseTiming } from '../workflows/caseMessages';
import type { Config } from './index';

/** The durations a new case is opened with; the case keeps them for its whole life. */
export function caseTimingFrom(config: Config): CaseTiming {
  return {
    dayMs: config.CASE_DAY_SECONDS * 1000,
    defaultRectificationDays: config.CASE_DEFAULT_RECTIFICATION_DAYS,
    rectificationDayKind: config.CASE_RECTIFICATION_DAY_KIND,
    reminderDaysBefore: config.CASE_REMINDER_DAYS_BEFORE,
    revisitLimitDays: config.CASE_REVISIT_LIMIT_DAYS,
    leadershipEscalationDays: config.CASE_LEADERSHIP_ESCALATION_DAYS,
    publicationDays: config.CASE_PUBLICATION_DAYS,
    holidays: config.CASE_HOLIDAYS,
    workingWeekends: config.CASE_WORKING_WEEKENDS,
    creditRetryMaxIntervalMs: config.CREDIT_RETRY_MAX_INTERVAL_SECONDS * 1000,
  };
}
