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

/** The last instant of a date (YYYY-MM-DD) in China Standard Time, as an ISO string: a period's end. */
export function endOfChinaDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - CHINA_OFFSET_MS - 1).toISOString();
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

/**
 * The date (YYYY-MM-DD, China time) on which a period of `days` counted from the date `from` ends: what a
 * rectification order ordered on `from` gives as its deadline (R12), counted exactly as the case counts it.
 */
export function deadlineDate(from: string, days: number, kind: DayKind, calendar: WorkingCalendar = {}): string {
  const startDay = Date.parse(`${from}T00:00:00Z`);
  const offset = calendarDaysUntilDeadline(new Date(startDay - CHINA_OFFSET_MS), days, kind, calendar);
  return new Date(startDay + offset * DAY_MS).toISOString().slice(0, 10);
}

/** Where a case's default rectification period comes from (R12). */
export type RectificationPeriodSource = 'plan' | 'item' | 'bureau';

export interface RectificationPeriod {
  days: number;
  source: RectificationPeriodSource;
}

/**
 * The period a rectification order gives unless the officer sets another with a reason (R12): the plan's, when
 * the plan sets one; else the longest of the periods of the items found wanting (those with a failed checkpoint,
 * or every inspected item when the problem was recorded in the findings alone), so that each problem has the
 * time its item allows; else the bureau's.
 */
export function defaultRectificationPeriod(input: {
  planDays: number | null;
  inspectedItems: ReadonlyArray<{ itemCode: string; checkpoints: ReadonlyArray<{ passed: boolean }> }>;
  itemDays: Readonly<Record<string, number | null>>;
  bureauDays: number;
}): RectificationPeriod {
  if (input.planDays) return { days: input.planDays, source: 'plan' };
  const failed = input.inspectedItems.filter((item) => item.checkpoints.some((checkpoint) => !checkpoint.passed));
  const wanting = failed.length > 0 ? failed : input.inspectedItems;
  const periods = wanting.map((item) => input.itemDays[item.itemCode]).filter((days): days is number => typeof days === 'number' && days > 0);
  if (periods.length > 0) return { days: Math.max(...periods), source: 'item' };
  return { days: input.bureauDays, source: 'bureau' };
}
