// R12: the reminders before a rectification deadline, also when the case slept through one (issue 18).
import { describe, expect, it } from 'vitest';
import { reminderOnWaking, reminderSchedule, remainingMessage } from '../../domain/reminders';

const day = 86_400_000;
const hour = day / 24;
const deadline = Date.parse('2026-12-20T16:00:00Z');
const schedule = reminderSchedule([1, 3]);

describe('R12 reminders before the rectification deadline', () => {
  it('R12 the schedule runs from the earliest reminder to the last', () => {
    expect(schedule).toEqual([3, 1]);
  });

  it('R12 a reminder on time says the days left, as it always has', () => {
    expect(reminderOnWaking(schedule, 0, deadline, day, deadline - 3 * day + 50)).toEqual({
      send: { daysBefore: 3, message: '整改期限还有 3 天 / 3 day(s) to the rectification deadline' },
      through: 0,
      onTime: true,
    });
  });

  it('R12 a reminder a few seconds late (a busy worker, or one-second test "days") still says what it always said', () => {
    expect(reminderOnWaking(schedule, 1, 3_000, 1_000, 2_900)).toMatchObject({ onTime: true, send: { daysBefore: 1, message: '整改期限还有 1 天 / 1 day(s) to the rectification deadline' } });
  });

  it('R12 a reminder sent late after an outage says how long is truly left, and the next one still comes', () => {
    const waking = reminderOnWaking(schedule, 0, deadline, day, deadline - 2 * day - 5 * hour);
    expect(waking).toEqual({ send: { daysBefore: 3, message: '整改期限还有 2 天 5 小时 / 2 day(s) 5 hour(s) to the rectification deadline' }, through: 0, onTime: false });
  });

  it('R12 an outage across two reminders sends one, late, with the true time left', () => {
    const waking = reminderOnWaking(schedule, 0, deadline, day, deadline - 7 * hour);
    expect(waking).toEqual({ send: { daysBefore: 1, message: '整改期限还有 7 小时 / 7 hour(s) to the rectification deadline' }, through: 1, onTime: false });
  });

  it('R12 no reminder once the deadline has passed', () => {
    expect(reminderOnWaking(schedule, 0, deadline, day, deadline + hour)).toEqual({ through: 1, onTime: false });
    expect(reminderOnWaking(schedule, 1, deadline, day, deadline)).toEqual({ through: 1, onTime: false });
  });

  it('R12 the time left reads in days and hours, whatever a "day" lasts', () => {
    expect(remainingMessage(20 * 60_000, day)).toBe('整改期限不足 1 小时 / less than an hour to the rectification deadline');
    expect(remainingMessage(1_500, 1_000)).toBe('整改期限还有 1 天 12 小时 / 1 day(s) 12 hour(s) to the rectification deadline');
  });
});
