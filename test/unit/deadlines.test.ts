import { describe, expect, it } from 'vitest';
import { calendarDaysUntilDeadline, chinaDate, defaultRectificationPeriod, endOfChinaDay } from '../../domain/deadlines';

// 2026-11-25 is a Wednesday.
const wednesday = new Date('2026-11-25T02:00:00Z');

describe('R12 rectification deadlines in calendar or working days', () => {
  it('R12 calendar days count every day', () => {
    expect(calendarDaysUntilDeadline(wednesday, 15, 'calendar')).toBe(15);
  });

  it('R12 working days skip the weekend: 3 working days from Wednesday end on Monday', () => {
    expect(calendarDaysUntilDeadline(wednesday, 3, 'working')).toBe(5);
    expect(calendarDaysUntilDeadline(wednesday, 10, 'working')).toBe(14);
  });

  it('R12 working days skip configured holidays and count make-up working weekends', () => {
    const calendar = { holidays: ['2026-11-26'], workingWeekends: ['2026-11-28'] };
    // Thu is a holiday, Fri works, Sat is a make-up day: 2 working days from Wednesday end on Saturday.
    expect(calendarDaysUntilDeadline(wednesday, 2, 'working', calendar)).toBe(3);
  });

  it('R12 the day counts in China Standard Time, not UTC', () => {
    expect(chinaDate(new Date('2026-11-25T17:00:00Z'))).toBe('2026-11-26');
    // Thursday 01:00 in Beijing is still Wednesday in UTC: counting starts from Thursday.
    expect(calendarDaysUntilDeadline(new Date('2026-11-25T17:00:00Z'), 2, 'working')).toBe(4);
  });

  it('R12 a deadline of less than one day is refused', () => {
    expect(() => calendarDaysUntilDeadline(wednesday, 0, 'calendar')).toThrow(RangeError);
  });
});

describe("R12 the default rectification period: the plan's, else the items', else the bureau's", () => {
  const failed = (itemCode: string) => ({ itemCode, checkpoints: [{ passed: true }, { passed: false }] });
  const passed = (itemCode: string) => ({ itemCode, checkpoints: [{ passed: true }] });
  const itemDays = { A: 10, B: 30, C: null };

  it("R12 a plan that sets a period decides it, whatever the items say", () => {
    expect(defaultRectificationPeriod({ planDays: 7, inspectedItems: [failed('B')], itemDays, bureauDays: 15 })).toEqual({ days: 7, source: 'plan' });
  });

  it('R12 without a plan period, the longest period among the items with a failed checkpoint', () => {
    expect(defaultRectificationPeriod({ planDays: null, inspectedItems: [failed('A'), passed('B')], itemDays, bureauDays: 15 })).toEqual({ days: 10, source: 'item' });
    expect(defaultRectificationPeriod({ planDays: null, inspectedItems: [failed('A'), failed('B')], itemDays, bureauDays: 15 })).toEqual({ days: 30, source: 'item' });
  });

  it('R12 a problem recorded only in the findings (no failed checkpoint) counts every inspected item', () => {
    expect(defaultRectificationPeriod({ planDays: null, inspectedItems: [passed('A'), passed('B')], itemDays, bureauDays: 15 })).toEqual({ days: 30, source: 'item' });
  });

  it('R12 items without a period of their own fall back to the bureau default', () => {
    expect(defaultRectificationPeriod({ planDays: null, inspectedItems: [failed('C'), failed('unknown')], itemDays, bureauDays: 15 })).toEqual({ days: 15, source: 'bureau' });
  });
});

describe("R19 a plan's period ends at midnight, China time", () => {
  it("R19 the last instant of a date is 23:59:59.999 in China, 15:59:59.999 UTC", () => {
    expect(endOfChinaDay('2026-12-31')).toBe('2026-12-31T15:59:59.999Z');
    expect(chinaDate(new Date(endOfChinaDay('2026-12-31')))).toBe('2026-12-31');
    expect(chinaDate(new Date(Date.parse(endOfChinaDay('2026-12-31')) + 1))).toBe('2027-01-01');
  });
});
