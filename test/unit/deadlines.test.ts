import { describe, expect, it } from 'vitest';
import { calendarDaysUntilDeadline, chinaDate } from '../../domain/deadlines';

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
