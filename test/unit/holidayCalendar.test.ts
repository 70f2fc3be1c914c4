import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { caseTimingFrom } from '../../config/caseTiming';
import { currentWorkingCalendar, missingCalendarWarning, resolveWorkingCalendar, yearsWithoutCalendar } from '../../config/holidayCalendar';
import { chineseDate } from '../../domain/chineseDate';
import { deadlineDate } from '../../domain/deadlines';

const nothingConfigured = loadConfig({});

describe('R12 working days by the State Council holiday arrangement (chinese-days), with the bureau\'s overrides', () => {
  const official = resolveWorkingCalendar(nothingConfigured, '2026-01-01');

  it('R12 with nothing configured, 5 and 15 working days from 2026-09-29 end on 2026-10-12 and 2026-10-26 (National Day 10-01…10-07 off, 10-10 worked)', () => {
    expect(deadlineDate('2026-09-29', 5, 'working', official)).toBe('2026-10-12');
    expect(deadlineDate('2026-09-29', 15, 'working', official)).toBe('2026-10-26');
    expect(official.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-07']));
    expect(official.workingWeekends).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));
  });

  it('R12 calendar days ignore the calendar', () => {
    expect(deadlineDate('2026-09-29', 5, 'calendar', official)).toBe('2026-10-04');
  });

  it('R12 CASE_HOLIDAYS and CASE_WORKING_WEEKENDS override the published arrangement', () => {
    const local = resolveWorkingCalendar(loadConfig({ CASE_HOLIDAYS: '2026-10-09,2026-10-10', CASE_WORKING_WEEKENDS: '2026-10-11' }), '2026-01-01');
    // 10-09 and 10-10 now off, 10-11 (Sunday) worked: 09-30, 10-08, 10-11, 10-12, 10-13.
    expect(deadlineDate('2026-09-29', 5, 'working', local)).toBe('2026-10-13');
    expect(local.workingWeekends).not.toContain('2026-10-10');
  });

  it('R12 a new case carries the calendar from the start of this year as dates, so its deadlines never move on replay', () => {
    const timing = caseTimingFrom(nothingConfigured);
    const calendar = currentWorkingCalendar(nothingConfigured);
    expect(timing.holidays).toEqual(calendar.holidays);
    expect(timing.workingWeekends).toEqual(calendar.workingWeekends);
    const thisYear = new Date().getUTCFullYear() - 1;
    expect(timing.holidays.every((date) => Number(date.slice(0, 4)) >= thisYear)).toBe(true);
  });

  it('R12 start-up warns when the calendar holds no data for this year or the next', () => {
    const december = new Date('2026-12-06T04:00:00Z');
    expect(yearsWithoutCalendar(nothingConfigured, december)).toEqual([2027]);
    expect(missingCalendarWarning(nothingConfigured, december)).toMatch(/2027.*CASE_HOLIDAYS/);
    const configured = loadConfig({ CASE_HOLIDAYS: '2027-01-01,2027-02-16' });
    expect(missingCalendarWarning(configured, december)).toBeUndefined();
    expect(missingCalendarWarning(nothingConfigured, new Date('2025-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('dates in documents read 2026年12月6日, in China time', () => {
    expect(chineseDate('2026-12-06')).toBe('2026年12月6日');
    expect(chineseDate('2026-12-05T16:30:00.000Z')).toBe('2026年12月6日');
  });
});
