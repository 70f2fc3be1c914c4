// The durations a case is opened with: the API reads them from the environment, the workflow keeps them for the
// case's whole life (a running case is never hurried or slowed by a later configuration).
import type { DayKind } from './deadlines';

/** Durations a case keeps for its whole life, fixed when it opens (a "day" is shortened in tests). */
export interface CaseTiming {
  dayMs: number;
  defaultRectificationDays: number;
  rectificationDayKind: DayKind;
  reminderDaysBefore: number[];
  revisitLimitDays: number;
  leadershipEscalationDays: number;
  publicationDays: number;
  holidays: string[];
  workingWeekends: string[];
  creditRetryMaxIntervalMs: number;
}
