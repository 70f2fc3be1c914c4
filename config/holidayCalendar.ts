// The working calendar the bureau counts working days by: the State Council's yearly arrangement of public
// holidays (法定节假日) and make-up working days (调休上班), as the `chinese-days` package publishes it, with the
// bureau's own CASE_HOLIDAYS and CASE_WORKING_WEEKENDS on top (a local closure, or a year the package does not
// hold yet). It is resolved once, when a process starts, into plain date lists: a case carries the lists it was
// opened with (CaseTiming), so a later update of the package never moves a running case's deadlines on replay.
import { createRequire } from 'node:module';
import { chinaDate } from '../domain/deadlines';
import type { Config } from './index';

interface PublishedArrangement {
  /** date → "English,中文,days" for every day off of a holiday period, weekends included */
  holidays: Record<string, string>;
  /** date → name for every weekend day worked in exchange */
  workdays: Record<string, string>;
}

// The package's own JSON rather than its API: plain data, the same on every call, and no date library of its own.
const published = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as PublishedArrangement;

export interface ResolvedCalendar {
  holidays: string[];
  workingWeekends: string[];
}

/**
 * The calendar from `since` (YYYY-MM-DD) on: earlier dates are never counted from again, and leaving them out keeps
 * each case's input small. A date the bureau configures wins over the published arrangement.
 */
export function resolveWorkingCalendar(config: Pick<Config, 'CASE_HOLIDAYS' | 'CASE_WORKING_WEEKENDS'>, since: string): ResolvedCalendar {
  const configuredHolidays = new Set(config.CASE_HOLIDAYS);
  const configuredWorkdays = new Set(config.CASE_WORKING_WEEKENDS);
  const holidays = new Set([...Object.keys(published.holidays).filter((date) => date >= since && !configuredWorkdays.has(date)), ...configuredHolidays]);
  const workingWeekends = new Set([
    ...Object.keys(published.workdays).filter((date) => date >= since && !configuredHolidays.has(date)),
    ...configuredWorkdays,
  ]);
  return { holidays: [...holidays].sort(), workingWeekends: [...workingWeekends].sort() };
}

/** The calendar a case opened today gets: from the first day of this year (China time) on. */
export function currentWorkingCalendar(config: Pick<Config, 'CASE_HOLIDAYS' | 'CASE_WORKING_WEEKENDS'>, now = new Date()): ResolvedCalendar {
  return resolveWorkingCalendar(config, `${chinaDate(now).slice(0, 4)}-01-01`);
}

/** Years, of this one and the next, for which neither the package nor the configuration names any holiday. */
export function yearsWithoutCalendar(config: Pick<Config, 'CASE_HOLIDAYS'>, now = new Date()): number[] {
  const year = Number(chinaDate(now).slice(0, 4));
  const known = new Set([...Object.keys(published.holidays), ...config.CASE_HOLIDAYS].map((date) => Number(date.slice(0, 4))));
  return [year, year + 1].filter((candidate) => !known.has(candidate));
}

/** The start-up warning's words, or undefined when the calendar covers this year and the next. */
export function missingCalendarWarning(config: Pick<Config, 'CASE_HOLIDAYS'>, now = new Date()): string | undefined {
  const missing = yearsWithoutCalendar(config, now);
  if (missing.length === 0) return undefined;
  const years = missing.join('、');
  return (
    `节假日日历缺少 ${years} 年的数据：这些年份的工作日只跳过周末。请更新 chinese-days 包，或以 CASE_HOLIDAYS、CASE_WORKING_WEEKENDS 配置国务院公布的安排 / ` +
    `the holiday calendar holds no data for ${missing.join(', ')}: working days there skip weekends only. Update the chinese-days package, ` +
    'or set CASE_HOLIDAYS and CASE_WORKING_WEEKENDS to the State Council arrangement'
  );
}
