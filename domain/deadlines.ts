// Deadlines in days, as the bureau counts them: calendar days, or working days that skip weekends and the
// configured public holidays (法定节假日) and count the configured make-up working days (调休上班).

export type DayKind = 'calendar' | 'working';

export interface WorkingCalendar {
  /** YYYY-MM-DD dates that are not working days although they fall on a weekday. */
  holidays?: readonly string[];
  /** YYYY-MM-DD weekend dates that are working days. */
  workingWeekends?: readonly string[];
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The date (YYYY-MM-DD) in China Standard Time of an instant, which is what a deadline's day means. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  if (calendar.workingWeekends?.includes(date)) return true;
  if (calendar.holidays?.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * How many calendar days after `start` a deadline of `days` days falls: for working days, the deadline is the
 * end of the `days`-th working day after the start date.
 */
export function calendarDaysUntilDeadline(start: Date, days: number, kind: DayKind, calendar: WorkingCalendar = {}): number {
  if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be a whole number of at least 1');
  if (kind === 'calendar') return days;
  let offset = 0;
  let counted = 0;
  const startDay = Date.parse(`${chinaDate(start)}T00:00:00Z`);
  while (counted < days) {
    offset += 1;
    const date = new Date(startDay + offset * DAY_MS).toISOString().slice(0, 10);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return offset;
}
