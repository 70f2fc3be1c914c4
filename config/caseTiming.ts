import type { CaseTiming } from '../domain/caseTiming';
import type { Config } from './index';
import { currentWorkingCalendar } from './holidayCalendar';

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
    // The official arrangement with the bureau's overrides, as dates: the case keeps them for its whole life.
    ...currentWorkingCalendar(config),
    creditRetryMaxIntervalMs: config.CREDIT_RETRY_MAX_INTERVAL_SECONDS * 1000,
  };
}
